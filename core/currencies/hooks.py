"""The currencies area's contributions (Setup → Currencies, its API and the rate tables),
through the plugin manager."""

from __future__ import annotations

from saas.plugins import hookimpl


@hookimpl
def register_models():
    from core.currencies import models

    return [models]


@hookimpl
def register_blueprints():
    from core.currencies.views import bp

    return [bp]


@hookimpl
def register_api_blueprints():
    from core.currencies.api import bp

    return [bp]


@hookimpl
def register_openapi_paths(json, ref, errors):
    from core.currencies.openapi import currency_paths

    return [currency_paths(json, ref, errors)]


@hookimpl
def register_menu_items():
    from saas.plugins.menus import SETUP, MenuItem

    return [MenuItem(SETUP, "Currencies", "currencies.index", 16, current=("currencies.*",))]
