"""Password hashing with Argon2id, rehashing when the parameters change."""

from __future__ import annotations

import contextlib

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask import current_app

# Verified against when the account does not exist, so that the answer takes as long.
_DUMMY_PASSWORD = "not-a-real-password-for-timing"


def _hasher() -> PasswordHasher:
    config = current_app.config
    key = (config["ARGON2_TIME_COST"], config["ARGON2_MEMORY_KIB"], config["ARGON2_PARALLELISM"])
    hasher = current_app.extensions.get("trellis_hasher")
    if hasher is None or hasher[0] != key:
        hasher = (
            key,
            PasswordHasher(time_cost=key[0], memory_cost=key[1], parallelism=key[2], type=Type.ID),
        )
        current_app.extensions["trellis_hasher"] = hasher
    return hasher[1]


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    hasher = _hasher()
    if not password_hash:
        _burn_time(hasher, password)
        return False
    try:
        return hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)


def _burn_time(hasher: PasswordHasher, password: str) -> None:
    dummy = current_app.extensions.get("trellis_dummy_hash")
    if dummy is None or needs_rehash(dummy):
        dummy = hasher.hash(_DUMMY_PASSWORD)
        current_app.extensions["trellis_dummy_hash"] = dummy
    with contextlib.suppress(VerifyMismatchError, VerificationError):
        hasher.verify(dummy, password)
