"""Core's workflow triggers: record events, a field change, a deal entering a stage, a date
reached and a schedule. Registered through ``register_workflow_triggers`` like a plugin's."""

from __future__ import annotations

import datetime as dt
import json

from croniter import croniter

from core.objects.registry import object_for_tenant
from core.objects.types import FieldValueError
from saas.errors import ValidationFailed
from saas.i18n import N_, _
from saas.plugins.workflows import WorkflowTrigger

DATE_TRIGGER, SCHEDULE_TRIGGER, MANUAL_TRIGGER = "date_reached", "schedule", "manual"
INBOUND_TRIGGER = "inbound_webhook"
MAX_OFFSET_DAYS = 3650


def _refuse_unknown(config: dict, allowed: set) -> None:
    if not isinstance(config, dict):
        raise ValidationFailed(_("Give the trigger's settings as an object."), field="trigger")
    unknown = set(config) - allowed
    if unknown:
        raise ValidationFailed(
            _("Unknown properties: %(names)s.", names=", ".join(sorted(unknown))),
            field="trigger",
        )


def _field(object_name: str, name, *, types: tuple[str, ...] = ()):
    obj = object_for_tenant(object_name)
    spec = obj.fields.get(name) if isinstance(name, str) else None
    if spec is None:
        raise ValidationFailed(_("There is no such field."), field="trigger.field")
    if types and spec.type not in types:
        raise ValidationFailed(
            _("Choose a field of one of these types: %(types)s.", types=", ".join(types)),
            field="trigger.field",
        )
    return spec


def stored_form(object_name: str, field: str, raw):
    """A value as the audit trail and the events store it (JSON), from what an admin typed."""
    spec = _field(object_name, field)
    if raw in (None, ""):
        return None
    try:
        value = spec.field_type.clean(raw, spec.options)
    except (FieldValueError, TypeError, ValueError) as exc:
        raise ValidationFailed(str(exc), field="trigger") from None
    return json.loads(json.dumps(value, default=str))


def _same(left, right) -> bool:
    return json.dumps(left, default=str, sort_keys=True) == json.dumps(
        right, default=str, sort_keys=True
    )


# --- field changed ---------------------------------------------------------------------


def _clean_field_changed(config, object_name: str) -> dict:
    config = config or {}
    _refuse_unknown(config, {"field", "from", "to"})
    spec = _field(object_name, config.get("field"))
    cleaned: dict = {"field": spec.api_name}
    for side in ("from", "to"):
        if side in config and config[side] not in (None, ""):
            cleaned[side] = stored_form(object_name, spec.api_name, config[side])
    return cleaned


def _field_changed(event, config) -> bool:
    changes = getattr(event, "changes", {}) or {}
    if config.get("field") not in changes:
        return False
    old, new = changes[config["field"]]
    if "from" in config and not _same(old, config["from"]):
        return False
    return "to" not in config or _same(new, config["to"])


# --- a deal entering a stage -----------------------------------------------------------


def _clean_stage_entered(config, object_name: str) -> dict:
    config = config or {}
    _refuse_unknown(config, {"stage_id"})
    stage = config.get("stage_id")
    if stage in (None, ""):
        return {}
    return {"stage_id": stored_form(object_name, "stage_id", stage)}


def _stage_entered(event, config) -> bool:
    if event.name == "record.created":
        values = getattr(event, "values", {}) or {}
        if "stage_id" not in values:
            return False
        new = values["stage_id"]
    else:
        changes = getattr(event, "changes", {}) or {}
        if "stage_id" not in changes:
            return False
        new = changes["stage_id"][1]
    return "stage_id" not in config or _same(new, config["stage_id"])


# --- a date reached --------------------------------------------------------------------


def _clean_date_reached(config, object_name: str) -> dict:
    config = config or {}
    _refuse_unknown(config, {"field", "offset_days", "yearly"})
    spec = _field(object_name, config.get("field"), types=("date", "datetime"))
    if spec.column is None and not spec.slot:
        raise ValidationFailed(
            _("This field cannot be filtered. An admin can mark it filterable."),
            field="trigger.field",
        )
    try:
        offset = int(config.get("offset_days") or 0)
    except (TypeError, ValueError):
        raise ValidationFailed(
            _("Give the number of days as a whole number."), field="trigger.offset_days"
        ) from None
    if abs(offset) > MAX_OFFSET_DAYS:
        raise ValidationFailed(
            _("Give at most %(num)d days.", num=MAX_OFFSET_DAYS), field="trigger.offset_days"
        )
    yearly = bool(config.get("yearly")) and spec.type == "date"
    return {"field": spec.api_name, "offset_days": offset, "yearly": yearly}


# --- a schedule ------------------------------------------------------------------------


def _clean_schedule(config, object_name: str) -> dict:
    config = config or {}
    _refuse_unknown(config, {"cron"})
    cron = " ".join(str(config.get("cron") or "").split())
    if len(cron.split(" ")) != 5 or not croniter.is_valid(cron):
        raise ValidationFailed(
            _(
                "Give the schedule as five crontab fields: minute hour day month weekday, "
                "such as 0 9 * * 1 for Mondays at 9:00."
            ),
            field="trigger.cron",
        )
    return {"cron": cron}


def next_schedule_time(cron: str, after: dt.datetime, zone) -> dt.datetime:
    """The next moment (UTC) after ``after`` that the crontab line names in ``zone``."""
    local = after.astimezone(zone)
    following = croniter(cron, local.replace(tzinfo=None)).get_next(dt.datetime)
    return following.replace(tzinfo=zone).astimezone(dt.UTC)


def _no_settings(config, object_name: str) -> dict:
    _refuse_unknown(config or {}, set())
    return {}


CORE_TRIGGERS = (
    WorkflowTrigger(
        "record_created", N_("A record is created"), ("record.created",), clean=_no_settings
    ),
    WorkflowTrigger(
        "record_updated", N_("A record is updated"), ("record.updated",), clean=_no_settings
    ),
    WorkflowTrigger(
        "record_deleted", N_("A record is deleted"), ("record.deleted",), clean=_no_settings
    ),
    WorkflowTrigger(
        "record_restored", N_("A record is restored"), ("record.restored",), clean=_no_settings
    ),
    WorkflowTrigger(
        "field_changed",
        N_("A field changes"),
        ("record.updated",),
        matches=_field_changed,
        clean=_clean_field_changed,
    ),
    WorkflowTrigger(
        "stage_entered",
        N_("A deal enters a stage"),
        ("record.created", "record.updated"),
        matches=_stage_entered,
        clean=_clean_stage_entered,
        objects=("deals",),
    ),
    WorkflowTrigger(DATE_TRIGGER, N_("A date is reached"), clean=_clean_date_reached),
    WorkflowTrigger(SCHEDULE_TRIGGER, N_("On a schedule"), clean=_clean_schedule),
    WorkflowTrigger(MANUAL_TRIGGER, N_("A button on the record page"), clean=_no_settings),
    WorkflowTrigger(INBOUND_TRIGGER, N_("A call to its webhook address"), clean=_no_settings),
)
