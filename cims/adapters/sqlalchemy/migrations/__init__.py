"""Alembic migrations for the SQL storage adapter."""
