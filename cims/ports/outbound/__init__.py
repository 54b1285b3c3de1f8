"""Protocols the use cases talk through; adapters implement them."""
