"""The object engine area's contributions to the core, through the plugin manager."""

from __future__ import annotations

from saas.plugins import hookimpl


@hookimpl
def register_models():
    from core.objects import audit, models, permissions

    return [models, audit, permissions]


@hookimpl
def register_blueprints():
    from core.objects.export_views import bp as exports
    from core.objects.views import bp as records

    return [records, exports]


@hookimpl
def register_api_blueprints():
    from core.objects.access_api import bp as permissions
    from core.objects.api import bp as objects
    from core.objects.export_views import api_bp as exports

    return [objects, permissions, exports]


@hookimpl
def register_openapi_paths(objects, role, json, ref, errors):
    from core.objects.openapi_access import permission_paths
    from core.objects.openapi_records import record_paths
    from core.objects.openapi_schema import schema_paths

    names = [obj.api_name for obj in objects]
    return [
        record_paths(objects, role, json, ref, errors),
        schema_paths(names, json, ref, errors),
        permission_paths(objects, json, ref, errors),
    ]


@hookimpl
def register_commands():
    from core.objects.cli import purge_deleted

    return [purge_deleted]


@hookimpl
def register_jobs():
    from core.objects.purge import purge_deleted_records_job

    return {"objects.purge_deleted": purge_deleted_records_job}


@hookimpl
def register_periodic_tasks():
    from core.objects.purge import enqueue_purges
    from saas.jobs import PeriodicTask

    # Nightly at 02:43 UTC: each tenant's records deleted over 30 days ago purged.
    return [PeriodicTask("objects.purge_nightly", enqueue_purges, cron="43 2 * * *")]
