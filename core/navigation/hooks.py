"""The navigation area's contributions (the top bar's setup page and its API), through the
plugin manager."""

from __future__ import annotations

from saas.plugins import hookimpl


@hookimpl
def register_blueprints():
    from core.navigation.views import bp

    return [bp]


@hookimpl
def register_api_blueprints():
    from core.navigation.api import bp

    return [bp]
