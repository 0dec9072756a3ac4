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
