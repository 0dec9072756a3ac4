"""Personal API tokens.

A token reads ``trl_<tenant id as 32 hex>_<secret>``. The tenant part lets the API find the
tenant before any query (so the row-level security wall can be set); only a SHA-256 of the
secret is stored, which is enough for a 256-bit random secret.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import uuid

from sqlalchemy import select

from saas.auth.models import ApiToken, User
from saas.db import db, utcnow
from saas.errors import NotFound, ValidationFailed
from tenants.scoping import require_tenant_id

_TOKEN = re.compile(r"^trl_([0-9a-f]{32})_([A-Za-z0-9_-]{40,64})$")


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_api_token(*, user: User, name: str) -> tuple[ApiToken, str]:
    """A new token for ``user``; the clear token is returned once and never stored."""
    name = " ".join((name or "").split())
    if not name:
        raise ValidationFailed(
            "Give the token a name, such as the script that uses it.", field="name"
        )
    if len(name) > 100:
        raise ValidationFailed("Use at most 100 characters.", field="name")
    secret = secrets.token_urlsafe(32)
    raw = f"trl_{require_tenant_id().hex}_{secret}"
    token = ApiToken(
        user_id=user.id, name=name, prefix=f"trl_…{secret[-4:]}", token_hash=_digest(secret)
    )
    db.session.add(token)
    db.session.flush()
    return token, raw


def list_api_tokens(*, user: User) -> list[ApiToken]:
    return list(
        db.session.scalars(
            select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at.desc())
        )
    )


def revoke_api_token(*, user: User, token_id: uuid.UUID | str) -> ApiToken:
    """Revoke one of ``user``'s tokens (admins revoke through the user, not across users)."""
    try:
        key = uuid.UUID(str(token_id))
    except ValueError:
        raise NotFound("No such token.") from None
    token = db.session.get(ApiToken, (require_tenant_id(), key))
    if token is None or token.user_id != user.id:
        raise NotFound("No such token.")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        db.session.flush()
    return token


def tenant_id_of_token(raw: str) -> uuid.UUID | None:
    """The tenant a well-formed token claims, before anything is looked up."""
    match = _TOKEN.match(raw or "")
    return uuid.UUID(match.group(1)) if match else None


def user_for_token(raw: str) -> User | None:
    """The active user behind an active token of the current tenant, or None."""
    match = _TOKEN.match(raw or "")
    if match is None or uuid.UUID(match.group(1)) != require_tenant_id():
        return None
    token = db.session.scalar(
        select(ApiToken).where(ApiToken.token_hash == _digest(match.group(2)))
    )
    if token is None or not token.is_active or not token.user.is_active:
        return None
    now = utcnow()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        token.last_used_at = now
    return token.user
