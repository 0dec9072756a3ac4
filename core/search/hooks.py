"""The search area's contributions (global search, lookup search, search before create),
through the plugin manager."""

from __future__ import annotations

from saas.plugins import hookimpl


@hookimpl
def register_blueprints():
    from core.search.views import bp

    return [bp]


@hookimpl
def register_form_panels():
    from core.search.views import duplicates_before_create, duplicates_panel
    from saas.plugins.panels import FormPanel

    return [
        FormPanel(
            "search.duplicates",
            "search/_duplicates.html",
            duplicates_panel,
            before_create=duplicates_before_create,
            order=10,
        )
    ]
