<<<<<<< HEAD
"""Tools for testing code built on CIMS: hypothesis strategies and fixtures."""
=======
"""Test support other teams import: storage contract suite and strategies."""
>>>>>>> sql
