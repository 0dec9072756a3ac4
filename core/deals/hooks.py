"""The deals area's contributions to the core, through the plugin manager."""

from __future__ import annotations

from saas.plugins import hookimpl


@hookimpl
def register_models():
    from core.deals import models

    return [models]


@hookimpl
def register_api_blueprints():
    from core.deals.api import bp

    return [bp]


@hookimpl
def register_object_types():
    from core.deals.models import DEAL

    return [DEAL]


@hookimpl
def register_lookup_targets():
    from core.deals.models import pipeline_exists, stage_exists
    from core.deals.services import pipeline_choices, stage_choices
    from core.objects.registry import LookupTarget

    return [
        LookupTarget("pipelines", pipeline_exists, pipeline_choices),
        LookupTarget("pipeline_stages", stage_exists, stage_choices),
    ]


@hookimpl
def register_openapi_paths(json, ref, errors):
    from core.deals.openapi import deal_paths

    return [deal_paths(json, ref, errors)]


@hookimpl
def tenant_created():
    from core.deals.services import create_default_pipeline

    create_default_pipeline()


@hookimpl
def register_demo_data():
    from core.deals import demo
    from saas.demo import DemoData

    return [DemoData("deals", demo.seed, after=("companies", "contacts"))]
