"""Sign-in, sign-out, password reset, invitations and the sign-up hand-off."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from saas import security_log
from saas.auth import device_cookies
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
)
from saas.redirects import safe_redirect_target
from saas.sessions import end_session, start_session
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
        try:
            user = accounts.authenticate(
                tenant=g.tenant,
                email=form.email.data,
                password=form.password.data,
                ip=request.remote_addr or "unknown",
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
            start_session(user)
            target = safe_redirect_target(request.args.get("next"), url_for("home.index"))
            response = redirect(target, 303)
            device_cookies.set_cookie(
                response,
                accounts.device_token_for(
                    user=user, presented=request.cookies.get(device_cookies.COOKIE_NAME)
                ),
            )
            return response
    elif form.errors:
        status = 422
    providers = db.session.scalars(
        select(SsoProvider).where(SsoProvider.enabled).order_by(SsoProvider.name)
    ).all()
    return render_template("auth/login.html", form=form, providers=providers), status


@bp.route("/logout", methods=["POST"])
@tenant_required
def logout():
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    end_session()
    flash("You are signed out.", "info")
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
                "If an account uses this address, we sent it a link to choose a new password.",
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
            start_session(user)
            flash("Your password is changed.", "success")
            return redirect(url_for("home.index"), 303)
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
            start_session(user)
            flash(f"Welcome to {g.tenant.name}!", "success")
            return redirect(url_for("home.index"), 303)
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
    flash(f"Welcome to your new workspace, {user.name}!", "success")
    return redirect(url_for("home.index"), 303)
