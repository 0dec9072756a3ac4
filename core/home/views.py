"""The tenant's home page: the dashboards of the signed-in user (see ``dashboards``) and,
for admins, the workspace's set-up; on the base domain, the way to sign up."""

from __future__ import annotations

from flask import Blueprint, g, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup

from core.home import getting_started
from saas.auth import services as accounts
from saas.plugins import panels as ui
from saas.plugins.tenant import active_hooks

bp = Blueprint("home", __name__)


@bp.route("/")
def index():
    if g.get("tenant") is None:
        return _landing()
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    users = accounts.list_users() if current_user.is_admin else []
    return render_template(
        "home/index.html",
        dashboards=dashboard_sections(current_user),
        user_count=sum(1 for u in users if u.is_active and not u.is_pending),
        pending=[u for u in users if u.is_pending and u.is_active],
        steps=getting_started.open_steps() if current_user.is_admin else [],
    )


def dashboard_sections(actor) -> list[tuple[str, list[Markup]]]:
    """(section heading, panels drawn) of the dashboards the hooks declare, sections in the
    order of their first panel; a panel whose ``load`` says None is not for this user."""
    sections: dict[str, list[Markup]] = {}
    for panel in ui.collect(active_hooks(), "register_dashboard_panels"):
        content = ui.call_with(panel.load, actor=actor, args=request.args)
        if content is not None:
            # The template's output, already escaped by Jinja's autoescape.
            html = Markup(render_template(panel.template, **content))  # noqa: S704
            sections.setdefault(panel.section, []).append(html)
    return list(sections.items())


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
