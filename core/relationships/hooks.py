"""The relationships area's contributions to the core, through the plugin manager."""

from __future__ import annotations

from saas.plugins import hookimpl


@hookimpl
def register_models():
    from core.relationships import models

    return [models]


@hookimpl
def register_api_blueprints():
    from core.relationships.api import bp

    return [bp]
