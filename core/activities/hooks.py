"""The activities area's contributions to the core, through the plugin manager."""

from __future__ import annotations

from saas.plugins import hookimpl


@hookimpl
def register_models():
    from core.activities import models

    return [models]


@hookimpl
def register_blueprints():
    from core.activities.views import bp

    return [bp]


@hookimpl
def register_api_blueprints():
    from core.activities.api import bp

    return [bp]


@hookimpl
def register_record_panels():
    from core.activities.views import TIMELINE_PANEL, timeline_panel
    from saas.plugins.panels import MAIN, RecordPanel

    return [RecordPanel(TIMELINE_PANEL, "records/_timeline.html", timeline_panel, MAIN, order=10)]


@hookimpl
def register_object_types():
    from core.activities.models import ACTIVITY

    return [ACTIVITY]


@hookimpl
def register_openapi_paths(objects, json, ref, errors):
    from core.activities.openapi import timeline_paths

    return [timeline_paths([obj.api_name for obj in objects], json, ref, errors)]
