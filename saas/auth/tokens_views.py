"""The user's personal API tokens page."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, session, url_for
from flask_login import current_user

from saas.auth import api_tokens
from saas.billing import features
from saas.errors import UserError
from saas.forms import ApiTokenForm, ConfirmForm
from saas.web import member_required, report_user_error

bp = Blueprint("tokens", __name__, url_prefix="/settings/tokens")


@bp.route("/", methods=["GET", "POST"])
@member_required
def index():
    form = ApiTokenForm()
    status = 200
    if form.validate_on_submit():
        try:
            expires_at = api_tokens.expiry_for(
                form.expires.data,
                form.expires_on.data,
                tz=(g.tenant.settings or {}).get("timezone"),
            )
            _token, secret = api_tokens.create_api_token(
                user=current_user,
                name=form.name.data,
                scope=form.scope.data,
                expires_at=expires_at,
            )
        except UserError as error:
            report_user_error(form, error)
        else:
            # Post/redirect/get: a reload must not create a second token. The secret rides in
            # the (signed) session to the next page only, which shows it once.
            session["new_api_token"] = secret
            return redirect(url_for("tokens.index"), 303)
    if form.errors:
        status = 422
    new_token = session.pop("new_api_token", None) if status == 200 else None
    return render_template(
        "settings/tokens.html",
        form=form,
        new_token=new_token,
        tokens=api_tokens.list_api_tokens(user=current_user),
        plan_notice=None
        if features.includes("api")
        else features.missing_message("api", features.current_plan()),
        confirm=ConfirmForm(),
    ), status


@bp.route("/<token_id>/revoke", methods=["POST"])
@member_required
def revoke(token_id: str):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    token = api_tokens.revoke_api_token(user=current_user, token_id=token_id)
    flash(f"Token “{token.name}” is revoked.", "success")
    return redirect(url_for("tokens.index"), 303)
