"""The tenant admin's security settings: who must use two-factor sign-in."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from saas.auth import two_factor
from saas.db import db
from saas.errors import UserError
from saas.i18n import _
from saas.web import admin_required

bp = Blueprint("admin_security", __name__, url_prefix="/admin/security")


@bp.route("/", methods=["GET", "POST"])
@admin_required
def index():
    error = None
    if request.method == "POST":
        try:
            chosen = two_factor.set_requirement(request.form.get("required", ""), by=current_user)
        except UserError as exc:
            db.session.rollback()
            error = exc
        else:
            flash(
                _("Everyone must now use two-factor sign-in.")
                if chosen == two_factor.EVERYONE
                else _("Admins must now use two-factor sign-in.")
                if chosen == two_factor.ADMINS
                else _("Two-factor sign-in is each user's choice."),
                "success",
            )
            return redirect(url_for("admin_security.index"), 303)
    current = two_factor.requirement()
    return render_template(
        "admin/security.html",
        requirement=request.form.get("required", current) if error else current,
        requirements=two_factor.REQUIREMENTS,
        missing=two_factor.users_missing_it(),
        admin_has_two_factor=two_factor.is_enabled(current_user),
        error=error,
    ), (error.status if error else 200)
