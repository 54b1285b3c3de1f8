"""MongoDB driver failures translated into `ServiceUnavailable`."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator

from pymongo import errors

from cims.domain.errors import ServiceUnavailable

log = logging.getLogger(__name__)

SERVICE = "MongoDB"
RETRY_AFTER_SECONDS = 5

# Server error codes that mean "not now" rather than "never": shutdown,
# failover, time limits and write conflicts that outlasted the retries.
_TRANSIENT_CODES = frozenset(
    {
        50,  # MaxTimeMSExpired
        91,  # ShutdownInProgress
        112,  # WriteConflict
        189,  # PrimarySteppedDown
        262,  # ExceededTimeLimit
        10107,  # NotWritablePrimary
        11600,  # InterruptedAtShutdown
        11602,  # InterruptedDueToReplStateChange
        13435,  # NotPrimaryNoSecondaryOk
        13436,  # NotPrimaryOrSecondary
    }
)


def is_transient(error: errors.PyMongoError) -> bool:
    """True for failures a later retry can succeed at."""
    if isinstance(error, errors.ConnectionFailure | errors.ExecutionTimeout):
        return True
    if isinstance(error, errors.WTimeoutError):
        return True
    if error.has_error_label("TransientTransactionError") or error.has_error_label(
        "RetryableWriteError"
    ):
        return True
    return isinstance(error, errors.OperationFailure) and error.code in _TRANSIENT_CODES


@contextlib.contextmanager
def storage_errors(operation: str) -> Iterator[None]:
    """Turn driver failures that mean "MongoDB is unreachable" into 503s.

    `ConnectionFailure` covers server selection timeouts, `AutoReconnect` and
    network timeouts. Other failures (a duplicate key, a malformed query)
    are bugs or conflicts, and pass through unchanged.
    """
    try:
        yield
    except errors.PyMongoError as error:
        if not is_transient(error):
            raise
        reason = f"{operation} failed: {type(error).__name__}"
        log.warning(
            "MongoDB %s failed (%s: %.200s); answering 503, retry in %ss",
            operation,
            type(error).__name__,
            error,
            RETRY_AFTER_SECONDS,
        )
        raise ServiceUnavailable(SERVICE, reason, RETRY_AFTER_SECONDS) from error
