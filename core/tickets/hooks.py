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
