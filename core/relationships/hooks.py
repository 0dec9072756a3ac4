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


@hookimpl
def register_object_types():
    from core.relationships.models import RELATIONSHIP

    return [RELATIONSHIP]


@hookimpl
def register_lookup_targets():
    from core.objects.registry import LookupTarget
    from core.relationships.models import relationship_type_exists
    from core.relationships.services import relationship_type_choices

    return [LookupTarget("relationship_types", relationship_type_exists, relationship_type_choices)]


@hookimpl
def register_openapi_paths(json, ref, errors):
    from core.relationships.openapi import relationship_paths

    return [relationship_paths(json, ref, errors)]


@hookimpl
def tenant_created():
    from core.relationships.services import create_default_relationship_types

    create_default_relationship_types()
