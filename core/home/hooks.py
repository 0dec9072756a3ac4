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
