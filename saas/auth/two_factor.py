"""Two-factor sign-in: an authenticator app (TOTP, RFC 6238) and one-time recovery codes.

- A user enrols from their own settings: ``start_enrolment`` makes a secret (160 bits), shown
  as a QR code and as text; ``confirm_enrolment`` turns it on once the user types a code from
  the app, and returns 10 recovery codes, shown once and stored as Argon2id hashes.
- At sign-in, after the right password, ``verify_sign_in_code`` accepts a current code (the
  step before and after too, for a phone's clock drift) or an unused recovery code. A code
  is accepted once: the credential remembers the time step of the last code accepted, and
  only a later step passes (``last_used_step``, updated with a conditional UPDATE so that two
  requests racing with one code cannot both pass).
- A tenant admin can require it of nobody, of admins or of everyone (``set_requirement``),
  and reset a user's (a lost phone: ``reset_for_user``).

Sign-ins through single sign-on do not get a second step here: the identity provider decides
how its users prove who they are (docs/decisions/0017-two-factor-sign-in.md). API tokens are
not affected. The throttling of wrong codes is the sign-in's (``saas.auth.throttle``).
Like every service, these functions flush and never commit.
"""

from __future__ import annotations

import dataclasses
import re
import secrets
import uuid

import pyotp
import segno
from flask import g, has_request_context
from markupsafe import Markup
from sqlalchemy import delete, func, or_, select, update

from saas import clock, security_log
from saas.auth import encryption
from saas.auth.models import RecoveryCode, TwoFactorCredential, User
from saas.auth.passwords import hash_password, verify_password
from saas.auth.roles import ADMIN
from saas.db import db
from saas.errors import Conflict, Forbidden, ValidationFailed
from saas.i18n import N_, _, _l
from tenants.settings import current_tenant, setting, update_settings

NOBODY = "nobody"
ADMINS = "admins"
EVERYONE = "everyone"
REQUIREMENTS = {
    NOBODY: _l("Nobody: each user decides"),
    ADMINS: _l("Admins"),
    EVERYONE: _l("Everyone"),
}
SETTING = "two_factor_required"

TOTP = "totp"
RECOVERY_CODE = "recovery_code"
RECOVERY_CODE_COUNT = 10
# 32 letters and digits without 0/O and 1/I: 10 of them are 50 bits, read aloud safely.
_RECOVERY_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
_RECOVERY_LENGTH = 10
# A phone's clock may be one 30-second step early or late.
_VALID_WINDOW = 1

_SECRET_SALT = b"trellis-two-factor-secret"
_SECRET_INFO = b"two_factor_credentials.secret_encrypted v1"

WRONG_CODE = N_(
    "That code is not right. Enter the 6-digit code your app shows now, or a recovery code."
)


@dataclasses.dataclass(frozen=True)
class Enrolment:
    """An enrolment under way: the secret as text, and the otpauth:// URI of the QR code."""

    secret: str
    uri: str

    @property
    def secret_groups(self) -> str:
        """The secret in groups of four, as people copy it into an app by hand."""
        return " ".join(self.secret[i : i + 4] for i in range(0, len(self.secret), 4))

    def qr_code_svg(self) -> Markup:
        """The QR code of the URI as inline SVG, drawn here (no image service)."""
        code = segno.make(self.uri, error="m")
        return Markup(  # noqa: S704  (segno's own markup, with no user text but in <title>)
            code.svg_inline(
                scale=5,
                dark="#000",
                light="#fff",
                border=4,
                title=_("QR code to scan with your authenticator app"),
                svgclass="qr-code",
            )
        )


# The workspace's requirement --------------------------------------------------------------


def requirement() -> str:
    """Who must use two-factor sign-in in the current workspace: nobody, admins or everyone."""
    return setting(SETTING)


def set_requirement(value: str, *, by: User) -> str:
    """Require two-factor sign-in of nobody, admins or everyone; logged.

    The admin who requires it must use it already, so that they know what they ask of
    others (and are not sent to set it up themselves by their own change)."""
    if value not in REQUIREMENTS:
        raise ValidationFailed(
            _("Choose one of: %(choices)s.", choices=", ".join(REQUIREMENTS)), field="required"
        )
    if value != NOBODY and not is_enabled(by):
        raise Conflict(
            _(
                "Turn on two-factor sign-in for your own account first (your menu, Two-factor "
                "sign-in), then require it of others."
            ),
            field="required",
        )
    update_settings({SETTING: value}, logged_as="settings.two_factor_requirement_changed")
    return value


def is_required_for(user: User) -> bool:
    wanted = requirement()
    return wanted == EVERYONE or (wanted == ADMINS and user.role == ADMIN)


def must_enrol(user: User) -> bool:
    """The workspace requires two-factor sign-in of ``user``, who has not turned it on."""
    return is_required_for(user) and not is_enabled(user)


# State ------------------------------------------------------------------------------------


def _credential(user: User) -> TwoFactorCredential | None:
    return db.session.scalar(
        select(TwoFactorCredential).where(TwoFactorCredential.user_id == user.id)
    )


def is_enabled(user: User) -> bool:
    """Whether sign-in asks ``user`` for a second step (an enrolment under way does not)."""
    cache = g.setdefault("trellis_two_factor", {}) if has_request_context() else {}
    if user.id not in cache:
        credential = _credential(user)
        cache[user.id] = credential is not None and credential.confirmed_at is not None
    return cache[user.id]


def _forget_cached(user: User) -> None:
    if has_request_context():
        g.setdefault("trellis_two_factor", {}).pop(user.id, None)


def enabled_since(user: User):
    credential = _credential(user)
    return credential.confirmed_at if credential is not None else None


def enabled_user_ids() -> set[uuid.UUID]:
    """The users of the current workspace who have two-factor sign-in on (the users page)."""
    return set(
        db.session.scalars(
            select(TwoFactorCredential.user_id).where(TwoFactorCredential.confirmed_at.is_not(None))
        )
    )


def users_missing_it() -> list[User]:
    """The active users whom the workspace requires to use two-factor sign-in and who have
    not set it up (they are asked to at their next page)."""
    wanted = requirement()
    if wanted == NOBODY:
        return []
    query = select(User).where(
        User.is_active,
        User.id.not_in(
            select(TwoFactorCredential.user_id).where(TwoFactorCredential.confirmed_at.is_not(None))
        ),
    )
    if wanted == ADMINS:
        query = query.where(User.role == ADMIN)
    return list(db.session.scalars(query.order_by(User.name, User.email)))


def recovery_codes_left(user: User) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    )


# Enrolment --------------------------------------------------------------------------------


def _issuer() -> str:
    return f"{current_tenant().name} (Trellis)"


def _decrypt(credential: TwoFactorCredential) -> str:
    try:
        return encryption.decrypt(credential.secret_encrypted, salt=_SECRET_SALT, info=_SECRET_INFO)
    except encryption.UnreadableSecret:
        raise Conflict(
            _(
                "Your authenticator app can no longer be checked (the server's key changed). "
                "Sign in with a recovery code, or ask an admin to reset your two-factor sign-in."
            )
        ) from None


def _enrolment(user: User, secret: str) -> Enrolment:
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=_issuer())
    return Enrolment(secret=secret, uri=uri)


def start_enrolment(user: User) -> Enrolment:
    """A new secret for ``user``'s app, not yet in use: ``confirm_enrolment`` turns it on.

    Starting again replaces an enrolment under way; a user who has it on must turn it off
    first."""
    credential = _credential(user)
    if credential is not None and credential.confirmed_at is not None:
        raise Conflict(_("Two-factor sign-in is already on for your account."))
    secret = pyotp.random_base32()  # 32 base32 characters: 160 bits (RFC 4226's advice)
    encrypted = encryption.encrypt(secret, salt=_SECRET_SALT, info=_SECRET_INFO)
    if credential is None:
        credential = TwoFactorCredential(user_id=user.id, secret_encrypted=encrypted)
        db.session.add(credential)
    else:
        credential.secret_encrypted = encrypted
        credential.created_at = clock.now()
        credential.last_used_step = None
    db.session.flush()
    _forget_cached(user)
    return _enrolment(user, secret)


def enrolment_under_way(user: User) -> Enrolment | None:
    """The enrolment ``user`` started and has not confirmed (to show its QR code again)."""
    credential = _credential(user)
    if credential is None or credential.confirmed_at is not None:
        return None
    return _enrolment(user, _decrypt(credential))


def cancel_enrolment(user: User) -> None:
    credential = _credential(user)
    if credential is not None and credential.confirmed_at is None:
        db.session.delete(credential)
        db.session.flush()


def confirm_enrolment(user: User, code: str) -> list[str]:
    """Turn two-factor sign-in on with a first code from the app; the new recovery codes.

    The code given here is used up: it cannot also sign in."""
    credential = _credential(user)
    if credential is None or credential.confirmed_at is not None:
        raise Conflict(_("Start setting up two-factor sign-in first."))
    if not _accept_totp(credential, code):
        raise ValidationFailed(
            _(
                "That code is not right. Check that your app shows a code for this workspace "
                "and enter the 6 digits it shows now."
            ),
            field="code",
        )
    credential.confirmed_at = clock.now()
    codes = _new_recovery_codes(user)
    db.session.flush()
    _forget_cached(user)
    security_log.record("two_factor.enrolled", actor=user, target=user.email)
    return codes


# Codes ------------------------------------------------------------------------------------


def _digits(code: str) -> str | None:
    """A code typed from the app (6 digits; spaces allowed), or None."""
    compact = re.sub(r"\s+", "", code or "")
    return compact if re.fullmatch(r"\d{6}", compact) else None


def _matching_step(secret: str, code: str) -> int | None:
    totp = pyotp.TOTP(secret)
    step = totp.timecode(int(clock.now().timestamp()))
    for candidate in range(step - _VALID_WINDOW, step + _VALID_WINDOW + 1):
        if secrets.compare_digest(totp.generate_otp(candidate), code):
            return candidate
    return None


def _accept_totp(credential: TwoFactorCredential, code: str) -> bool:
    """Whether ``code`` is a current code of the credential not accepted before (it is then
    used up: only the step after it can pass next time)."""
    digits = _digits(code)
    if digits is None:
        return False
    step = _matching_step(_decrypt(credential), digits)
    if step is None:
        return False
    # Conditional, so that two requests with the same code cannot both pass.
    result = db.session.execute(
        update(TwoFactorCredential)
        .where(
            TwoFactorCredential.id == credential.id,
            or_(
                TwoFactorCredential.last_used_step.is_(None),
                TwoFactorCredential.last_used_step < step,
            ),
        )
        .values(last_used_step=step)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return False
    credential.last_used_step = step
    return True


def _normalized_recovery_code(code: str) -> str | None:
    compact = re.sub(r"[\s-]+", "", code or "").upper()
    if len(compact) != _RECOVERY_LENGTH or any(c not in _RECOVERY_ALPHABET for c in compact):
        return None
    return compact


def _new_recovery_codes(user: User) -> list[str]:
    """Replace ``user``'s recovery codes with 10 new ones, returned as shown (XXXXX-XXXXX)."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _count in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _position in range(_RECOVERY_LENGTH))
        db.session.add(RecoveryCode(user_id=user.id, code_hash=hash_password(raw)))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    db.session.flush()
    return codes


def _use_recovery_code(user: User, code: str) -> bool:
    normalized = _normalized_recovery_code(code)
    if normalized is None:
        return False
    unused = db.session.scalars(
        select(RecoveryCode).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    ).all()
    for candidate in unused:
        if verify_password(candidate.code_hash, normalized):
            result = db.session.execute(
                update(RecoveryCode)
                .where(RecoveryCode.id == candidate.id, RecoveryCode.used_at.is_(None))
                .values(used_at=clock.now())
                .execution_options(synchronize_session=False)
            )
            return result.rowcount == 1
    return False


def verify_sign_in_code(user: User, code: str) -> str:
    """The second sign-in step: ``TOTP`` or ``RECOVERY_CODE`` (which one was used), or
    ValidationFailed. A recovery code is used up and logged."""
    credential = _credential(user)
    if credential is None or credential.confirmed_at is None:
        raise Conflict(_("Two-factor sign-in is not on for this account."))
    if _digits(code) is not None:
        if _accept_totp(credential, code):
            return TOTP
    elif _use_recovery_code(user, code):
        db.session.flush()
        security_log.record(
            "two_factor.recovery_code_used",
            actor=user,
            target=user.email,
            details={"codes_left": recovery_codes_left(user)},
        )
        return RECOVERY_CODE
    raise ValidationFailed(_(WRONG_CODE), field="code")


# Changes by the user and by an admin ------------------------------------------------------


def check_proof(user: User, proof: str) -> bool:
    """Whether ``proof`` is a current code from ``user``'s app (used up) or their password."""
    credential = _credential(user)
    if (
        credential is not None
        and credential.confirmed_at is not None
        and _digits(proof) is not None
        and _accept_totp(credential, proof)
    ):
        return True
    return bool(proof) and verify_password(user.password_hash, proof)


def _require_enabled(user: User) -> None:
    if not is_enabled(user):
        raise Conflict(_("Two-factor sign-in is not on for your account."))


def regenerate_recovery_codes(user: User) -> list[str]:
    """New recovery codes (the old ones stop working); the caller checked ``check_proof``."""
    _require_enabled(user)
    codes = _new_recovery_codes(user)
    security_log.record("two_factor.recovery_codes_regenerated", actor=user, target=user.email)
    return codes


def _remove(user: User) -> None:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.session.execute(delete(TwoFactorCredential).where(TwoFactorCredential.user_id == user.id))
    db.session.flush()
    _forget_cached(user)


def disable(user: User) -> None:
    """Turn two-factor sign-in off (the caller checked ``check_proof``). If the workspace
    requires it, the user is asked to set it up again before going on."""
    _require_enabled(user)
    _remove(user)
    security_log.record("two_factor.disabled", actor=user, target=user.email)


def reset_for_user(user: User, *, by: User) -> None:
    """An admin removes ``user``'s app and recovery codes (a lost phone). The user signs in
    with their password alone next time, and sets it up again if the workspace requires it."""
    if user.id == by.id:
        raise Forbidden(
            _("Turn your own two-factor sign-in off from your menu, Two-factor sign-in.")
        )
    credential = _credential(user)
    if credential is None or credential.confirmed_at is None:
        raise Conflict(f"{user.name} does not use two-factor sign-in.")
    _remove(user)
    security_log.record("two_factor.reset", actor=by, target=user.email)
