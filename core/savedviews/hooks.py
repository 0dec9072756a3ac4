"""The saved views area's contributions to the core, through the plugin manager."""

from __future__ import annotations

from saas.plugins import hookimpl


@hookimpl
def register_models():
    from core.savedviews import models

    return [models]


@hookimpl
def register_blueprints():
    from core.savedviews.views import bp

    return [bp]


@hookimpl
def register_list_panels():
    from core.savedviews.views import VIEWS_PANEL, default_view_url, views_panel
    from saas.plugins.panels import ListPanel

    return [
        ListPanel(
            VIEWS_PANEL,
            "records/_saved_views.html",
            views_panel,
            opening=default_view_url,
            order=10,
        )
    ]


@hookimpl
def register_api_blueprints():
    from core.savedviews.api import bp

    return [bp]


@hookimpl
def register_openapi_paths(json, ref, errors):
    from core.savedviews.openapi import saved_view_paths

    return [saved_view_paths(json, ref, errors)]
