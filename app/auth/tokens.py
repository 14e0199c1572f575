"""API tokens and passwords: generation and hashing (no database here)."""

from __future__ import annotations

import hashlib
import hmac
import secrets

# A recognisable prefix lets secret scanners and people spot a leaked token.
TOKEN_PREFIX = "ovop_"


def new_token() -> str:
    """A fresh random bearer token (shown once, stored only as its hash)."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """The SHA-256 hex digest under which a token is stored and looked up."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def derived_secret(secret_key: str, purpose: str, length: int = 24) -> str:
    """A stable secret derived from SECRET_KEY (demo logins print the same values on every run)."""
    digest = hmac.new(secret_key.encode("utf-8"), purpose.encode("utf-8"), hashlib.sha256).hexdigest()
    return digest[:length]


def bearer_token(authorization_header: str | None) -> str | None:
    """The token of an `Authorization: Bearer …` header, '' when the header is malformed, None when absent."""
    if authorization_header is None:
        return None
    scheme, _, value = authorization_header.strip().partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return ""
    return value.strip()
