"""Signing people in and out of a tenant's workspace (cookie sessions via Flask-Login)."""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app, g, session
from flask_login import current_user, login_user, logout_user

from saas import security_log
from saas.auth.models import User
from saas.db import db
from saas.extensions import login_manager
from saas.ids import parse_id


def _auth_hash(user: User) -> str:
    """Changes when the password changes, which ends the user's other sessions."""
    secret = current_app.config["SECRET_KEY"].encode()
    material = f"{user.id}:{user.password_hash or ''}".encode()
    return hmac.new(secret, material, hashlib.sha256).hexdigest()[:32]


def start_session(user: User) -> None:
    """Sign ``user`` in on this host with a fresh session (no fixation)."""
    session.clear()
    login_user(user)
    session.permanent = True
    session["tenant_id"] = str(user.tenant_id)
    session["auth_hash"] = _auth_hash(user)


def end_session() -> None:
    if current_user.is_authenticated:
        security_log.record("auth.sign_out", actor=current_user)
    logout_user()
    session.clear()


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
