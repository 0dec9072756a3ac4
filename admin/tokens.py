"""The tenant admin's view of every API token of the workspace: who owns it, what it may
do, when it expires and was last used; and revoking any of them."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from saas.auth import api_tokens
from saas.forms import ConfirmForm
from saas.i18n import _
from saas.web import admin_required

bp = Blueprint("admin_tokens", __name__, url_prefix="/admin/tokens")


@bp.route("/")
@admin_required
def index():
    return render_template(
        "admin/tokens.html", tokens=api_tokens.list_tenant_api_tokens(), confirm=ConfirmForm()
    )


@bp.route("/<token_id>/revoke", methods=["POST"])
@admin_required
def revoke(token_id: str):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    token = api_tokens.revoke_any_api_token(actor=current_user, token_id=token_id)
    flash(
        _("Token “%(token)s” of %(user)s is revoked.", token=token.name, user=token.user.name),
        "success",
    )
    return redirect(url_for("admin_tokens.index"), 303)
