"""Swappable implementations of the outbound ports."""
