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


@hookimpl
def register_openapi_paths(json, ref, errors):
    from core.navigation.openapi import navigation_paths

    return [navigation_paths(json, ref, errors)]


@hookimpl
def register_menu_items():
    from saas.plugins.menus import SETUP, MenuItem

    return [MenuItem(SETUP, "Navigation", "navigation.index", order=40, section=("navigation.*",))]


@hookimpl
def register_tenant_settings():
    from core.navigation import services
    from tenants.settings import TenantSetting

    return [
        TenantSetting(
            services.SETTING,
            None,
            "json",
            description="Per role, the objects of the top bar in their order (core.navigation).",
        )
    ]
