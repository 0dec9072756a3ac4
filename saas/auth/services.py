"""Account services: every surface (web, API, CLI) calls these. They flush, never commit."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import uuid

from flask import current_app
from sqlalchemy import func, select

from saas import clock, security_log
from saas.auth import (
    addresses,
    device_cookies,
    directory,
    password_policy,
    throttle,
    two_factor,
)
from saas.auth.models import User, UserToken
from saas.auth.passwords import hash_password, needs_rehash, verify_password
from saas.auth.roles import ADMIN, EDITING_ROLES, ROLES
from saas.billing import services as billing
from saas.db import db
from saas.errors import Conflict, Forbidden, NotFound, ValidationFailed
from saas.i18n import _, in_language_of
from saas.mail import queue_email
from tenants.models import Tenant
from tenants.scoping import require_tenant_id

RESET = "reset"
INVITE = "invite"
HANDOFF = "handoff"


def normalize_email(email: str, *, field: str = "email") -> str:
    """A syntactically valid e-mail address, lower-cased; no DNS lookup."""
    email = (email or "").strip()
    problem = addresses.email_problem(email, public=False)
    if problem:
        raise ValidationFailed(problem, field=field)
    return addresses.normalized_email(email)


def clean_name(name: str, *, field: str = "name") -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationFailed("Enter a name.", field=field)
    if len(name) > 200:
        raise ValidationFailed("Use at most 200 characters.", field=field)
    return name


def workspace_words(tenant: Tenant | None = None) -> tuple[str, ...]:
    """The workspace's name and address, which a password must not lean on."""
    if tenant is None:
        tenant = db.session.get(Tenant, require_tenant_id())
    return (tenant.slug, tenant.name) if tenant is not None else ()


def check_new_password(
    password: str,
    *,
    email: str | None = None,
    name: str | None = None,
    tenant: Tenant | None = None,
    field: str = "password",
) -> str:
    """The password policy (``password_policy``) for a user of ``tenant`` (default: current)."""
    return password_policy.check_new_password(
        password, email=email, name=name, workspace=workspace_words(tenant), field=field
    )


def check_role(role: str) -> str:
    if role not in ROLES:
        raise ValidationFailed(f"Choose one of: {', '.join(ROLES)}.", field="role")
    return role


def get_user(user_id: uuid.UUID | str) -> User:
    """A user of the current tenant, or NotFound (another tenant's id is simply not found)."""
    try:
        key = uuid.UUID(str(user_id))
    except ValueError:
        raise NotFound("No such user.") from None
    user = db.session.get(User, (require_tenant_id(), key))
    if user is None:
        raise NotFound("No such user.")
    return user


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email.lower()))


def list_users() -> list[User]:
    return list(db.session.scalars(select(User).order_by(User.name, User.email)))


def create_user(
    *,
    email: str,
    name: str,
    role: str,
    password: str | None = None,
    password_hash: str = "",
    logged_as: str | None = "user.created",
    log_details: dict | None = None,
) -> User:
    """Add a user to the current tenant; refuses an e-mail the tenant already has.

    The security log gets ``logged_as`` (``user.invited`` for an invitation; None when the
    caller logs the creation itself, as a new workspace does for its first admin)."""
    email = normalize_email(email)
    name = clean_name(name)
    check_role(role)
    if find_user_by_email(email) is not None:
        raise Conflict("A user with this e-mail already exists here.", field="email")
    if password is not None:
        check_new_password(password, email=email, name=name)
        password_hash = hash_password(password)
    billing.require_seat_for(role)
    user = User(email=email, name=name, role=role, password_hash=password_hash or None)
    db.session.add(user)
    db.session.flush()
    directory.record_address(email)
    billing.seats_changed()
    if logged_as:
        security_log.record(logged_as, target=email, details={"role": role, **(log_details or {})})
    return user


def check_password(
    *, tenant: Tenant, email: str, password: str, ip: str, device_token: str | None = None
) -> User:
    """The first sign-in step: the user for these credentials, or ValidationFailed /
    TooManyAttempts. Nobody is signed in yet: ``complete_sign_in`` does it, after the
    second step for a user with two-factor sign-in.

    The same message is given for an unknown e-mail, a wrong password and a deactivated
    account, and an unknown e-mail costs a hash verification too (no account enumeration).
    ``device_token`` is the browser's device cookie, if any (``device_cookies``): a valid
    one for this account passes the per-IP and per-account limits and is limited per device.
    """
    email = (email or "").strip().lower()
    user = find_user_by_email(email) if email else None
    device_id = device_cookies.device_id_of(device_token, tenant_id=tenant.id, email=email)
    try:
        throttle.check_login_allowed(tenant_id=tenant.id, email=email, ip=ip, device_id=device_id)
    except throttle.LoginThrottled as refused:
        security_log.record(
            "auth.sign_in_throttled", actor=user or email, ip=ip, details={"limit": refused.limit}
        )
        raise
    ok = verify_password(user.password_hash if user else None, password or "")
    if not ok or user is None or not user.is_active:
        reason = "unknown account" if user is None else "wrong password"
        if ok and user is not None:
            reason = "deactivated account"
        _count_failure(
            tenant=tenant, email=email, user=user, ip=ip, device_id=device_id, reason=reason
        )
        raise ValidationFailed("That e-mail and password do not match an active account.")
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def _count_failure(
    *,
    tenant: Tenant,
    email: str,
    user: User | None,
    ip: str,
    device_id: str | None,
    reason: str,
    second_factor: bool = False,
) -> None:
    locks_device = throttle.record_login_failure(
        tenant_id=tenant.id, email=email, ip=ip, device_id=device_id, second_factor=second_factor
    )
    details = {"reason": reason}
    if device_id is not None:
        details["trusted_device"] = True
    event = "auth.two_factor_failed" if second_factor else "auth.sign_in_failed"
    security_log.record(event, actor=user or email, ip=ip, details=details)
    if locks_device:
        security_log.record(
            "auth.device_locked_out",
            actor=user or email,
            ip=ip,
            details={"failures": current_app.config["LOGIN_FAILURES_PER_DEVICE"]},
        )


def check_second_step(
    *, tenant: Tenant, user: User, code: str, ip: str, device_token: str | None = None
) -> str:
    """The second sign-in step of a user with two-factor sign-in (the password was right):
    which kind of code passed (``two_factor.TOTP`` or ``RECOVERY_CODE``), or ValidationFailed
    / TooManyAttempts. Wrong codes count toward the sign-in throttle like wrong passwords,
    and toward a limit of their own per account (``throttle``)."""
    device_id = device_cookies.device_id_of(device_token, tenant_id=tenant.id, email=user.email)
    try:
        throttle.check_login_allowed(
            tenant_id=tenant.id, email=user.email, ip=ip, device_id=device_id, second_factor=True
        )
    except throttle.LoginThrottled as refused:
        security_log.record(
            "auth.sign_in_throttled",
            actor=user,
            ip=ip,
            details={"limit": refused.limit, "step": "two-factor"},
        )
        raise
    try:
        return two_factor.verify_sign_in_code(user, code)
    except ValidationFailed:
        _count_failure(
            tenant=tenant,
            email=user.email,
            user=user,
            ip=ip,
            device_id=device_id,
            reason="wrong code",
            second_factor=True,
        )
        raise


def complete_sign_in(*, user: User, ip: str, second_factor: str | None = None) -> None:
    """Every step passed: forget the account's failures, note the sign-in and log it."""
    throttle.clear_login_failures(tenant_id=user.tenant_id, email=user.email)
    record_login(user)
    details = {"method": "password"}
    if second_factor:
        details["second_factor"] = second_factor
    security_log.record("auth.sign_in", actor=user, ip=ip, details=details)


def device_token_for(*, user: User, presented: str | None) -> str:
    """The device cookie to give a browser after ``user`` signed in with a password.

    A valid cookie for this account keeps its device id (and its failure count) with a new
    expiry; otherwise the browser becomes a new device."""
    device_id = device_cookies.device_id_of(presented, tenant_id=user.tenant_id, email=user.email)
    return device_cookies.issue(tenant_id=user.tenant_id, email=user.email, device_id=device_id)


def record_login(user: User) -> None:
    user.last_login_at = clock.now()
    db.session.flush()


# One-time links ---------------------------------------------------------------------------


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_user_token(user: User, *, purpose: str, ttl_seconds: int) -> str:
    """A new one-time token for ``user``; earlier unused ones of the same purpose lapse."""
    now = clock.now()
    for old in db.session.scalars(
        select(UserToken).where(
            UserToken.user_id == user.id, UserToken.purpose == purpose, UserToken.used_at.is_(None)
        )
    ):
        old.used_at = now
    token = secrets.token_urlsafe(32)
    db.session.add(
        UserToken(
            user_id=user.id,
            purpose=purpose,
            token_hash=_digest(token),
            expires_at=now + dt.timedelta(seconds=ttl_seconds),
        )
    )
    db.session.flush()
    return token


def peek_user_token(token: str, *, purpose: str) -> UserToken:
    """The valid, unused token record, or NotFound (expired, used or unknown look alike)."""
    record = db.session.scalar(
        select(UserToken).where(
            UserToken.token_hash == _digest(token or ""), UserToken.purpose == purpose
        )
    )
    if record is None or record.used_at is not None or record.expires_at <= clock.now():
        raise NotFound("This link is invalid or has expired.")
    return record


def consume_user_token(token: str, *, purpose: str) -> User:
    record = peek_user_token(token, purpose=purpose)
    record.used_at = clock.now()
    db.session.flush()
    return record.user


# Password reset ---------------------------------------------------------------------------


def request_password_reset(*, email: str, tenant: Tenant, reset_url_for) -> None:
    """E-mail a reset link if an active account has this address; say nothing either way."""
    email = normalize_email(email)
    user = find_user_by_email(email)
    if user is None or not user.is_active:
        return
    token = issue_user_token(
        user, purpose=RESET, ttl_seconds=current_app.config["PASSWORD_RESET_TTL_SECONDS"]
    )
    security_log.record("auth.password_reset_requested", actor=user, target=user.email)
    with in_language_of(user, tenant):
        queue_email(
            to=user.email,
            subject=_("Reset your %(workspace)s password", workspace=tenant.name),
            body=_(
                "Hello %(name)s,\n\nSomeone asked to reset the password of your account at "
                "%(workspace)s. If it was you, choose a new password here (valid for one "
                "hour):\n\n%(url)s\n\nIf it was not you, ignore this message.\n",
                name=user.name,
                workspace=tenant.name,
                url=reset_url_for(token),
            ),
        )


def reset_password(*, token: str, password: str) -> User:
    record = peek_user_token(token, purpose=RESET)
    check_new_password(password, email=record.user.email, name=record.user.name)
    user = consume_user_token(token, purpose=RESET)
    if not user.is_active:
        raise NotFound("This link is invalid or has expired.")
    user.password_hash = hash_password(password)
    db.session.flush()
    security_log.record("auth.password_reset", actor=user, target=user.email)
    return user


# Invitations and user administration ------------------------------------------------------


def invite_user(
    *,
    email: str,
    name: str,
    role: str,
    invited_by: User,
    tenant: Tenant,
    accept_url_for,
    extra_seat_accepted: bool = False,
) -> User:
    """Create a pending user and e-mail them a link to choose a password.

    When the user needs a seat beyond those paid for, the admin must accept its price first
    (``extra_seat_accepted``); otherwise ``ExtraSeatNeedsConfirmation`` carries the quote.
    """
    billing.confirm_extra_seat(role, accepted=extra_seat_accepted)
    user = create_user(email=email, name=name, role=role, logged_as="user.invited")
    user.invited_at = clock.now()
    token = issue_user_token(
        user, purpose=INVITE, ttl_seconds=current_app.config["INVITATION_TTL_SECONDS"]
    )
    # A new user has no language of their own yet: the workspace's default, else English.
    with in_language_of(user, tenant):
        queue_email(
            to=user.email,
            subject=_(
                "%(inviter)s invited you to %(workspace)s on Trellis",
                inviter=invited_by.name,
                workspace=tenant.name,
            ),
            body=_(
                "Hello %(name)s,\n\n%(inviter)s invited you to join %(workspace)s on Trellis. "
                "Choose your password to get started (the link is valid for 7 days):\n\n"
                "%(url)s\n",
                name=user.name,
                inviter=invited_by.name,
                workspace=tenant.name,
                url=accept_url_for(token),
            ),
        )
    return user


def resend_invitation(*, user: User, invited_by: User, tenant: Tenant, accept_url_for) -> None:
    if not user.is_pending:
        raise Conflict("This user has already joined.")
    token = issue_user_token(
        user, purpose=INVITE, ttl_seconds=current_app.config["INVITATION_TTL_SECONDS"]
    )
    user.invited_at = clock.now()
    security_log.record("user.invitation_resent", target=user.email)
    with in_language_of(user, tenant):
        queue_email(
            to=user.email,
            subject=_(
                "Reminder: %(inviter)s invited you to %(workspace)s on Trellis",
                inviter=invited_by.name,
                workspace=tenant.name,
            ),
            body=_(
                "Hello %(name)s,\n\nChoose your password here:\n\n%(url)s\n",
                name=user.name,
                url=accept_url_for(token),
            ),
        )


def accept_invitation(*, token: str, password: str, name: str | None = None) -> User:
    if name is not None:
        name = clean_name(name)
    invitee = peek_user_token(token, purpose=INVITE).user
    check_new_password(password, email=invitee.email, name=name or invitee.name)
    user = consume_user_token(token, purpose=INVITE)
    if not user.is_active:
        raise NotFound("This link is invalid or has expired.")
    user.password_hash = hash_password(password)
    if name:
        user.name = name
    record_login(user)
    security_log.record("user.joined", actor=user, target=user.email)
    return user


def _active_admin_count() -> int:
    return db.session.scalar(
        select(func.count()).select_from(User).where(User.role == ADMIN, User.is_active)
    )


def deactivate_user(*, user: User, by: User) -> None:
    """Deactivate: the user can no longer sign in; their data and history stay."""
    if user.id == by.id:
        raise Forbidden("You cannot deactivate yourself.")
    if user.role == ADMIN and user.is_active and _active_admin_count() <= 1:
        raise Conflict("A workspace needs at least one active admin.")
    user.is_active = False
    db.session.flush()
    billing.seats_changed()
    security_log.record("user.deactivated", actor=by, target=user.email)


def reactivate_user(*, user: User) -> None:
    if not user.is_active:
        billing.require_seat_for(user.role)
    was_active = user.is_active
    user.is_active = True
    db.session.flush()
    billing.seats_changed()
    if not was_active:
        security_log.record("user.reactivated", target=user.email)


def change_role(*, user: User, role: str, by: User) -> None:
    check_role(role)
    if user.role == ADMIN and role != ADMIN and user.is_active and _active_admin_count() <= 1:
        raise Conflict("A workspace needs at least one active admin.")
    if user.is_active and role in EDITING_ROLES and user.role not in EDITING_ROLES:
        billing.require_seat_for(role)
    previous = user.role
    user.role = role
    db.session.flush()
    billing.seats_changed()
    if previous != role:
        security_log.record(
            "user.role_changed", actor=by, target=user.email, details={"from": previous, "to": role}
        )
