"""Errors raised by sanctions screening when a caller passes bad input."""

from cims.domain.errors import CimsError


class ScreeningError(CimsError):
    """Base of every error raised by the screening core."""


class InvalidScreeningSubject(ScreeningError, ValueError):
    """The subject handed to screening cannot be screened as given."""


class InvalidScreeningPolicy(ScreeningError, ValueError):
    """A screening policy setting is out of its allowed range."""
