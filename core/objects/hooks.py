"""The object engine area's contributions to the core, through the plugin manager."""

from __future__ import annotations

from saas.plugins import hookimpl


@hookimpl
def register_models():
    from core.objects import audit, models

    return [models, audit]


@hookimpl
def register_blueprints():
    from core.objects.export_views import bp as exports
    from core.objects.views import bp as records

    return [records, exports]


@hookimpl
def register_api_blueprints():
    from core.objects.api import bp as objects
    from core.objects.export_views import api_bp as exports

    return [objects, exports]
