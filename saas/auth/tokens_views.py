"""The user's personal API tokens page."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from saas.auth import api_tokens
from saas.errors import UserError
from saas.forms import ApiTokenForm, ConfirmForm
from saas.web import member_required, report_user_error

bp = Blueprint("tokens", __name__, url_prefix="/settings/tokens")


@bp.route("/", methods=["GET", "POST"])
@member_required
def index():
    form = ApiTokenForm()
    new_token = None
    status = 200
    if form.validate_on_submit():
        try:
            token, new_token = api_tokens.create_api_token(user=current_user, name=form.name.data)
        except UserError as error:
            report_user_error(form, error)
        else:
            form = ApiTokenForm(formdata=None)
            status = 201
    if form.errors:
        status = 422
    return render_template(
        "settings/tokens.html",
        form=form,
        new_token=new_token,
        tokens=api_tokens.list_api_tokens(user=current_user),
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
