"""Signing people in and out of a tenant's workspace (cookie sessions via Flask-Login).

A user with two-factor sign-in is not signed in by the right password: the session only
remembers, for a few minutes, who passed the first step (``begin_second_step``), and
``start_session`` runs once the second step passed too.
"""

from __future__ import annotations

import hashlib
import hmac
import uuid

from flask import current_app, g, session
from flask_login import current_user, login_user, logout_user

from saas import clock, security_log
from saas.auth.models import User
from saas.db import db
from saas.extensions import login_manager
from saas.ids import parse_id


def _auth_hash(user: User) -> str:
    """Changes when the password changes, which ends the user's other sessions."""
    secret = current_app.config["SECRET_KEY"].encode()
    material = f"{user.id}:{user.password_hash or ''}".encode()
    return hmac.new(secret, material, hashlib.sha256).hexdigest()[:32]


PASSWORD = "password"
SSO = "sso"
_SECOND_STEP = "second_step"


def start_session(user: User, *, method: str = PASSWORD) -> None:
    """Sign ``user`` in on this host with a fresh session (no fixation).

    ``method`` is how they proved who they are: ``PASSWORD`` (with the second step when
    they use two-factor sign-in) or ``SSO`` (the identity provider's business)."""
    _clear_keeping_language()
    login_user(user)
    session.permanent = True
    session["tenant_id"] = str(user.tenant_id)
    session["auth_hash"] = _auth_hash(user)
    session["auth_method"] = method


def _clear_keeping_language() -> None:
    """A fresh session (no fixation) that keeps the language chosen on the sign-in page."""
    from saas.i18n import SESSION_KEY

    language = session.get(SESSION_KEY)
    session.clear()
    if language:
        session[SESSION_KEY] = language


def signed_in_with() -> str:
    """How the current session was signed in (sessions older than this key: a password)."""
    return session.get("auth_method", PASSWORD)


def begin_second_step(user: User, *, next_url: str) -> None:
    """Remember, in a fresh session, that ``user`` gave the right password just now."""
    _clear_keeping_language()
    session[_SECOND_STEP] = {
        "user_id": str(user.id),
        "tenant_id": str(user.tenant_id),
        "auth_hash": _auth_hash(user),
        "until": int(clock.now().timestamp()) + current_app.config["TWO_FACTOR_STEP_SECONDS"],
        "next": next_url,
    }


class SecondStepExpired(Exception):
    """There was a second step under way, and it is too late (or the account changed)."""


def second_step_user() -> tuple[User, str] | None:
    """The user waiting for their second step on this host, and where they were going;
    None when no second step is under way; SecondStepExpired when it is too late."""
    pending = session.get(_SECOND_STEP)
    tenant = g.get("tenant")
    if not isinstance(pending, dict) or tenant is None:
        return None
    if pending.get("tenant_id") != str(tenant.id):
        return None
    try:
        key = uuid.UUID(pending.get("user_id", ""))
        until = int(pending.get("until", 0))
    except (TypeError, ValueError):
        return None
    user = db.session.get(User, (tenant.id, key))
    if (
        until <= clock.now().timestamp()
        or user is None
        or not user.is_active
        or pending.get("auth_hash") != _auth_hash(user)
    ):
        session.pop(_SECOND_STEP, None)
        raise SecondStepExpired
    return user, str(pending.get("next") or "")


def end_second_step() -> None:
    session.pop(_SECOND_STEP, None)


def end_session() -> None:
    if current_user.is_authenticated:
        security_log.record("auth.sign_out", actor=current_user)
    # The sign-in page that follows stays in the language the person was reading.
    language = getattr(current_user, "locale", None)
    logout_user()
    _clear_keeping_language()
    if language:
        from saas.i18n import remember_choice

        remember_choice(language)


@login_manager.user_loader
def _load_user(user_id: str) -> User | None:
    tenant = g.get("tenant")
    key = parse_id(user_id)
    if tenant is None or key is None or session.get("tenant_id") != str(tenant.id):
        return None
    user = db.session.get(User, (tenant.id, key))
    if user is None or not user.is_active or session.get("auth_hash") != _auth_hash(user):
        return None
    return user
