"""Users of a tenant, their one-time links and personal API tokens."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import (
    BigInteger,
    Boolean,
    ForeignKeyConstraint,
    Index,
    String,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from saas import clock
from saas.auth.roles import ADMIN, MEMBER
from saas.db import UTCDateTime, db, utcnow
from saas.ids import new_id
from tenants.scoping import TenantScoped


class User(TenantScoped, db.Model):
    """A person who works in one tenant; the same e-mail may exist in several tenants."""

    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("tenant_id", "email"),)

    email: Mapped[str] = mapped_column(String(254))
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), default=MEMBER)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    invited_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    # The person's own language and time zone (None: the workspace's; docs/i18n.md).
    locale: Mapped[str | None] = mapped_column(String(20))
    timezone: Mapped[str | None] = mapped_column(String(64))

    # Flask-Login protocol.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return str(self.id)

    @property
    def is_admin(self) -> bool:
        return self.role == ADMIN

    @property
    def is_pending(self) -> bool:
        """Invited but has not chosen a password (and has not signed in with SSO)."""
        return self.password_hash is None and self.last_login_at is None

    def __repr__(self) -> str:
        return f"<User {self.email}>"


class UserToken(TenantScoped, db.Model):
    """A one-time link (password reset, invitation, sign-up hand-off); only its hash is kept."""

    __tablename__ = "user_tokens"
    __table_args__ = (
        UniqueConstraint("tenant_id", "token_hash"),
        ForeignKeyConstraint(
            ["tenant_id", "user_id"], ["users.tenant_id", "users.id"], ondelete="CASCADE"
        ),
    )

    user_id: Mapped[uuid.UUID] = mapped_column()
    purpose: Mapped[str] = mapped_column(String(20))
    token_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()


READ_ONLY_SCOPE = "read_only"
READ_WRITE_SCOPE = "read_write"
TOKEN_SCOPES = (READ_WRITE_SCOPE, READ_ONLY_SCOPE)
TOKEN_SCOPE_LABELS = {READ_WRITE_SCOPE: "Read and write", READ_ONLY_SCOPE: "Read only"}


class ApiToken(TenantScoped, db.Model):
    """A personal API token: shown once, stored as a SHA-256 of its secret, revocable.

    ``scope`` is ``read_write`` or ``read_only`` (GET and HEAD only); ``expires_at`` None
    means it never expires.
    """

    __tablename__ = "api_tokens"
    __table_args__ = (
        UniqueConstraint("tenant_id", "token_hash"),
        ForeignKeyConstraint(
            ["tenant_id", "user_id"], ["users.tenant_id", "users.id"], ondelete="CASCADE"
        ),
    )

    user_id: Mapped[uuid.UUID] = mapped_column()
    name: Mapped[str] = mapped_column(String(100))
    prefix: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    scope: Mapped[str] = mapped_column(
        String(20), default=READ_WRITE_SCOPE, server_default=READ_WRITE_SCOPE
    )
    expires_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()

    @property
    def is_active(self) -> bool:
        """Not revoked (an expired token is still listed as expired, not revoked)."""
        return self.revoked_at is None

    def is_expired(self, now: dt.datetime | None = None) -> bool:
        return self.expires_at is not None and (now or clock.now()) >= self.expires_at

    @property
    def is_read_only(self) -> bool:
        return self.scope == READ_ONLY_SCOPE

    @property
    def scope_label(self) -> str:
        return TOKEN_SCOPE_LABELS.get(self.scope, self.scope)

    @property
    def status(self) -> str:
        """``revoked``, ``expired`` or ``active``, for the token lists."""
        if self.revoked_at is not None:
            return "revoked"
        return "expired" if self.is_expired() else "active"


class LoginFailure(db.Model):
    """A failed login, for throttling. A platform table: the per-IP count spans tenants.

    It holds no tenant id and no e-mail in clear: ``account_key`` is a keyed hash of both;
    ``device_id`` is the random id of the attempt's device cookie, if it had a valid one.
    """

    __tablename__ = "login_failures"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    account_key: Mapped[str] = mapped_column(String(64), index=True)
    ip: Mapped[str] = mapped_column(String(45), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    # The device cookie's id when the attempt presented a valid one (counted per device).
    device_id: Mapped[str | None] = mapped_column(String(43), index=True)
    # A wrong code at the second sign-in step (the password was right): also counted per
    # account across every address and device (``throttle``).
    second_factor: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class SsoProvider(TenantScoped, db.Model):
    """An OpenID Connect provider a tenant's admin configured for "Sign in with ...".

    The client secret is stored encrypted with a key derived from SECRET_KEY.
    """

    __tablename__ = "sso_providers"

    name: Mapped[str] = mapped_column(String(100))
    issuer: Mapped[str] = mapped_column(String(500))
    client_id: Mapped[str] = mapped_column(String(500))
    client_secret_encrypted: Mapped[str] = mapped_column(String(2000))
    allow_signup: Mapped[bool] = mapped_column(Boolean, default=False)
    default_role: Mapped[str] = mapped_column(String(20), default=MEMBER)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class TwoFactorCredential(TenantScoped, db.Model):
    """A user's authenticator app (TOTP, RFC 6238): at most one per user.

    ``secret_encrypted`` is the shared secret, encrypted with a key derived from SECRET_KEY
    (the server must compute codes from it, so it cannot be hashed). ``confirmed_at`` is None
    while enrolment is under way (the user has not yet typed a code from the app): such a
    credential does not protect sign-in. ``last_used_step`` is the 30-second time step of
    the last code accepted, so that no code is accepted twice.
    """

    __tablename__ = "two_factor_credentials"
    __table_args__ = (
        UniqueConstraint("tenant_id", "user_id"),
        ForeignKeyConstraint(
            ["tenant_id", "user_id"], ["users.tenant_id", "users.id"], ondelete="CASCADE"
        ),
    )

    user_id: Mapped[uuid.UUID] = mapped_column()
    secret_encrypted: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    confirmed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    last_used_step: Mapped[int | None] = mapped_column(BigInteger)

    user: Mapped[User] = relationship()


class RecoveryCode(TenantScoped, db.Model):
    """A one-time code that replaces the authenticator app once; only its hash is kept."""

    __tablename__ = "two_factor_recovery_codes"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "user_id"], ["users.tenant_id", "users.id"], ondelete="CASCADE"
        ),
        Index("ix_two_factor_recovery_codes_user", "tenant_id", "user_id"),
    )

    user_id: Mapped[uuid.UUID] = mapped_column()
    code_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
