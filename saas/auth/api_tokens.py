"""Personal API tokens.

A token reads ``trl_<tenant id as 32 hex>_<secret>``. The tenant part lets the API find the
tenant before any query (so the row-level security wall can be set); only a SHA-256 of the
secret is stored, which is enough for a 256-bit random secret.

Each token has a scope (read and write, or read only: GET and HEAD) and an optional expiry;
its last use is recorded at most once a minute, so that a busy script does not write a row
on every request.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
import uuid
from zoneinfo import ZoneInfo

from flask import g, has_request_context
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from saas import clock, security_log
from saas.auth.models import (
    READ_WRITE_SCOPE,
    TOKEN_SCOPE_LABELS,
    TOKEN_SCOPES,
    ApiToken,
    User,
)
from saas.db import db
from saas.errors import NotFound, ValidationFailed
from saas.security_log.models import SecurityLogEntry
from tenants.scoping import require_tenant_id

# How often a token's "last used" time is written: at most once per this interval.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)
# How often the refused use of an expired token is written to the security log.
EXPIRED_USE_LOG_INTERVAL = dt.timedelta(days=1)
# The expiry choices of the forms, in days ("never" and "date" are the other two).
EXPIRY_DAYS = (7, 30, 90, 365)

_TOKEN = re.compile(r"^trl_([0-9a-f]{32})_([A-Za-z0-9_-]{40,64})$")


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def check_scope(scope: str | None) -> str:
    scope = scope or READ_WRITE_SCOPE
    if scope not in TOKEN_SCOPES:
        labels = " or ".join(f"{key} ({TOKEN_SCOPE_LABELS[key]})" for key in TOKEN_SCOPES)
        raise ValidationFailed(f"Choose the token's access: {labels}.", field="scope")
    return scope


def expiry_for(
    choice: str | None, on: dt.date | str | None = None, *, tz: str | None = None
) -> dt.datetime | None:
    """When a token chosen to expire after ``choice`` expires: None for "never"; for
    ``"7"``, ``"30"``, ... days from now; for ``"date"``, as the day ``on`` begins in the
    zone ``tz`` (the workspace's): a token that expires on 31 January works on the 30th."""
    choice = (choice or "").strip().lower()
    if choice == "never":
        return None
    if choice == "date":
        if isinstance(on, str):
            try:
                on = dt.date.fromisoformat(on.strip())
            except ValueError:
                on = None
        if not isinstance(on, dt.date):
            raise ValidationFailed(
                "Enter the date the token expires, such as 2027-01-31.", field="expires_on"
            )
        zone = ZoneInfo(tz or "UTC")
        if on <= clock.today(zone):
            raise ValidationFailed("Choose a date after today.", field="expires_on")
        return dt.datetime.combine(on, dt.time(), tzinfo=zone).astimezone(dt.UTC)
    if choice.isdigit() and int(choice) in EXPIRY_DAYS:
        return clock.now() + dt.timedelta(days=int(choice))
    days = ", ".join(str(d) for d in EXPIRY_DAYS)
    raise ValidationFailed(
        f"Choose when the token expires: after {days} days, on a date, or never.",
        field="expires",
    )


def create_api_token(
    *,
    user: User,
    name: str,
    scope: str | None = READ_WRITE_SCOPE,
    expires_at: dt.datetime | None = None,
) -> tuple[ApiToken, str]:
    """A new token for ``user``; the clear token is returned once and never stored.

    ``scope`` is ``read_write`` (the default) or ``read_only``; ``expires_at`` None means
    the token never expires (see :func:`expiry_for` for the forms' choices).
    """
    name = " ".join((name or "").split())
    if not name:
        raise ValidationFailed(
            "Give the token a name, such as the script that uses it.", field="name"
        )
    if len(name) > 100:
        raise ValidationFailed("Use at most 100 characters.", field="name")
    scope = check_scope(scope)
    if expires_at is not None and expires_at <= clock.now():
        raise ValidationFailed("Choose an expiry in the future.", field="expires")
    secret = secrets.token_urlsafe(32)
    raw = f"trl_{require_tenant_id().hex}_{secret}"
    token = ApiToken(
        user_id=user.id,
        name=name,
        prefix=f"trl_…{secret[-4:]}",
        token_hash=_digest(secret),
        scope=scope,
        expires_at=expires_at,
    )
    db.session.add(token)
    db.session.flush()
    security_log.record(
        "api_token.created",
        target=_log_target(token, user),
        details={
            "token_id": token.id,
            "scope": scope,
            "expires_at": expires_at.astimezone(dt.UTC) if expires_at else None,
        },
    )
    return token, raw


def list_api_tokens(*, user: User) -> list[ApiToken]:
    return list(
        db.session.scalars(
            select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at.desc())
        )
    )


def list_tenant_api_tokens() -> list[ApiToken]:
    """Every token of the current tenant, with its owner, newest first (for its admins)."""
    return list(
        db.session.scalars(
            select(ApiToken)
            .options(joinedload(ApiToken.user))
            .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )


def _get_token(token_id: uuid.UUID | str) -> ApiToken:
    try:
        key = uuid.UUID(str(token_id))
    except ValueError:
        raise NotFound("No such token.") from None
    token = db.session.get(ApiToken, (require_tenant_id(), key))
    if token is None:
        raise NotFound("No such token.")
    return token


def _log_target(token: ApiToken, owner: User) -> str:
    """How the security log names a token: its name, last characters and owner."""
    return f"{token.name} {token.prefix} of {owner.email}"


def _revoke(token: ApiToken, *, by: User) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = clock.now()
        db.session.flush()
        security_log.record(
            "api_token.revoked",
            actor=by,
            target=_log_target(token, token.user),
            details={"token_id": token.id},
        )
    return token


def revoke_api_token(*, user: User, token_id: uuid.UUID | str) -> ApiToken:
    """Revoke one of ``user``'s own tokens (see :func:`revoke_any_api_token` for admins)."""
    token = _get_token(token_id)
    if token.user_id != user.id:
        raise NotFound("No such token.")
    return _revoke(token, by=user)


def revoke_any_api_token(*, actor: User, token_id: uuid.UUID | str) -> ApiToken:
    """A tenant admin revokes any token of the tenant."""
    if not actor.is_admin:
        raise NotFound("No such token.")
    return _revoke(_get_token(token_id), by=actor)


def tenant_id_of_token(raw: str) -> uuid.UUID | None:
    """The tenant a well-formed token claims, before anything is looked up."""
    match = _TOKEN.match(raw or "")
    return uuid.UUID(match.group(1)) if match else None


def token_for(raw: str) -> ApiToken | None:
    """The current tenant's unrevoked token ``raw`` of an active user, or None (expired
    tokens are returned: the caller says why they are refused)."""
    match = _TOKEN.match(raw or "")
    if match is None or uuid.UUID(match.group(1)) != require_tenant_id():
        return None
    looked_up = g.get("trellis_token_lookup") if has_request_context() else None
    if looked_up is not None and looked_up[0] == raw and looked_up[1] == require_tenant_id():
        token = looked_up[2]
    else:
        token = _look_up(match.group(2))
        if has_request_context():
            g.trellis_token_lookup = (raw, require_tenant_id(), token)
    if token is None or not token.is_active or not token.user.is_active:
        return None
    return token


def _look_up(secret: str) -> ApiToken | None:
    """The token with ``secret`` in one indexed read (the unique (tenant, hash) key), with
    its user, its tenant (and so the schema version the metadata caches are keyed by) and
    the tenant's billing account (the plan and the read-only wall) loaded in the same
    statement, so an API request spends no other statement on who is asking."""
    from saas.billing.models import BillingAccount
    from saas.billing.services import remember_account
    from tenants.models import Tenant

    row = db.session.execute(
        select(ApiToken, Tenant, BillingAccount)
        .options(joinedload(ApiToken.user, innerjoin=True))
        .join(Tenant, Tenant.id == ApiToken.tenant_id)
        .outerjoin(BillingAccount, BillingAccount.for_tenant == ApiToken.tenant_id)
        .where(ApiToken.token_hash == _digest(secret))
    ).first()
    if row is None:
        return None
    token, tenant, account = row
    if account is not None:
        remember_account(account)
    if has_request_context():
        # The session's identity map holds objects weakly: keep the tenant for the request.
        g.trellis_token_tenant = tenant
    return token


def record_expired_use(token: ApiToken) -> bool:
    """Log that expired ``token`` was refused, at most once per token per
    EXPIRED_USE_LOG_INTERVAL (a forgotten script retrying all day writes one entry a day).
    True when an entry is to be written (the caller commits: the request answers 401)."""
    target = _log_target(token, token.user)
    since = clock.now() - EXPIRED_USE_LOG_INTERVAL
    logged = db.session.scalar(
        select(SecurityLogEntry.id)
        .where(
            SecurityLogEntry.event == "api_token.expired_refused",
            SecurityLogEntry.target == target,
            SecurityLogEntry.at >= since,
        )
        .limit(1)
    )
    if logged is not None:
        return False
    security_log.record(
        "api_token.expired_refused",
        actor=token.user,
        target=target,
        details={"token_id": token.id, "expired_at": token.expires_at.astimezone(dt.UTC)},
    )
    return True


def record_use(token: ApiToken) -> None:
    """Note that ``token`` was used now, at most once per LAST_USED_RESOLUTION (cheap: a
    busy script writes once a minute, not once per request)."""
    now = clock.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        token.last_used_at = now
