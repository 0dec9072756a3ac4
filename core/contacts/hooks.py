"""The contacts area's contributions to the core, through the plugin manager."""

from __future__ import annotations

from saas.plugins import hookimpl


@hookimpl
def register_models():
    from core.contacts import models

    return [models]


@hookimpl
def register_object_types():
    from core.contacts.models import CONTACT

    return [CONTACT]


@hookimpl
def register_demo_data():
    from core.contacts import demo
    from saas.demo import DemoData

    return [DemoData("contacts", demo.seed, after=("companies",))]
