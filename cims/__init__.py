"""CIMS: customer information management for banks."""
