"""Test support other teams import: storage contract suite and strategies."""
