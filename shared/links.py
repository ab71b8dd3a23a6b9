"""One-time links that people answer without an account (a student's screening link, a
questionnaire's answer link): the token is random and shown once, only its SHA-256 is stored, and
the link works for LINK_DAYS days. Finding a link by the token means hashing it the same way."""

import hashlib
import secrets
from datetime import datetime, timedelta

from django.utils import timezone

LINK_DAYS = 7


def token_hash(token: str) -> str:
    """The SHA-256 (hex) of a link's token: what is stored and looked up."""
    return hashlib.sha256((token or "").encode()).hexdigest()


def new_link_token() -> tuple[str, str]:
    """A fresh random token and its hash. Hand out the token; store only the hash."""
    token = secrets.token_urlsafe(32)
    return token, token_hash(token)


def link_expiry(start: datetime | None = None) -> datetime:
    """When a link made at `start` (default now) stops working."""
    return (start or timezone.now()) + timedelta(days=LINK_DAYS)


def link_expired(expires_at: datetime | None) -> bool:
    return expires_at is not None and expires_at <= timezone.now()
