"""Login throttling (OWASP ASVS 2.2.1), counted in the database over a sliding window.

- An IP with LOGIN_FAILURES_PER_IP failures in the window is refused, whatever the account.
- An account with LOGIN_FAILURES_PER_ACCOUNT failures in the window is refused from every IP
  that took part in those failures, but not from a clean IP: an attacker cannot lock the
  real user out, who can still sign in from elsewhere.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import uuid

from flask import current_app
from sqlalchemy import delete, func, select

from saas.auth.models import LoginFailure
from saas.db import db, utcnow
from saas.errors import TooManyAttempts


def _account_key(tenant_id: uuid.UUID, email: str) -> str:
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, f"{tenant_id}:{email}".encode(), hashlib.sha256).hexdigest()


def _window_start() -> dt.datetime:
    return utcnow() - dt.timedelta(seconds=current_app.config["LOGIN_FAILURE_WINDOW_SECONDS"])


def _count(*conditions) -> int:
    query = (
        select(func.count())
        .select_from(LoginFailure)
        .where(LoginFailure.created_at >= _window_start(), *conditions)
    )
    return db.session.scalar(query) or 0


def check_login_allowed(*, tenant_id: uuid.UUID, email: str, ip: str) -> None:
    """Raise TooManyAttempts when this attempt must be refused before checking the password."""
    config = current_app.config
    if _count(LoginFailure.ip == ip) >= config["LOGIN_FAILURES_PER_IP"]:
        raise TooManyAttempts("Too many failed sign-ins from your network. Try again later.")
    key = _account_key(tenant_id, email)
    account_locked = _count(LoginFailure.account_key == key) >= config["LOGIN_FAILURES_PER_ACCOUNT"]
    if account_locked and _count(LoginFailure.account_key == key, LoginFailure.ip == ip) > 0:
        raise TooManyAttempts(
            "Too many failed sign-ins for this account. Try again in 15 minutes "
            "or reset your password."
        )


def record_login_failure(*, tenant_id: uuid.UUID, email: str, ip: str) -> None:
    db.session.add(LoginFailure(account_key=_account_key(tenant_id, email), ip=ip))
    db.session.flush()


def clear_login_failures(*, tenant_id: uuid.UUID, email: str) -> None:
    """A successful sign-in forgets the account's failures (and old rows of everyone)."""
    key = _account_key(tenant_id, email)
    db.session.execute(
        delete(LoginFailure).where(
            (LoginFailure.account_key == key) | (LoginFailure.created_at < _window_start())
        )
    )
