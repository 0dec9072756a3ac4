"""Running workflows: triggered by events inside the change's transaction, run by a job
after its commit.

1. ``on_event`` (the ``event_emitted`` hook) finds the tenant's active workflows whose
   trigger listens to the event and matches it, and writes for each a queued
   ``WorkflowRun`` and its outbox job, in the transaction of the change: a run exists
   exactly when the change commits, and nothing else is done inside the request.
2. ``run_workflow_job`` runs it: the record is read as it is now, the conditions are
   evaluated in the database, and the actions of the run's version run one by one, each in a
   savepoint, as the system. The run's effect key and its status make a redelivered job a
   no-op (one effect); a failed step is logged with its error and stops the run.
3. A workflow's own writes emit events too: a run started while another runs is one level
   deeper, and past ``MAX_DEPTH`` levels it is logged as stopped instead of run, so two
   workflows that trigger each other (or one that triggers itself) stop.
4. ``scan_time_triggers_job`` (every five minutes, per tenant) starts the date and schedule
   triggers, once per record and moment (a unique key on the run).
"""

from __future__ import annotations

import contextvars
import datetime as dt
import logging
import uuid

from sqlalchemy import extract, select
from sqlalchemy.exc import IntegrityError

from core.objects import records
from core.objects.registry import object_for_tenant
from core.workflows import conditions as conditions_module
from core.workflows import registry
from core.workflows.models import (
    FAILED,
    QUEUED,
    SKIPPED,
    STOPPED,
    SUCCEEDED,
    Workflow,
    WorkflowRun,
    WorkflowVersion,
)
from core.workflows.triggers import DATE_TRIGGER, SCHEDULE_TRIGGER, next_schedule_time
from saas import clock
from saas.auth.actors import SYSTEM, person_id
from saas.db import db
from saas.errors import NotFound, UserError
from saas.jobs import enqueue, record_effect, tenant_job
from saas.plugins.workflows import ActionContext
from tenants.scoping import require_tenant_id
from tenants.settings import workspace_settings, zone_of

log = logging.getLogger(__name__)

MAX_DEPTH = 5
# A date trigger missed by a scan (the scheduler was down) still fires within this long.
DATE_LOOKBACK = dt.timedelta(days=2)
MAX_RECORDS_PER_SCAN = 1000
SCAN_EVERY = dt.timedelta(minutes=5)

# Reasons a run stops or is skipped, stored as codes and shown translated (views.py).
LOOP_LIMIT = "loop_limit"
RECORD_GONE = "record_gone"
CONDITIONS_NOT_MET = "conditions_not_met"
VERSION_GONE = "version_gone"

# The depth of the run being executed in this context (None: no run is).
_running_depth: contextvars.ContextVar[int | None] = contextvars.ContextVar(
    "trellis_workflow_depth", default=None
)


def _trigger_data(event) -> dict:
    data: dict = {"actor_id": str(event.actor_id) if event.actor_id else None}
    changes = getattr(event, "changes", None)
    if changes:
        data["changes"] = {name: list(pair) for name, pair in changes.items()}
    return data


def on_event(event) -> None:
    """Queue a run of every active workflow the event triggers (see the module's doc)."""
    listening = registry.triggers_listening_to(event.name)
    if not listening:
        return
    object_name = getattr(event, "object_name", None)
    query = select(Workflow).where(
        Workflow.active.is_(True), Workflow.trigger_type.in_(list(listening))
    )
    if object_name:
        query = query.where(Workflow.object_name == object_name)
    for workflow in db.session.scalars(query).all():
        kind = listening[workflow.trigger_type]
        if kind.matches is not None and not kind.matches(event, dict(workflow.trigger or {})):
            continue
        if kind.record_of is not None:
            target = kind.record_of(event)
        else:
            record_id = getattr(event, "record_id", None)
            target = (object_name, record_id) if object_name and record_id else None
        if target is not None and target[0] != workflow.object_name:
            continue
        start_run(
            workflow,
            trigger_event=event.name,
            record_id=target[1] if target else None,
            data=_trigger_data(event),
        )


def start_run(
    workflow: Workflow,
    *,
    trigger_event: str,
    record_id=None,
    data: dict | None = None,
    dedup_key: str | None = None,
) -> WorkflowRun | None:
    """Write a queued run of the workflow's current version and its job (flushes); None when
    ``dedup_key`` already started one. Past the depth limit the run is written as stopped."""
    running = _running_depth.get()
    depth = 0 if running is None else running + 1
    version = db.session.scalar(
        select(WorkflowVersion).where(
            WorkflowVersion.workflow_id == workflow.id,
            WorkflowVersion.version == workflow.version,
        )
    )
    run = WorkflowRun(
        workflow_id=workflow.id,
        version_id=version.id,
        version=version.version,
        object_name=workflow.object_name,
        record_id=str(record_id) if record_id else None,
        trigger_event=trigger_event,
        trigger_data=data or {},
        depth=depth,
        dedup_key=dedup_key,
        steps=[],
    )
    if depth > MAX_DEPTH:
        run.status, run.error, run.finished_at = STOPPED, LOOP_LIMIT, clock.now()
    try:
        with db.session.begin_nested():
            db.session.add(run)
    except IntegrityError:
        return None  # this record and moment already started a run
    if run.status == QUEUED:
        enqueue(run_workflow_job, require_tenant_id(), str(run.id))
    return run


def _finish(run: WorkflowRun, status: str, error: str | None = None) -> None:
    run.status, run.error, run.finished_at = status, error, clock.now()
    db.session.flush()


@tenant_job(timeout=300, retries=3)
def run_workflow_job(tenant_id, run_id: str) -> None:
    """Run one queued run (see the module's doc); a second delivery does nothing."""
    tenant_id = uuid.UUID(str(tenant_id))
    run = db.session.get(WorkflowRun, (tenant_id, uuid.UUID(run_id)))
    if run is None or run.status != QUEUED:
        return
    if not record_effect(f"workflows.run:{run.id}"):
        return
    run.started_at = clock.now()
    version = db.session.get(WorkflowVersion, (tenant_id, run.version_id))
    if version is None:
        _finish(run, FAILED, VERSION_GONE)
        return
    definition = version.definition
    try:
        obj = object_for_tenant(run.object_name)
    except NotFound:
        _finish(run, FAILED, RECORD_GONE)
        return
    record_values = None
    if run.record_id is not None:
        record_values = _record_values(obj, run)
        if record_values is None:
            _finish(run, SKIPPED, RECORD_GONE)
            return
        if not conditions_module.record_matches(obj, run.record_id, definition["conditions"]):
            _finish(run, SKIPPED, CONDITIONS_NOT_MET)
            return
    _run_steps(run, obj, definition, record_values)


def _record_values(obj, run: WorkflowRun) -> dict | None:
    """The run's record as the API shows it (all fields), or None when it is gone."""
    deleted_ok = run.trigger_event == "record.deleted"
    try:
        record = records.get_record(
            obj.api_name, run.record_id, actor=SYSTEM, include_deleted=deleted_ok
        )
    except NotFound:
        return None
    return records.to_api(obj, record, role=None)


def _run_steps(run: WorkflowRun, obj, definition: dict, record_values: dict | None) -> None:
    kit = registry.actions()
    steps: list[dict] = []
    status = SUCCEEDED
    token = _running_depth.set(run.depth)
    try:
        for index, action in enumerate(definition["actions"]):
            config = {key: value for key, value in action.items() if key != "type"}
            step = {"step": index, "type": action["type"], "started_at": clock.now().isoformat()}
            if index and run.record_id is not None:
                record_values = _record_values(obj, run) or record_values  # after the last step
            context = ActionContext(
                tenant_id=run.tenant_id,
                workflow_id=run.workflow_id,
                run_id=run.id,
                step=index,
                object_name=run.object_name,
                record_id=uuid.UUID(run.record_id) if run.record_id else None,
                record=record_values,
                config=config,
                trigger={"event": run.trigger_event, **(run.trigger_data or {})},
            )
            kind = kit.get(action["type"])
            try:
                if kind is None:
                    raise LookupError(f"unknown action {action['type']}")
                with db.session.begin_nested():
                    result = kind.run(context) or {}
                step.update(status=SUCCEEDED, result=result)
            except UserError as exc:
                step.update(status=FAILED, error=exc.message)
            except Exception as exc:  # a plugin's bug must not leave the run queued forever
                log.exception("workflow %s run %s step %s failed", run.workflow_id, run.id, index)
                step.update(status=FAILED, error=f"{type(exc).__name__}: {exc}"[:2000])
            step["finished_at"] = clock.now().isoformat()
            steps.append(step)
            if step["status"] == FAILED:
                status = FAILED
                break
    finally:
        _running_depth.reset(token)
    run.steps = steps
    _finish(run, status, steps[-1].get("error") if status == FAILED else None)


# --- time: date and schedule triggers --------------------------------------------------


def scan_time_triggers(*, limit: int = MAX_RECORDS_PER_SCAN) -> int:
    """Start the due date and schedule triggers of the tenant in scope; how many runs."""
    now = clock.now()
    started = 0
    workflows = db.session.scalars(
        select(Workflow).where(
            Workflow.active.is_(True),
            Workflow.trigger_type.in_((DATE_TRIGGER, SCHEDULE_TRIGGER)),
        )
    ).all()
    zone = zone_of(workspace_settings()) if workflows else None
    for workflow in workflows:
        if workflow.trigger_type == DATE_TRIGGER:
            started += _scan_dates(workflow, now, zone, limit)
        elif workflow.next_run_at is not None and workflow.next_run_at <= now:
            started += _fire_schedule(workflow, now, zone, limit)
    return started


def _scan_dates(workflow: Workflow, now: dt.datetime, zone, limit: int) -> int:
    obj = object_for_tenant(workflow.object_name)
    config = workflow.trigger
    spec = obj.fields.get(config["field"])
    if spec is None:
        return 0
    offset = dt.timedelta(days=int(config.get("offset_days") or 0))
    model = obj.model
    query = records.records_query(obj).where(model.deleted_at.is_(None))
    if config.get("yearly"):
        target = now.astimezone(zone).date() - offset
        column = records.filter_column(obj, spec)
        query = query.where(
            extract("month", column) == target.month, extract("day", column) == target.day
        )
        moment = target.isoformat()
    elif spec.type == "date":
        target = now.astimezone(zone).date() - offset
        earliest = target - DATE_LOOKBACK
        query = query.where(
            records.filter_condition(
                obj, records.Filter(spec.api_name, "gte", earliest.isoformat())
            ),
            records.filter_condition(obj, records.Filter(spec.api_name, "lte", target.isoformat())),
        )
        moment = None
    else:
        latest = now - offset
        query = query.where(
            records.filter_condition(
                obj, records.Filter(spec.api_name, "gte", (latest - DATE_LOOKBACK).isoformat())
            ),
            records.filter_condition(obj, records.Filter(spec.api_name, "lte", latest.isoformat())),
        )
        moment = None
    query = query.where(conditions_module.where_clause(obj, workflow.conditions or {}))
    started = 0
    for record in db.session.scalars(query.order_by(model.id).limit(limit)):
        value = moment or _stored_moment(spec, record)
        key = f"workflows.date:{workflow.id}:{record.id}:{value}"
        if start_run(
            workflow,
            trigger_event="date",
            record_id=record.id,
            dedup_key=key,
            data={"field": spec.api_name, "value": value},
        ):
            started += 1
    return started


def _stored_moment(spec, record) -> str:
    value = (
        getattr(record, spec.column) if spec.column else (record.custom or {}).get(spec.api_name)
    )
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _fire_schedule(workflow: Workflow, now: dt.datetime, zone, limit: int) -> int:
    due = workflow.next_run_at
    obj = object_for_tenant(workflow.object_name)
    query = (
        records.records_query(obj)
        .where(obj.model.deleted_at.is_(None))
        .where(conditions_module.where_clause(obj, workflow.conditions or {}))
        .order_by(obj.model.id)
        .limit(limit)
    )
    started = 0
    for record in db.session.scalars(query):
        key = f"workflows.schedule:{workflow.id}:{due.isoformat()}:{record.id}"
        if start_run(
            workflow,
            trigger_event="schedule",
            record_id=record.id,
            dedup_key=key,
            data={"due_at": due.isoformat()},
        ):
            started += 1
    workflow.next_run_at = next_schedule_time(workflow.trigger["cron"], now, zone)
    db.session.flush()
    return started


@tenant_job(timeout=600, retries=1)
def scan_time_triggers_job(tenant_id) -> None:
    scan_time_triggers()


def enqueue_time_scans() -> int:
    """The periodic task: one scan per live tenant and five-minute slot."""
    from tenants.models import Tenant

    now = clock.now()
    slot = now.replace(minute=now.minute - now.minute % 5, second=0, microsecond=0)
    tenant_ids = db.session.scalars(select(Tenant.id).where(Tenant.status != "deleted")).all()
    for tenant_id in tenant_ids:
        enqueue(
            scan_time_triggers_job,
            tenant_id,
            dedup_key=f"workflows.scan:{tenant_id}:{slot.isoformat()}",
        )
    return len(tenant_ids)


def run_manually(workflow: Workflow, *, record_id, actor) -> WorkflowRun:
    """Start a workflow with a manual trigger on a record the person may see."""
    from core.workflows.triggers import MANUAL_TRIGGER
    from saas.errors import ValidationFailed
    from saas.i18n import _

    if workflow.trigger_type != MANUAL_TRIGGER or not workflow.active:
        raise ValidationFailed(_("This workflow is not an active manual workflow."))
    record = records.get_record(workflow.object_name, record_id, actor=actor)
    run = start_run(
        workflow,
        trigger_event="manual",
        record_id=record.id,
        data={"actor_id": str(actor.id) if person_id(actor) else None},
    )
    return run
