"""Password hashing with Argon2id (argon2-cffi's defaults, RFC 9106's second recommendation).

Only hashes are stored; a password is never written anywhere, logged or journalled.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

#: The parameters every real hash is made with (argon2-cffi's defaults: Argon2id, 64 MiB, t=3).
PRODUCTION = PasswordHasher()
_hasher = PRODUCTION


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches; a missing or damaged hash matches nothing."""
    if not password_hash:
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError, UnicodeError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with weaker parameters than today's defaults."""
    return _hasher.check_needs_rehash(password_hash)
