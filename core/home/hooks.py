"""The home area's contributions (the home page and its dashboard), through the plugin manager."""

from __future__ import annotations

from saas.plugins import hookimpl


@hookimpl
def register_blueprints():
    from core.home.views import bp

    return [bp]


@hookimpl
def register_menu_items():
    from saas.plugins.menus import MAIN, MenuItem

    return [MenuItem(MAIN, "Home", "home.index", order=10)]


@hookimpl
def register_dashboard_panels():
    from core.home import dashboards as d
    from saas.i18n import N_
    from saas.plugins.panels import DashboardPanel

    team, mine = N_("Team pipeline"), N_("My work")
    return [
        DashboardPanel("home.pipeline", "home/_pipeline.html", d.pipeline_dashboard, team, 10),
        DashboardPanel("home.my_deals", "home/_my_deals.html", d.deals_dashboard, mine, 20),
        DashboardPanel("home.tasks", "home/_tasks.html", d.tasks_dashboard, mine, 30),
        DashboardPanel("home.recent", "home/_recent.html", d.recent_dashboard, mine, 40),
        DashboardPanel("home.tickets", "home/_tickets.html", d.tickets_dashboard, mine, 50),
    ]
