"""The tickets area's contributions to the core, through the plugin manager."""

from __future__ import annotations

from saas.plugins import hookimpl


@hookimpl
def register_models():
    from core.tickets import models

    return [models]


@hookimpl
def register_api_blueprints():
    from core.tickets.api import bp

    return [bp]


@hookimpl
def register_object_types():
    from core.tickets.models import TICKET

    return [TICKET]


@hookimpl
def register_openapi_paths(json, ref, errors):
    from core.tickets.openapi import ticket_paths
    from core.tickets.openapi_hours import business_hours_paths

    return [ticket_paths(json, ref, errors), business_hours_paths(json, ref, errors)]


@hookimpl
def tenant_created():
    from core.tickets.services import create_default_sla_targets

    create_default_sla_targets()


@hookimpl
def register_demo_data():
    from core.tickets import demo
    from saas.demo import DemoData

    return [DemoData("tickets", demo.seed, after=("companies", "contacts"))]


@hookimpl
def register_tenant_settings():
    from core.tickets import hours
    from tenants.settings import TenantSetting

    return [
        TenantSetting(
            hours.SETTINGS_KEY,
            None,
            "json",
            description="The support team's working hours and holidays (core.tickets.hours).",
        ),
        TenantSetting(
            hours.MODES_KEY,
            None,
            "json",
            description="Per priority, whether SLA targets count business hours or 24x7.",
        ),
    ]
