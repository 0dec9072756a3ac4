"""The tenant admin's workspace settings: its default language and its time zone."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for

from saas import i18n
from saas.db import db
from saas.errors import UserError
from saas.i18n import _
from saas.web import admin_required

bp = Blueprint("admin_workspace", __name__, url_prefix="/admin/workspace")


@bp.route("/", methods=["GET", "POST"])
@admin_required
def index():
    tenant = g.tenant
    values = {
        "default_locale": tenant.default_locale or "",
        "timezone": (tenant.settings or {}).get("timezone") or "UTC",
    }
    errors: dict = {}
    status = 200
    if request.method == "POST":
        values = {
            "default_locale": request.form.get("default_locale", ""),
            "timezone": request.form.get("timezone", ""),
        }
        try:
            i18n.set_workspace_language(
                default_locale=values["default_locale"], timezone=values["timezone"]
            )
        except UserError as error:
            db.session.rollback()
            errors, status = error.errors, error.status
        else:
            i18n.refresh()
            flash(_("The workspace's language and time zone are saved."), "success")
            return redirect(url_for("admin_workspace.index"), 303)
    return render_template(
        "admin/workspace.html",
        values=values,
        errors=errors,
        time_zones=i18n.time_zone_names(),
    ), status
