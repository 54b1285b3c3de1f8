"""Batch jobs as use cases: the runner that frames them, and the jobs themselves."""
