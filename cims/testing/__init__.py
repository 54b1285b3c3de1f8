"""Test support other teams import: hypothesis strategies and the storage contract."""
