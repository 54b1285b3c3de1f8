"""Tools for testing code built on CIMS: the storage contract suite and strategies."""
