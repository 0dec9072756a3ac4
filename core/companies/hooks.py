"""The companies area's contributions to the core, through the plugin manager."""

from __future__ import annotations

from saas.plugins import hookimpl


@hookimpl
def register_models():
    from core.companies import models

    return [models]


@hookimpl
def register_object_types():
    from core.companies.models import COMPANY

    return [COMPANY]


@hookimpl
def register_demo_data():
    from core.companies import demo
    from saas.demo import DemoData

    return [DemoData("companies", demo.seed)]
