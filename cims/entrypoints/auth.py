"""Bearer tokens (JWT, HS256) with scopes: minting for local use and checking.

APPSEC: tokens are signed with a shared secret. A deployment sets
CIMS_JWT_SECRET from its secret store; for local use the secret is generated
once into the data directory with owner-only permissions.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from collections.abc import Iterable
from pathlib import Path

import attrs
import jwt

SCOPES = (
    "customers:read",
    "customers:write",
    "customers:merge",
    "kyc:review",
    "jobs:read",
    "admin",
)


class TokenRejected(Exception):
    """The token is missing, malformed, expired or signed with another key."""


@attrs.frozen
class Principal:
    """Who is calling, and what they may do."""

    subject: str
    scopes: frozenset[str]

    def may(self, scope: str) -> bool:
        return scope in self.scopes or "admin" in self.scopes


class TokenAuthority:
    def __init__(self, secret: str, issuer: str, audience: str) -> None:
        if len(secret) < 32:
            raise ValueError("the JWT secret must be at least 32 characters long")
        self._secret = secret
        self._issuer = issuer
        self._audience = audience

    def mint(self, subject: str, scopes: Iterable[str], lifetime: dt.timedelta) -> str:
        scopes = sorted(set(scopes))
        unknown = set(scopes) - set(SCOPES)
        if unknown:
            raise ValueError(
                f"unknown scopes: {', '.join(sorted(unknown))}; "
                f"known: {', '.join(SCOPES)}"
            )
        now = dt.datetime.now(dt.UTC)
        claims = {
            "sub": subject,
            "scope": " ".join(scopes),
            "iss": self._issuer,
            "aud": self._audience,
            "iat": now,
            "exp": now + lifetime,
        }
        return jwt.encode(claims, self._secret, algorithm="HS256")

    def verify(self, token: str) -> Principal:
        try:
            claims = jwt.decode(
                token,
                self._secret,
                algorithms=["HS256"],
                issuer=self._issuer,
                audience=self._audience,
                options={"require": ["exp", "sub", "iss", "aud"]},
            )
        except jwt.ExpiredSignatureError:
            raise TokenRejected("the token has expired; get a new one") from None
        except (jwt.InvalidAudienceError, jwt.InvalidIssuerError):
            raise TokenRejected(
                f"the token was not issued by {self._issuer!r} for {self._audience!r}"
            ) from None
        except jwt.InvalidSignatureError:
            raise TokenRejected("the token's signature does not match") from None
        except jwt.MissingRequiredClaimError as error:
            raise TokenRejected(f"the token lacks the {error.claim!r} claim") from None
        except jwt.PyJWTError:
            # The library's own wording can quote undecodable bytes back.
            raise TokenRejected("the token is not a valid JWT") from None
        scope = claims.get("scope", "")
        if not isinstance(scope, str):
            raise TokenRejected("the scope claim must be a space-separated string")
        return Principal(str(claims["sub"]), frozenset(scope.split()))


def local_secret(data_dir: str) -> str:
    """The secret stored in the data directory, created on first use."""
    path = Path(data_dir) / "jwt-secret"
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_urlsafe(48))
    return path.read_text().strip()
