"""The audit area's contributions to the core, through the plugin manager."""

from __future__ import annotations

from saas.plugins import hookimpl


@hookimpl
def register_models():
    from core.audit import models

    return [models]
