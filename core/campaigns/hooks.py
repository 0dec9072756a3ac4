"""The campaigns area's contributions to the core, through the plugin manager."""

from __future__ import annotations

from saas.plugins import hookimpl


@hookimpl
def register_models():
    from core.campaigns import models

    return [models]


@hookimpl
def register_api_blueprints():
    from core.campaigns.api import bp

    return [bp]


@hookimpl
def register_object_types():
    from core.campaigns.models import CAMPAIGN, CAMPAIGN_MEMBER

    return [CAMPAIGN, CAMPAIGN_MEMBER]


@hookimpl
def register_openapi_paths(json, ref, errors):
    from core.campaigns.openapi import campaign_paths

    return [campaign_paths(json, ref, errors)]


@hookimpl
def register_demo_data():
    from core.campaigns import demo
    from saas.demo import DemoData

    return [DemoData("campaigns", demo.seed, after=("contacts", "leads"))]
