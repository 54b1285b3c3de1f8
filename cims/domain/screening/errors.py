"""Errors raised by sanctions screening when a caller passes bad input."""

# LIMITATION: cims.domain.errors (with CimsError) does not exist on this branch
# yet; once it is merged, ScreeningError should subclass CimsError.


class ScreeningError(Exception):
    """Base of every error raised by the screening core."""


class InvalidScreeningSubject(ScreeningError, ValueError):
    """The subject handed to screening cannot be screened as given."""


class InvalidScreeningPolicy(ScreeningError, ValueError):
    """A screening policy setting is out of its allowed range."""
