"""Login throttling (OWASP ASVS 2.2.1), counted in the database over a sliding window.

- An IP with LOGIN_FAILURES_PER_IP failures in the window is refused, whatever the account.
- An account with LOGIN_FAILURES_PER_ACCOUNT failures in the window is refused from every IP
  that took part in those failures, but not from a clean IP: an attacker cannot lock the
  real user out, who can still sign in from elsewhere.
- A browser that presents a valid device cookie for the account (``device_cookies``: it
  signed in to this account before) passes both limits: an office behind one address is
  not locked out by someone guessing from the same address. Its failures are counted
  against that device only; a device with LOGIN_FAILURES_PER_DEVICE failures in the window
  is refused itself.

The counts above only include the failures of untrusted clients (no valid device cookie).

A wrong code at the second sign-in step (two-factor, the password was right) is a failure
like the others, counted by the limits above; and an account with
LOGIN_SECOND_FACTOR_FAILURES_PER_ACCOUNT such failures in the window refuses the second
step from every address and browser: guessing a 6-digit code is only slowed down if the
guesser cannot spread over many addresses. Only someone who has the password can cause it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import uuid

from flask import current_app
from sqlalchemy import delete, func, select

from saas import clock
from saas.auth.models import LoginFailure
from saas.db import db
from saas.errors import TooManyAttempts

IP_LIMIT = "ip"
ACCOUNT_LIMIT = "account"
DEVICE_LIMIT = "device"
SECOND_FACTOR_LIMIT = "second_factor"


class LoginThrottled(TooManyAttempts):
    """A refused sign-in; ``limit`` says which limit refused it (ip, account or device)."""

    def __init__(self, message: str, *, limit: str) -> None:
        super().__init__(message)
        self.limit = limit


def _account_key(tenant_id: uuid.UUID, email: str) -> str:
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, f"{tenant_id}:{email}".encode(), hashlib.sha256).hexdigest()


def _window_start() -> dt.datetime:
    return clock.now() - dt.timedelta(seconds=current_app.config["LOGIN_FAILURE_WINDOW_SECONDS"])


def _count(*conditions) -> int:
    query = (
        select(func.count())
        .select_from(LoginFailure)
        .where(LoginFailure.created_at >= _window_start(), *conditions)
    )
    return db.session.scalar(query) or 0


def _untrusted(*conditions) -> int:
    return _count(LoginFailure.device_id.is_(None), *conditions)


def device_failures(device_id: str) -> int:
    return _count(LoginFailure.device_id == device_id)


def check_login_allowed(
    *,
    tenant_id: uuid.UUID,
    email: str,
    ip: str,
    device_id: str | None = None,
    second_factor: bool = False,
) -> None:
    """Raise LoginThrottled when this attempt must be refused before checking the password
    (or, with ``second_factor``, the code of the second step).

    ``device_id`` is that of a valid device cookie for this account (None when the client
    presented none, or a forged, expired or other account's one)."""
    config = current_app.config
    if second_factor:
        guesses = _count(
            LoginFailure.account_key == _account_key(tenant_id, email), LoginFailure.second_factor
        )
        if guesses >= config["LOGIN_SECOND_FACTOR_FAILURES_PER_ACCOUNT"]:
            raise LoginThrottled(
                "Too many wrong codes for this account. Try again in 15 minutes.",
                limit=SECOND_FACTOR_LIMIT,
            )
    if device_id is not None:
        if device_failures(device_id) >= config["LOGIN_FAILURES_PER_DEVICE"]:
            raise LoginThrottled(
                "Too many failed sign-ins from this browser. Try again in 15 minutes "
                "or reset your password.",
                limit=DEVICE_LIMIT,
            )
        return
    if _untrusted(LoginFailure.ip == ip) >= config["LOGIN_FAILURES_PER_IP"]:
        raise LoginThrottled(
            "Too many failed sign-ins from your network. Try again later.", limit=IP_LIMIT
        )
    key = _account_key(tenant_id, email)
    account_locked = (
        _untrusted(LoginFailure.account_key == key) >= config["LOGIN_FAILURES_PER_ACCOUNT"]
    )
    if account_locked and _untrusted(LoginFailure.account_key == key, LoginFailure.ip == ip) > 0:
        raise LoginThrottled(
            "Too many failed sign-ins for this account. Try again in 15 minutes "
            "or reset your password.",
            limit=ACCOUNT_LIMIT,
        )


def record_login_failure(
    *,
    tenant_id: uuid.UUID,
    email: str,
    ip: str,
    device_id: str | None = None,
    second_factor: bool = False,
) -> bool:
    """Count a failure (``second_factor``: a wrong code after the right password); True
    when it is the one that locks ``device_id`` out."""
    db.session.add(
        LoginFailure(
            account_key=_account_key(tenant_id, email),
            ip=ip,
            device_id=device_id,
            second_factor=second_factor,
        )
    )
    db.session.flush()
    if device_id is None:
        return False
    return device_failures(device_id) == current_app.config["LOGIN_FAILURES_PER_DEVICE"]


def clear_login_failures(*, tenant_id: uuid.UUID, email: str) -> None:
    """A successful sign-in forgets the account's failures (and old rows of everyone)."""
    key = _account_key(tenant_id, email)
    db.session.execute(
        delete(LoginFailure).where(
            (LoginFailure.account_key == key) | (LoginFailure.created_at < _window_start())
        )
    )
