"""Core's workflow actions: update fields, create a task, assign the owner (a user, or
round-robin within a team), send an e-mail through the mail outbox, and an outbound webhook.
Registered through ``register_workflow_actions`` like a plugin's. Each runs inside the run's
job and transaction, as the system (``actor=SYSTEM``, ``saas.auth.actors``), and returns what
the run log shows."""

from __future__ import annotations

import datetime as dt
import uuid

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select

from core.objects import records
from core.objects.registry import object_for_tenant
from core.objects.types import FieldValueError
from core.workflows.models import Workflow, WorkflowRun
from core.workflows.templating import clean_template, render
from saas import clock
from saas.auth.actors import SYSTEM
from saas.auth.models import User
from saas.auth.teams import Team, TeamMembership
from saas.db import db
from saas.errors import ValidationFailed
from saas.i18n import N_, _
from saas.mail import queue_email
from saas.plugins.workflows import ActionContext, WorkflowAction
from tenants.scoping import require_tenant_id

MAX_DUE_DAYS = 3650


def _settings(config, allowed: set, field: str) -> dict:
    if not isinstance(config, dict):
        raise ValidationFailed(_("Give the step's settings as an object."), field=field)
    unknown = set(config) - allowed - {"type"}
    if unknown:
        raise ValidationFailed(
            _("Unknown properties: %(names)s.", names=", ".join(sorted(unknown))), field=field
        )
    return config


def _user(user_id, field: str) -> User:
    try:
        key = uuid.UUID(str(user_id))
    except ValueError:
        raise ValidationFailed(_("Choose a user of this workspace."), field=field) from None
    user = db.session.get(User, (require_tenant_id(), key))
    if user is None:
        raise ValidationFailed(_("Choose a user of this workspace."), field=field)
    return user


def _payload(context: ActionContext) -> dict:
    """An inbound webhook's JSON body, for the texts' ``{{ payload.<key> }}``."""
    payload = (context.trigger or {}).get("payload")
    return payload if isinstance(payload, dict) else {}


def _owner_of(context: ActionContext) -> User | None:
    owner = (context.record or {}).get("owner_id")
    if not owner:
        return None
    user = db.session.get(User, (context.tenant_id, uuid.UUID(str(owner))))
    return user if user is not None and user.is_active else None


# --- update fields ---------------------------------------------------------------------


def _clean_update(config, object_name: str, field: str = "action") -> dict:
    config = _settings(config, {"values"}, field)
    values = config.get("values")
    if not isinstance(values, dict) or not values:
        raise ValidationFailed(_("Name at least one field and its new value."), field=field)
    obj = object_for_tenant(object_name)
    for name, raw in values.items():
        spec = obj.fields.get(name) if isinstance(name, str) else None
        where = f"{field}.values.{name}"
        if spec is None or name in records.SYSTEM_FIELDS or name in obj.children:
            raise ValidationFailed(_("There is no such field."), field=where)
        if spec.system or spec.read_only or spec.type in ("formula", "rollup"):
            raise ValidationFailed(_("This field is calculated and cannot be set."), field=where)
        try:
            spec.field_type.clean_write(raw, spec.options, None)
        except (FieldValueError, TypeError, ValueError) as exc:
            raise ValidationFailed(f"{spec.label}: {exc}", field=where) from None
    return {"values": values}


def _run_update(context: ActionContext) -> dict:
    if context.record_id is None:
        raise ValidationFailed(_("This run has no record to update."))
    before = records.get_record(context.object_name, context.record_id, actor=SYSTEM)
    version = before.version
    record = records.update_record(
        context.object_name, context.record_id, dict(context.config["values"]), actor=SYSTEM
    )
    return {"fields": sorted(context.config["values"]), "changed": record.version != version}


# --- create a task ---------------------------------------------------------------------

ASSIGNEES = ("owner", "user")


def _clean_task(config, object_name: str, field: str = "action") -> dict:
    config = _settings(config, {"subject", "body", "due_in_days", "assign_to", "user_id"}, field)
    cleaned = {
        "subject": clean_template(config.get("subject"), field=f"{field}.subject", max_length=255),
        "body": clean_template(config.get("body"), field=f"{field}.body", required=False),
    }
    try:
        days = int(config.get("due_in_days") or 0)
    except (TypeError, ValueError):
        raise ValidationFailed(
            _("Give the number of days as a whole number."), field=f"{field}.due_in_days"
        ) from None
    if not 0 <= days <= MAX_DUE_DAYS:
        raise ValidationFailed(
            _("Give 0 to %(num)d days.", num=MAX_DUE_DAYS), field=f"{field}.due_in_days"
        )
    cleaned["due_in_days"] = days
    assign_to = config.get("assign_to") or "owner"
    if assign_to not in ASSIGNEES:
        raise ValidationFailed(
            _("Assign the task to the record's owner or to a user."), field=f"{field}.assign_to"
        )
    cleaned["assign_to"] = assign_to
    if assign_to == "user":
        cleaned["user_id"] = str(_user(config.get("user_id"), f"{field}.user_id").id)
    return cleaned


def _run_task(context: ActionContext) -> dict:
    config = context.config
    if config["assign_to"] == "user":
        assignee = db.session.get(User, (context.tenant_id, uuid.UUID(config["user_id"])))
    else:
        assignee = _owner_of(context)
    values = {
        "type": "task",
        "subject": render(config["subject"], record=context.record, payload=_payload(context))[:255]
        or _("Follow up"),
        "body": render(config["body"], record=context.record, payload=_payload(context)) or None,
        "assignee_id": str(assignee.id) if assignee else None,
        "owner_id": str(assignee.id) if assignee else None,
    }
    if config.get("due_in_days") or config.get("due_in_days") == 0:
        values["due_at"] = (clock.now() + dt.timedelta(days=config["due_in_days"])).isoformat()
    # A deleted record cannot be the task's related record (it is in the recycle bin).
    gone = (context.record or {}).get("deleted_at") or context.trigger.get(
        "event"
    ) == "record.deleted"
    if context.record_id is not None and context.object_name != "activities" and not gone:
        values["related_object"] = context.object_name
        values["related_id"] = str(context.record_id)
    task = records.create_record("activities", values, actor=SYSTEM)
    return {"task_id": str(task.id), "assignee_id": values["assignee_id"]}


# --- assign the owner ------------------------------------------------------------------

MODES = ("user", "round_robin")


def _clean_assign(config, object_name: str, field: str = "action") -> dict:
    config = _settings(config, {"mode", "user_id", "team_id"}, field)
    if "owner_id" not in object_for_tenant(object_name).fields:
        raise ValidationFailed(_("Records of this object have no owner."), field=field)
    mode = config.get("mode") or "user"
    if mode not in MODES:
        raise ValidationFailed(
            _("Assign to a user or round-robin within a team."), field=f"{field}.mode"
        )
    if mode == "user":
        return {"mode": mode, "user_id": str(_user(config.get("user_id"), f"{field}.user_id").id)}
    try:
        team = db.session.get(Team, (require_tenant_id(), uuid.UUID(str(config.get("team_id")))))
    except ValueError:
        team = None
    if team is None:
        raise ValidationFailed(_("Choose a team of this workspace."), field=f"{field}.team_id")
    return {"mode": mode, "team_id": str(team.id)}


def _next_in_team(context: ActionContext) -> User:
    """The team's next active member after the one this step assigned last (by name)."""
    team_id = uuid.UUID(context.config["team_id"])
    members = db.session.scalars(
        select(User)
        .join(TeamMembership, (TeamMembership.id == User.id))
        .where(TeamMembership.team_id == team_id, User.is_active.is_(True))
        .order_by(User.name, User.id)
    ).all()
    if not members:
        raise ValidationFailed(_("The team has no active members to assign."))
    workflow = db.session.scalar(
        select(Workflow).where(Workflow.id == context.workflow_id).with_for_update()
    )
    state = dict(workflow.state or {})
    cursors = dict(state.get("round_robin", {}))
    last = cursors.get(str(context.step))
    ids = [str(member.id) for member in members]
    chosen = members[(ids.index(last) + 1) % len(members)] if last in ids else members[0]
    cursors[str(context.step)] = str(chosen.id)
    workflow.state = {**state, "round_robin": cursors}
    return chosen


def _run_assign(context: ActionContext) -> dict:
    if context.record_id is None:
        raise ValidationFailed(_("This run has no record to assign."))
    if context.config["mode"] == "user":
        user = db.session.get(User, (context.tenant_id, uuid.UUID(context.config["user_id"])))
        if user is None or not user.is_active:
            raise ValidationFailed(_("The user to assign is no longer active."))
    else:
        user = _next_in_team(context)
    records.update_record(
        context.object_name, context.record_id, {"owner_id": str(user.id)}, actor=SYSTEM
    )
    return {"owner_id": str(user.id)}


# --- send an e-mail --------------------------------------------------------------------

RECIPIENTS = ("owner", "field", "address")


def _clean_email(config, object_name: str, field: str = "action") -> dict:
    config = _settings(config, {"to", "field", "address", "subject", "body"}, field)
    to = config.get("to") or "owner"
    if to not in RECIPIENTS:
        raise ValidationFailed(
            _("Send to the record's owner, an e-mail field of the record or an address."),
            field=f"{field}.to",
        )
    cleaned: dict = {"to": to}
    if to == "field":
        name = config.get("field") if isinstance(config.get("field"), str) else ""
        spec = object_for_tenant(object_name).fields.get(name)
        if spec is None or spec.type != "email":
            raise ValidationFailed(
                _("Choose an e-mail field of the record."), field=f"{field}.field"
            )
        cleaned["field"] = spec.api_name
    if to == "address":
        try:
            cleaned["address"] = validate_email(
                str(config.get("address") or ""), check_deliverability=False
            ).normalized
        except EmailNotValidError:
            raise ValidationFailed(
                _("Give a valid e-mail address."), field=f"{field}.address"
            ) from None
    cleaned["subject"] = clean_template(
        config.get("subject"), field=f"{field}.subject", max_length=300
    )
    cleaned["body"] = clean_template(config.get("body"), field=f"{field}.body")
    return cleaned


def _run_email(context: ActionContext) -> dict:
    config = context.config
    if config["to"] == "owner":
        owner = _owner_of(context)
        address = owner.email if owner else None
    elif config["to"] == "field":
        address = (context.record or {}).get(config["field"])
    else:
        address = config["address"]
    if not address:
        raise ValidationFailed(_("The record has no e-mail address to send to."))
    subject = render(config["subject"], record=context.record, payload=_payload(context))[:300]
    body = render(config["body"], record=context.record, payload=_payload(context))
    message = queue_email(to=str(address), subject=subject, body=body)
    result = {"to": str(address), "email_id": str(message.id)}
    if config["to"] == "field" and context.record_id is not None:
        # An e-mail to the customer lands on the record's timeline.
        activity = records.create_record(
            "activities",
            {
                "type": "email",
                "subject": subject[:255],
                "body": body,
                "done": True,
                "related_object": context.object_name,
                "related_id": str(context.record_id),
            },
            actor=SYSTEM,
        )
        result["activity_id"] = str(activity.id)
    return result


# --- outbound webhook ------------------------------------------------------------------


def _clean_webhook(config, object_name: str, field: str = "action") -> dict:
    from core.workflows.webhooks import clean_url

    config = _settings(config, {"url"}, field)
    return {"url": clean_url(config.get("url"), field=f"{field}.url")}


def _run_webhook(context: ActionContext) -> dict:
    from core.workflows.webhooks import queue_delivery

    run = db.session.get(WorkflowRun, (context.tenant_id, context.run_id))
    payload = {
        "event": run.trigger_event,
        "workflow_id": str(context.workflow_id),
        "run_id": str(context.run_id),
        "object": context.object_name,
        "record_id": str(context.record_id) if context.record_id else None,
        "record": dict(context.record or {}),
        "trigger": dict(context.trigger or {}),
        "sent_at": clock.now().isoformat(),
    }
    delivery = queue_delivery(
        run=run, step=context.step, url=context.config["url"], payload=payload
    )
    return {"delivery_id": str(delivery.id), "url": delivery.url}


CORE_ACTIONS = (
    WorkflowAction("update_fields", N_("Update fields"), _run_update, clean=_clean_update),
    WorkflowAction("create_task", N_("Create a task"), _run_task, clean=_clean_task),
    WorkflowAction("assign_owner", N_("Assign the owner"), _run_assign, clean=_clean_assign),
    WorkflowAction("send_email", N_("Send an e-mail"), _run_email, clean=_clean_email),
    WorkflowAction("webhook", N_("Send a webhook"), _run_webhook, clean=_clean_webhook),
)
