"""The workflows area's contributions to the core, through the plugin manager: its models,
its jobs and periodic scan, the event hook that starts runs, and core's own triggers and
actions (given through the same hooks a plugin uses)."""

from __future__ import annotations

from saas.plugins import hookimpl


@hookimpl
def register_models():
    from core.workflows import models

    return [models]


@hookimpl
def register_jobs():
    from core.workflows.engine import run_workflow_job, scan_time_triggers_job
    from core.workflows.webhooks import deliver_webhook_job

    return {
        "workflows.run": run_workflow_job,
        "workflows.scan_time_triggers": scan_time_triggers_job,
        "workflows.deliver_webhook": deliver_webhook_job,
    }


@hookimpl
def register_periodic_tasks():
    from core.workflows.engine import enqueue_time_scans
    from saas.jobs import PeriodicTask

    return [PeriodicTask("workflows.time_triggers", enqueue_time_scans, interval=300)]


@hookimpl
def event_emitted(event):
    from core.workflows.engine import on_event

    on_event(event)


@hookimpl
def register_workflow_triggers():
    from core.workflows.triggers import CORE_TRIGGERS

    return CORE_TRIGGERS


@hookimpl
def register_workflow_actions():
    from core.workflows.actions import CORE_ACTIONS

    return CORE_ACTIONS


@hookimpl
def register_api_blueprints():
    from core.workflows.api import bp

    return [bp]


@hookimpl
def register_openapi_paths(json, ref, errors):
    from core.workflows.openapi import workflow_paths

    return [workflow_paths(json, ref, errors)]


@hookimpl
def register_blueprints():
    from core.workflows.inbound import bp as inbound
    from core.workflows.views import bp

    return [bp, inbound]


@hookimpl
def register_menu_items():
    from saas.plugins.menus import SETUP, MenuItem

    return [
        MenuItem(SETUP, "Workflows", "workflows_admin.index", 85, current=("workflows_admin.*",))
    ]
