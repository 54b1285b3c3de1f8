"""Sanctions-list adapters: the OFAC SDN CSV files and an in-memory list."""
