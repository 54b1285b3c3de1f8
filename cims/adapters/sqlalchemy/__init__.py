"""SQL storage adapter (SQLAlchemy 2, SQLite or PostgreSQL via psycopg 3)."""

from cims.adapters.sqlalchemy.migrate import upgrade
from cims.adapters.sqlalchemy.store import SqlStore, SqlUnitOfWork

__all__ = ["SqlStore", "SqlUnitOfWork", "upgrade"]
