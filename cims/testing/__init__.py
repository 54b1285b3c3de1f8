"""Tools for testing code built on CIMS: hypothesis strategies and fixtures."""
