"""Sign-in (with its second step for two-factor users), sign-out, password reset,
invitations and the sign-up hand-off."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from saas import security_log
from saas.auth import device_cookies, two_factor
from saas.auth import services as accounts
from saas.auth.models import SsoProvider
from saas.db import db
from saas.errors import NotFound, TooManyAttempts, UserError
from saas.forms import (
    AcceptInvitationForm,
    ConfirmForm,
    ForgotPasswordForm,
    LoginForm,
    NewPasswordForm,
    SecondStepForm,
)
from saas.i18n import _, ngettext
from saas.redirects import safe_redirect_target
from saas.sessions import (
    SecondStepExpired,
    begin_second_step,
    end_second_step,
    end_session,
    second_step_user,
    start_session,
)
from saas.web import report_user_error, tenant_required
from tenants.resolver import tenant_link

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login():
    if g.get("tenant") is None:
        # The base host has no accounts: it asks which workspace, and sends you there.
        from tenants.views import choose_workspace

        return choose_workspace()
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        ip = request.remote_addr or "unknown"
        try:
            user = accounts.check_password(
                tenant=g.tenant,
                email=form.email.data,
                password=form.password.data,
                ip=ip,
                device_token=request.cookies.get(device_cookies.COOKIE_NAME),
            )
        except TooManyAttempts as error:
            # Commit the failure count although the answer is an error.
            db.session.commit()
            flash(error.message, "error")
            status = 429
        except UserError as error:
            db.session.commit()
            flash(error.message, "error")
            status = 401
        else:
            target = safe_redirect_target(request.args.get("next"), url_for("home.index"))
            if two_factor.is_enabled(user):
                begin_second_step(user, next_url=target)
                return redirect(url_for("auth.second_step"), 303)
            accounts.complete_sign_in(user=user, ip=ip)
            return _signed_in(user, target)
    elif form.errors:
        status = 422
    providers = db.session.scalars(
        select(SsoProvider).where(SsoProvider.enabled).order_by(SsoProvider.name)
    ).all()
    return render_template("auth/login.html", form=form, providers=providers), status


def _signed_in(user, target: str):
    """Start the session after every step passed, renewing the browser's device cookie.

    A user whom the workspace requires to use two-factor sign-in, and who has not set it
    up, goes to set it up first (and can do nothing else until then)."""
    start_session(user)
    if two_factor.must_enrol(user):
        target = url_for("two_factor.index")
    response = redirect(target, 303)
    device_cookies.set_cookie(
        response,
        accounts.device_token_for(
            user=user, presented=request.cookies.get(device_cookies.COOKIE_NAME)
        ),
    )
    return response


def _second_step_or_session(user, *, target: str, flash_message: str):
    """After a password was set (reset, invitation): the second step if the user has
    two-factor sign-in, else straight in."""
    if two_factor.is_enabled(user):
        begin_second_step(user, next_url=target)
        flash(
            _("%(done)s Now enter a code from your authenticator app.", done=flash_message),
            "success",
        )
        return redirect(url_for("auth.second_step"), 303)
    start_session(user)
    flash(flash_message, "success")
    if two_factor.must_enrol(user):
        target = url_for("two_factor.index")
    return redirect(target, 303)


@bp.route("/login/two-factor", methods=["GET", "POST"])
@tenant_required
def second_step():
    """The second sign-in step: a code from the authenticator app, or a recovery code.

    Under /login so that the browser's device cookie (path /login) comes along."""
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    try:
        pending = second_step_user()
    except SecondStepExpired:
        flash(_("That took too long. Sign in again."), "info")
        return redirect(url_for("auth.login"), 303)
    if pending is None:
        return redirect(url_for("auth.login"), 303)
    user, target = pending
    if not two_factor.is_enabled(user):  # reset by an admin meanwhile
        end_second_step()
        return redirect(url_for("auth.login"), 303)
    form = SecondStepForm()
    status = 200
    if form.validate_on_submit():
        ip = request.remote_addr or "unknown"
        try:
            used = accounts.check_second_step(
                tenant=g.tenant,
                user=user,
                code=form.code.data,
                ip=ip,
                device_token=request.cookies.get(device_cookies.COOKIE_NAME),
            )
        except TooManyAttempts as error:
            db.session.commit()
            flash(error.message, "error")
            status = 429
        except UserError as error:
            db.session.commit()  # the failure counts although the answer is an error
            report_user_error(form, error)
            status = 401
        else:
            end_second_step()
            accounts.complete_sign_in(user=user, ip=ip, second_factor=used)
            if used == two_factor.RECOVERY_CODE:
                left = two_factor.recovery_codes_left(user)
                flash(
                    ngettext(
                        "You signed in with a recovery code; %(num)d left. If you lost your "
                        "phone, set up two-factor sign-in again with the new one.",
                        "You signed in with a recovery code; %(num)d left. If you lost your "
                        "phone, set up two-factor sign-in again with the new one.",
                        left,
                    ),
                    "warning",
                )
            return _signed_in(user, target or url_for("home.index"))
    elif form.errors:
        status = 422
    return render_template("auth/second_step.html", form=form), status


@bp.route("/logout", methods=["POST"])
@tenant_required
def logout():
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    end_session()
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"), 303)


@bp.route("/password/forgot", methods=["GET", "POST"])
@tenant_required
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        try:
            accounts.request_password_reset(
                email=form.email.data,
                tenant=g.tenant,
                reset_url_for=lambda token: tenant_link("auth.reset_password", token=token),
            )
        except UserError as error:
            report_user_error(form, error)
        else:
            flash(
                _("If an account uses this address, we sent it a link to choose a new password."),
                "info",
            )
            return redirect(url_for("auth.login"), 303)
    status = 422 if form.errors else 200
    return render_template("auth/forgot.html", form=form), status


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@tenant_required
def reset_password(token: str):
    try:
        accounts.peek_user_token(token, purpose=accounts.RESET)
    except NotFound:
        return render_template("auth/link_invalid.html"), 404
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            user = accounts.reset_password(token=token, password=form.password.data)
        except UserError as error:
            report_user_error(form, error)
        else:
            return _second_step_or_session(
                user, target=url_for("home.index"), flash_message=_("Your password is changed.")
            )
    status = 422 if form.errors else 200
    return render_template("auth/reset.html", form=form), status


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@tenant_required
def accept_invitation(token: str):
    try:
        record = accounts.peek_user_token(token, purpose=accounts.INVITE)
    except NotFound:
        return render_template("auth/link_invalid.html"), 404
    form = AcceptInvitationForm()
    if request.method == "GET":
        form.name.data = record.user.name
    if form.validate_on_submit():
        try:
            user = accounts.accept_invitation(
                token=token, password=form.password.data, name=form.name.data
            )
        except UserError as error:
            report_user_error(form, error)
        else:
            return _second_step_or_session(
                user,
                target=url_for("home.index"),
                flash_message=_("Welcome to %(workspace)s!", workspace=g.tenant.name),
            )
    status = 422 if form.errors else 200
    return render_template("auth/accept.html", form=form, invitee=record.user), status


@bp.route("/auth/handoff/<token>")
@tenant_required
def handoff(token: str):
    """Where sign-up lands: the new workspace's host signs the new admin in once."""
    try:
        user = accounts.consume_user_token(token, purpose=accounts.HANDOFF)
    except NotFound:
        return render_template("auth/link_invalid.html"), 404
    accounts.record_login(user)
    security_log.record("auth.sign_in", actor=user, details={"method": "sign-up"})
    start_session(user)
    flash(_("Welcome to your new workspace, %(name)s!", name=user.name), "success")
    return redirect(url_for("home.index"), 303)
