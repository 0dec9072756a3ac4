"""Secrets the server must read back (not hash), encrypted at rest with Fernet.

Each kind of secret gets its own key, derived from ``SECRET_KEY`` with HKDF and a salt and
label of its own, so one kind's key never opens another kind. Changing ``SECRET_KEY`` makes
every stored secret unreadable (each caller says what to do then).
"""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app


class UnreadableSecret(Exception):
    """The stored secret was encrypted with another key (``SECRET_KEY`` changed)."""


def _fernet(*, salt: bytes, info: bytes) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=info).derive(
        current_app.config["SECRET_KEY"].encode()
    )
    return Fernet(base64.urlsafe_b64encode(key))


def encrypt(secret: str, *, salt: bytes, info: bytes) -> str:
    return _fernet(salt=salt, info=info).encrypt(secret.encode()).decode("ascii")


def decrypt(token: str, *, salt: bytes, info: bytes) -> str:
    try:
        return _fernet(salt=salt, info=info).decrypt(token.encode("ascii")).decode()
    except (InvalidToken, ValueError):
        raise UnreadableSecret from None
