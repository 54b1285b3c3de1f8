"""Turning database driver failures into `ServiceUnavailable`.

Only failures of the database itself are translated: it cannot be reached,
the connection dropped, a timeout or lock wait ran out, the pool is
exhausted. Programming errors and constraint violations keep their own type,
because retrying them later would not help.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy.exc

from cims.domain.errors import ServiceUnavailable

logger = logging.getLogger(__name__)

SERVICE = "database"


@contextmanager
def database_errors(action: str) -> Iterator[None]:
    """Raise ServiceUnavailable, chained, when the database fails during `action`."""
    try:
        yield
    except sqlalchemy.exc.TimeoutError as ex:
        logger.warning("database pool exhausted while trying to %s: %s", action, ex)
        raise ServiceUnavailable(SERVICE, f"no free connection to {action}") from ex
    except (sqlalchemy.exc.OperationalError, sqlalchemy.exc.InterfaceError) as ex:
        reason = _reason(ex)
        logger.warning("database failed while trying to %s: %s", action, reason)
        raise ServiceUnavailable(SERVICE, f"could not {action}: {reason}") from ex
    except sqlalchemy.exc.DBAPIError as ex:
        if not ex.connection_invalidated:
            raise
        reason = _reason(ex)
        logger.warning(
            "database connection lost while trying to %s: %s", action, reason
        )
        raise ServiceUnavailable(SERVICE, f"could not {action}: {reason}") from ex


def _reason(ex: sqlalchemy.exc.DBAPIError) -> str:
    """The driver's own first line: names the server and the failure, never the
    statement's parameters (which may hold customer data)."""
    text = str(ex.orig).strip() or type(ex.orig).__name__
    return text.splitlines()[0][:300]
