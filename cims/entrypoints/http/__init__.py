"""The Falcon HTTP service."""

from cims.entrypoints.http.app import create_app

__all__ = ["create_app"]
