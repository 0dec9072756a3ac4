"""The tenant admin's plugin catalogue: every installed plugin, what it adds, whether the
workspace enabled it, and the buttons that enable or disable it (saas.plugins.services)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from saas.billing import features
from saas.db import db
from saas.errors import UserError
from saas.i18n import _
from saas.plugins import services
from saas.web import admin_required

bp = Blueprint("admin_plugins", __name__, url_prefix="/admin/plugins")


def _page(error: UserError | None = None):
    status = error.status if error else 200
    return render_template(
        "admin/plugins.html",
        entries=services.catalogue(),
        add_labels=services.add_labels(),
        error=error,
        plan_notice_text=features.notice("plugins"),
    ), status


@bp.get("/")
@admin_required
def index():
    return _page()


@bp.post("/<name>/enable")
@admin_required
def enable(name: str):
    try:
        meta = services.get_meta(name)
        services.enable_plugin(
            name, actor=current_user, sample_data=request.form.get("sample_data") == "on"
        )
    except UserError as error:
        db.session.rollback()
        return _page(error)
    flash(_("%(plugin)s is enabled for this workspace.", plugin=meta.title), "success")
    return redirect(url_for("admin_plugins.index"), 303)


@bp.post("/<name>/disable")
@admin_required
def disable(name: str):
    try:
        meta = services.get_meta(name)
        services.disable_plugin(name, actor=current_user)
    except UserError as error:
        db.session.rollback()
        return _page(error)
    flash(
        _(
            "%(plugin)s is disabled. Its data is kept and comes back if you enable it again.",
            plugin=meta.title,
        ),
        "success",
    )
    return redirect(url_for("admin_plugins.index"), 303)
