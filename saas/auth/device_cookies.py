"""Device cookies (OWASP "Slow down online guessing attacks with device cookies").

After a successful sign-in the browser gets a cookie naming a device id and an expiry,
signed with an HMAC (keyed with ``SECRET_KEY``) over the tenant, the e-mail, the id and the
expiry. On a later sign-in for the same account, a valid cookie marks a browser that has
signed in before: it passes the per-IP limit (``throttle``), and its failures are counted
against the device alone. The cookie holds no e-mail and no tenant id: it is only valid
for the account whose e-mail is typed with it.

Format: ``v1.<device id>.<expires, Unix seconds>.<HMAC-SHA-256, hex>``.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import uuid

from flask import Response, current_app

from saas import clock

COOKIE_NAME = "trellis_device"
COOKIE_PATH = "/login"
_VERSION = "v1"
_TOKEN = re.compile(r"v1\.([A-Za-z0-9_-]{16,43})\.(\d{1,12})\.([0-9a-f]{64})")


def _signature(tenant_id: uuid.UUID, email: str, device_id: str, expires: int) -> str:
    secret = current_app.config["SECRET_KEY"].encode()
    material = f"device:{_VERSION}:{tenant_id}:{email.lower()}:{device_id}:{expires}".encode()
    return hmac.new(secret, material, hashlib.sha256).hexdigest()


def issue(*, tenant_id: uuid.UUID, email: str, device_id: str | None = None) -> str:
    """A cookie value for this account; keeps ``device_id`` (a renewal) or picks a new one."""
    device_id = device_id or secrets.token_urlsafe(16)
    expires = int(clock.now().timestamp()) + current_app.config["DEVICE_COOKIE_MAX_AGE_SECONDS"]
    signature = _signature(tenant_id, email, device_id, expires)
    return f"{_VERSION}.{device_id}.{expires}.{signature}"


def device_id_of(token: str | None, *, tenant_id: uuid.UUID, email: str) -> str | None:
    """The device id of a valid, unexpired cookie for this account; None for anything else."""
    match = _TOKEN.fullmatch(token or "")
    if match is None or not email:
        return None
    device_id, expires, signature = match.group(1), int(match.group(2)), match.group(3)
    expected = _signature(tenant_id, email, device_id, expires)
    if not hmac.compare_digest(signature, expected):
        return None
    if expires <= clock.now().timestamp():
        return None
    return device_id


def set_cookie(response: Response, token: str) -> None:
    """Host-only, HttpOnly, sent only to the sign-in pages."""
    config = current_app.config
    response.set_cookie(
        COOKIE_NAME,
        token,
        max_age=config["DEVICE_COOKIE_MAX_AGE_SECONDS"],
        path=COOKIE_PATH,
        secure=config["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Lax",
    )
