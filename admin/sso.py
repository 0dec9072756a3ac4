"""The tenant admin's single sign-on settings (being built)."""

from flask import Blueprint, render_template

from saas.web import admin_required

bp = Blueprint("admin_sso", __name__, url_prefix="/admin/sso")


@bp.route("/")
@admin_required
def index():
    return render_template(
        "errors/error.html",
        code=501,
        title="Single sign-on",
        message="Single sign-on settings are being built.",
    ), 501
