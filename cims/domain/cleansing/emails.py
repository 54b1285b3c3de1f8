"""E-mail addresses: syntax check, domain normalisation and a matching key."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email

from .outcome import RULES_VERSION, CleansingOutcome
from .text import collapse_spaces, nfc

# Providers that ignore dots in the local part.
DOT_BLIND_DOMAINS = frozenset({"gmail.com", "googlemail.com"})

# Providers that deliver "name+anything@" to "name@".
PLUS_TAG_DOMAINS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "outlook.com",
        "hotmail.com",
        "live.com",
        "icloud.com",
        "me.com",
        "fastmail.com",
        "proton.me",
        "protonmail.com",
        "yahoo.com",
    }
)

DOMAIN_ALIASES = {"googlemail.com": "gmail.com"}


def cleanse_email(value: str, field: str = "email") -> CleansingOutcome[str]:
    """Check the syntax and lower-case the domain; the mailbox part is kept.

    The stored address is never rewritten by provider tricks (dots, +tags);
    those only shape the separate matching key in `details`.
    """
    text = collapse_spaces(nfc(value))
    changes = [] if text == value else ["whitespace_collapsed"]

    try:
        checked = validate_email(text, check_deliverability=False)
    except EmailNotValidError:
        return CleansingOutcome(
            field=field,
            original=value,
            value=text,
            changes=tuple(changes),
            flags=("invalid_email",),
            details=(("key", email_key(text)),),
            rules_version=RULES_VERSION,
        )

    normalised = str(checked.normalized)
    if normalised != text:
        changes.append("domain_normalised")
    return CleansingOutcome(
        field=field,
        original=value,
        value=normalised,
        changes=tuple(changes),
        details=(("key", email_key(normalised)),),
        rules_version=RULES_VERSION,
    )


def _ascii_domain(domain: str) -> str:
    try:
        return domain.encode("idna").decode("ascii")
    except UnicodeError:
        return domain


def email_key(value: str) -> str:
    """Matching key: lower case, IDNA domain, provider dots and +tags dropped."""
    text = value.strip().casefold()
    local, at, domain = text.rpartition("@")
    if not at or not local:
        return text

    domain = _ascii_domain(domain.rstrip("."))
    domain = DOMAIN_ALIASES.get(domain, domain)
    if domain in PLUS_TAG_DOMAINS:
        local = local.split("+", 1)[0]
    if domain in DOT_BLIND_DOMAINS:
        local = local.replace(".", "")
    return f"{local}@{domain}"
