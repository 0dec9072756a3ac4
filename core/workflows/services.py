"""Workflow services: build, change, switch on and off, delete workflows, and read their
run log. Admins only. They flush and never commit.

Every change of the trigger, conditions or actions makes a new version; a run keeps the
version it started with. A workflow is checked whole against the object registry when it
is saved: its trigger's settings by the trigger, its conditions as the API checks filters,
each action's settings by the action; the first problem is raised with the place it is
(``trigger.field``, ``conditions.rules[1]``, ``actions[2].subject``).
"""

from __future__ import annotations

import datetime as dt
import secrets
import uuid

from sqlalchemy import func, select

from core.objects.registry import object_for_tenant
from core.workflows import conditions as conditions_module
from core.workflows import registry
from core.workflows.models import WebhookDelivery, Workflow, WorkflowRun, WorkflowVersion
from core.workflows.triggers import SCHEDULE_TRIGGER, next_schedule_time
from saas import clock
from saas.auth.actors import is_system
from saas.auth.models import User
from saas.db import db
from saas.errors import Conflict, Forbidden, NotFound, UserError, ValidationFailed
from saas.i18n import _
from tenants.settings import workspace_settings, zone_of

MAX_NAME = 100
MAX_DESCRIPTION = 2000
MAX_ACTIONS = 20
MAX_WORKFLOWS = 500
RUNS_PAGE = 50


def require_admin(actor: User | None) -> None:
    if not is_system(actor) and not actor.is_admin:
        raise Forbidden(_("Only admins can manage workflows."))


def _key(value, message: str) -> uuid.UUID:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError:
        raise NotFound(message) from None


def get_workflow(workflow_id, *, actor: User | None) -> Workflow:
    require_admin(actor)
    found = db.session.scalar(
        select(Workflow).where(Workflow.id == _key(workflow_id, _("There is no such workflow.")))
    )
    if found is None:
        raise NotFound(_("There is no such workflow."))
    return found


def list_workflows(*, actor: User | None, object_name: str | None = None) -> list[Workflow]:
    require_admin(actor)
    query = select(Workflow).order_by(Workflow.name)
    if object_name:
        query = query.where(Workflow.object_name == object_name)
    return list(db.session.scalars(query))


def _clean_name(name) -> str:
    name = " ".join(name.split()) if isinstance(name, str) else ""
    if not name:
        raise ValidationFailed(_("Give the workflow a name."), field="name")
    if len(name) > MAX_NAME:
        raise ValidationFailed(_("Use at most %(num)d characters.", num=MAX_NAME), field="name")
    return name


def _clean_description(text) -> str | None:
    if text in (None, ""):
        return None
    if not isinstance(text, str) or len(text) > MAX_DESCRIPTION:
        raise ValidationFailed(
            _("Use at most %(num)d characters.", num=MAX_DESCRIPTION), field="description"
        )
    return text.strip() or None


def _in_place(exc: UserError, prefix: str) -> ValidationFailed:
    """The error of a trigger's or action's check, placed under ``prefix``."""
    field = exc.field or ""
    for generic in ("trigger", "action"):
        if field == generic or field.startswith(generic + "."):
            field = field[len(generic) :]
            break
    else:
        field = f".{field}" if field else ""
    message = exc.message
    details = [f"{name}: {' '.join(texts)}" for name, texts in (exc.errors or {}).items() if name]
    if details and not exc.field:
        message = f"{message} {'; '.join(details)}"
    return ValidationFailed(message, field=f"{prefix}{field}")


def clean_definition(object_name, trigger_type, trigger, conditions, actions) -> dict:
    """The definition to store, checked against the registry and the trigger and action kit."""
    if not isinstance(object_name, str) or not object_name:
        raise ValidationFailed(_("Choose the object the workflow works on."), field="object")
    try:
        obj = object_for_tenant(object_name)
    except NotFound:
        raise ValidationFailed(_("There is no such object."), field="object") from None
    kinds = registry.triggers()
    kind = kinds.get(trigger_type) if isinstance(trigger_type, str) else None
    if kind is None:
        raise ValidationFailed(
            _("Choose a trigger: %(names)s.", names=", ".join(kinds)), field="trigger.type"
        )
    if kind.objects and obj.api_name not in kind.objects:
        raise ValidationFailed(
            _("This trigger works on %(objects)s only.", objects=", ".join(kind.objects)),
            field="trigger.type",
        )
    settings = trigger or {}
    try:
        settings = kind.clean(settings, obj.api_name) if kind.clean else dict(settings)
    except UserError as exc:
        raise _in_place(exc, "trigger") from None
    cleaned_conditions = conditions_module.clean_conditions(obj, conditions)
    actions = [] if actions is None else actions
    if not isinstance(actions, list):
        raise ValidationFailed(_("Give the actions as a list."), field="actions")
    if len(actions) > MAX_ACTIONS:
        raise ValidationFailed(_("Use at most %(num)d actions.", num=MAX_ACTIONS), field="actions")
    kit = registry.actions()
    cleaned_actions = []
    for index, action in enumerate(actions):
        where = f"actions[{index}]"
        name = action.get("type") if isinstance(action, dict) else None
        if name not in kit:
            raise ValidationFailed(
                _("Choose an action: %(names)s.", names=", ".join(kit)), field=f"{where}.type"
            )
        config = {key: value for key, value in action.items() if key != "type"}
        try:
            config = kit[name].clean(config, obj.api_name) if kit[name].clean else config
        except UserError as exc:
            raise _in_place(exc, where) from None
        cleaned_actions.append({"type": name, **config})
    return {
        "object_name": obj.api_name,
        "trigger_type": kind.name,
        "trigger": settings,
        "conditions": cleaned_conditions,
        "actions": cleaned_actions,
    }


def _refuse_running_empty(active: bool, actions: list) -> None:
    if active and not actions:
        raise ValidationFailed(
            _("Add at least one action before you switch the workflow on."), field="actions"
        )


def _definition(workflow: Workflow) -> dict:
    return {
        "object_name": workflow.object_name,
        "trigger_type": workflow.trigger_type,
        "trigger": workflow.trigger,
        "conditions": workflow.conditions,
        "actions": workflow.actions,
    }


def _new_version(workflow: Workflow) -> WorkflowVersion:
    version = WorkflowVersion(
        workflow_id=workflow.id, version=workflow.version, definition=_definition(workflow)
    )
    db.session.add(version)
    db.session.flush()
    return version


def current_version(workflow: Workflow) -> WorkflowVersion:
    return db.session.scalar(
        select(WorkflowVersion).where(
            WorkflowVersion.workflow_id == workflow.id,
            WorkflowVersion.version == workflow.version,
        )
    )


def _schedule(workflow: Workflow) -> None:
    """The next firing of a schedule trigger, in the workspace's time zone."""
    if workflow.trigger_type == SCHEDULE_TRIGGER and workflow.active:
        zone = zone_of(workspace_settings())
        workflow.next_run_at = next_schedule_time(workflow.trigger["cron"], clock.now(), zone)
    else:
        workflow.next_run_at = None


def _name_taken(name: str, workflow_id=None) -> bool:
    query = select(Workflow.id).where(Workflow.name == name)
    if workflow_id is not None:
        query = query.where(Workflow.id != workflow_id)
    return db.session.scalar(query) is not None


def create_workflow(
    *,
    name,
    object_name,
    trigger_type,
    trigger=None,
    conditions=None,
    actions=None,
    description=None,
    active: bool = False,
    actor: User | None,
) -> Workflow:
    require_admin(actor)
    name = _clean_name(name)
    if _name_taken(name):
        raise Conflict(_("A workflow with this name exists."), field="name")
    if db.session.scalar(select(func.count()).select_from(Workflow)) >= MAX_WORKFLOWS:
        raise Conflict(_("A workspace has at most %(num)d workflows.", num=MAX_WORKFLOWS))
    definition = clean_definition(object_name, trigger_type, trigger, conditions, actions)
    _refuse_running_empty(bool(active), definition["actions"])
    workflow = Workflow(
        name=name,
        description=_clean_description(description),
        active=bool(active),
        version=1,
        state={},
        signing_secret=secrets.token_hex(32),
        created_by_id=actor.id if actor else None,
        **definition,
    )
    db.session.add(workflow)
    db.session.flush()
    _new_version(workflow)
    _schedule(workflow)
    db.session.flush()
    return workflow


DEFINITION_KEYS = ("object_name", "trigger_type", "trigger", "conditions", "actions")


def update_workflow(workflow_id, *, changes: dict, actor: User | None) -> Workflow:
    """Change what ``changes`` names (name, description, active and the definition's parts);
    a changed definition is a new version."""
    workflow = get_workflow(workflow_id, actor=actor)
    if "name" in changes:
        name = _clean_name(changes["name"])
        if _name_taken(name, workflow.id):
            raise Conflict(_("A workflow with this name exists."), field="name")
        workflow.name = name
    if "description" in changes:
        workflow.description = _clean_description(changes["description"])
    if any(key in changes for key in DEFINITION_KEYS):
        current = _definition(workflow)
        if "trigger_type" in changes and "trigger" not in changes:
            current["trigger"] = {}
        merged = {key: changes.get(key, current[key]) for key in DEFINITION_KEYS}
        definition = clean_definition(
            merged["object_name"],
            merged["trigger_type"],
            merged["trigger"],
            merged["conditions"],
            merged["actions"],
        )
        if definition != current:
            for key, value in definition.items():
                setattr(workflow, key, value)
            workflow.version += 1
            _new_version(workflow)
    if "active" in changes:
        if not isinstance(changes["active"], bool):
            raise ValidationFailed(_("Give true or false."), field="active")
        workflow.active = changes["active"]
    _refuse_running_empty(workflow.active, workflow.actions)
    _schedule(workflow)
    workflow.updated_at = clock.now()
    db.session.flush()
    return workflow


def set_active(workflow_id, active: bool, *, actor: User | None) -> Workflow:
    return update_workflow(workflow_id, changes={"active": bool(active)}, actor=actor)


def delete_workflow(workflow_id, *, actor: User | None) -> None:
    """The workflow, its versions and its run log go (runs not yet done are dropped)."""
    workflow = get_workflow(workflow_id, actor=actor)
    db.session.delete(workflow)
    db.session.flush()


def rotate_secret(workflow_id, *, actor: User | None) -> Workflow:
    workflow = get_workflow(workflow_id, actor=actor)
    workflow.signing_secret = secrets.token_hex(32)
    db.session.flush()
    return workflow


def list_runs(
    workflow_id, *, actor: User | None, limit: int = RUNS_PAGE, before=None
) -> list[WorkflowRun]:
    """The latest runs of a workflow, newest first (``before``: an older page)."""
    workflow = get_workflow(workflow_id, actor=actor)
    if not isinstance(limit, int) or not 1 <= limit <= 200:
        raise ValidationFailed(_("Ask for 1 to %(num)d runs.", num=200), field="limit")
    query = select(WorkflowRun).where(WorkflowRun.workflow_id == workflow.id)
    if before:
        query = query.where(WorkflowRun.id < _key(before, _("There is no such run.")))
    return list(db.session.scalars(query.order_by(WorkflowRun.id.desc()).limit(limit)))


def get_run(workflow_id, run_id, *, actor: User | None) -> WorkflowRun:
    workflow = get_workflow(workflow_id, actor=actor)
    run = db.session.scalar(
        select(WorkflowRun).where(
            WorkflowRun.workflow_id == workflow.id,
            WorkflowRun.id == _key(run_id, _("There is no such run.")),
        )
    )
    if run is None:
        raise NotFound(_("There is no such run."))
    return run


def deliveries_of(run: WorkflowRun) -> list[WebhookDelivery]:
    return list(
        db.session.scalars(
            select(WebhookDelivery)
            .where(WebhookDelivery.run_id == run.id)
            .order_by(WebhookDelivery.step, WebhookDelivery.id)
        )
    )


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def _inbound_path(workflow: Workflow) -> str | None:
    """Where another system POSTs to start a workflow with the inbound webhook trigger."""
    from core.workflows.inbound import inbound_token
    from core.workflows.triggers import INBOUND_TRIGGER

    if workflow.trigger_type != INBOUND_TRIGGER:
        return None
    return f"/hooks/workflows/{workflow.id}/{inbound_token(workflow)}"


def workflow_to_api(workflow: Workflow) -> dict:
    return {
        "id": str(workflow.id),
        "name": workflow.name,
        "description": workflow.description,
        "object": workflow.object_name,
        "active": workflow.active,
        "version": workflow.version,
        "trigger": {"type": workflow.trigger_type, **(workflow.trigger or {})},
        "conditions": workflow.conditions or conditions_module.empty(),
        "actions": list(workflow.actions or []),
        "next_run_at": _iso(workflow.next_run_at),
        "inbound_path": _inbound_path(workflow),
        "created_at": _iso(workflow.created_at),
        "updated_at": _iso(workflow.updated_at),
    }


def run_to_api(run: WorkflowRun, *, deliveries: list[WebhookDelivery] | None = None) -> dict:
    found = {
        "id": str(run.id),
        "workflow_id": str(run.workflow_id),
        "version": run.version,
        "status": run.status,
        "object": run.object_name,
        "record_id": run.record_id,
        "trigger": {"event": run.trigger_event, **(run.trigger_data or {})},
        "depth": run.depth,
        "steps": list(run.steps or []),
        "error": run.error,
        "created_at": _iso(run.created_at),
        "started_at": _iso(run.started_at),
        "finished_at": _iso(run.finished_at),
    }
    if deliveries is not None:
        found["webhooks"] = [
            {
                "id": str(d.id),
                "step": d.step,
                "url": d.url,
                "status": d.status,
                "attempts": d.attempts,
                "response_status": d.response_status,
                "response_body": d.response_body,
                "error": d.last_error,
                "delivered_at": _iso(d.delivered_at),
            }
            for d in deliveries
        ]
    return found
