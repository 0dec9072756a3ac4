"""The tenant's home page: the dashboards of the signed-in user (see ``dashboards``) and,
for admins, the workspace's set-up; on the base domain, the way to sign up."""

from __future__ import annotations

from flask import Blueprint, g, redirect, render_template, request, url_for
from flask_login import current_user

from core.home import dashboards, getting_started
from saas.auth import services as accounts

bp = Blueprint("home", __name__)


@bp.route("/")
def index():
    if g.get("tenant") is None:
        return _landing()
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    from core.deals.services import list_pipelines

    panels = dashboards.dashboards_for(current_user, pipeline_id=request.args.get("pipeline"))
    service = dashboards.service_object()
    users = accounts.list_users() if current_user.is_admin else []
    return render_template(
        "home/index.html",
        dashboards=panels,
        pipelines=list_pipelines() if panels["manager"] else [],
        service_object=service.api_name if service else None,
        user_count=sum(1 for u in users if u.is_active and not u.is_pending),
        pending=[u for u in users if u.is_pending and u.is_active],
        steps=getting_started.open_steps() if current_user.is_admin else [],
    )


def _landing():
    """The base domain's front page: what Trellis is and what each plan includes."""
    from saas.billing import services as billing
    from saas.billing.plans import free_plan, get_plan, plans_with_additions

    return render_template(
        "signup/landing.html",
        plans=plans_with_additions(),
        free_plan=free_plan(),
        trial_plan=get_plan(billing.trial_plan()),
        trial_days=billing.trial_length().days,
    )
