"""Passwords (argon2) and device tokens (random; only their SHA-256 is stored)."""

from __future__ import annotations

import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
TOKEN_PREFIX = "fa1_"


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


# Compared against when the user is unknown, so timing does not reveal which names exist.
DUMMY_HASH = hash_password("fieldapp-no-such-user")


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """Tokens are 256 random bits: a plain SHA-256 is enough (no brute force to slow)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
