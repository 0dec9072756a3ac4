"""The leads area's contributions to the core, through the plugin manager."""

from __future__ import annotations

from saas.plugins import hookimpl


@hookimpl
def register_models():
    from core.leads import models

    return [models]


@hookimpl
def register_blueprints():
    from core.leads.views import bp

    return [bp]


@hookimpl
def register_api_blueprints():
    from core.leads.api import bp

    return [bp]


@hookimpl
def register_record_panels():
    from core.leads.views import converted_panel
    from saas.plugins.panels import TOP, RecordPanel

    return [
        RecordPanel(
            "leads.converted", "leads/_converted.html", converted_panel, TOP, objects=("leads",)
        )
    ]


@hookimpl
def register_record_actions():
    from core.leads.views import convert_url
    from saas.i18n import N_
    from saas.plugins.panels import RecordAction

    return [
        RecordAction(
            "leads.convert", N_("Convert"), convert_url, primary=True, objects=("leads",), order=10
        )
    ]


@hookimpl
def register_object_types():
    from core.leads.models import LEAD

    return [LEAD]


@hookimpl
def register_openapi_paths(json, ref, errors):
    from core.leads.openapi import lead_paths

    return [lead_paths(json, ref, errors)]


@hookimpl
def register_demo_data():
    from core.leads import demo
    from saas.demo import DemoData

    return [DemoData("leads", demo.seed)]
