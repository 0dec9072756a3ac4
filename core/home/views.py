"""The tenant's home page (and, on the base domain, the way to sign up)."""

from __future__ import annotations

from flask import Blueprint, g, redirect, render_template, url_for
from flask_login import current_user

from saas.auth import services as accounts

bp = Blueprint("home", __name__)


@bp.route("/")
def index():
    if g.get("tenant") is None:
        return render_template("signup/landing.html")
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    users = accounts.list_users()
    return render_template(
        "home/index.html",
        user_count=sum(1 for u in users if u.is_active and not u.is_pending),
        pending=[u for u in users if u.is_pending and u.is_active],
    )
