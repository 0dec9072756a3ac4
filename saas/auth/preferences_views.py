"""The user's own preferences: the language pages are shown in and the time zone of dates."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_login import current_user

from saas import i18n
from saas.db import db
from saas.errors import UserError
from saas.i18n import _
from saas.web import member_required

bp = Blueprint("preferences", __name__, url_prefix="/settings/preferences")


@bp.route("/", methods=["GET", "POST"])
@member_required
def index():
    errors: dict = {}
    values = {"locale": current_user.locale or "", "timezone": current_user.timezone or ""}
    status = 200
    if request.method == "POST":
        values = {
            "locale": request.form.get("locale", ""),
            "timezone": request.form.get("timezone", ""),
        }
        try:
            i18n.set_user_preferences(
                current_user, locale=values["locale"], timezone=values["timezone"]
            )
        except UserError as error:
            db.session.rollback()
            errors, status = error.errors, error.status
        else:
            if current_user.locale:
                i18n.remember_choice(current_user.locale)
            else:
                i18n.forget_choice()
            i18n.refresh()  # the confirmation in the language just chosen
            flash(_("Your preferences are saved."), "success")
            return redirect(url_for("preferences.index"), 303)
    tenant = g.tenant
    return render_template(
        "settings/preferences.html",
        values=values,
        errors=errors,
        workspace_language=i18n.LOCALE_NAMES.get(
            i18n.normalize_locale(tenant.default_locale) or "", None
        ),
        workspace_time_zone=(tenant.settings or {}).get("timezone") or "UTC",
        time_zones=i18n.time_zone_names(),
    ), status
