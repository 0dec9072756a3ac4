"""Ticket services: the SLA targets of the workspace, the rules every ticket write follows
(due times, first response, resolution, satisfaction) and the SLA overview of open tickets.
They flush and never commit.

Each priority's targets count either in calendar time (``24x7``, the default: a target of 8
hours is 8 hours after the ticket was opened, nights and weekends included) or in the
workspace's business hours (``business``: only working minutes count, see
``core.tickets.hours`` and ``core.tickets.calendar``). See docs/decisions/0011-service-objects.md
and 0014-sla-business-hours.md.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from core.objects.permissions import require_right, visibility_condition
from core.tickets import hours
from core.tickets.calendar import EmptyCalendar
from core.tickets.models import FINISHED_STATUSES, PRIORITIES, SlaTarget, Ticket
from saas import clock, security_log
from saas.auth.models import User
from saas.db import db
from saas.errors import NotFound, ValidationFailed

# priority: (first response, resolution) in minutes, for a workspace that changed nothing.
DEFAULT_TARGETS = {
    "urgent": (60, 4 * 60),
    "high": (4 * 60, 24 * 60),
    "normal": (8 * 60, 3 * 24 * 60),
    "low": (24 * 60, 7 * 24 * 60),
}
MAX_TARGET_MINUTES = 366 * 24 * 60
DEFAULT_AT_RISK_MINUTES = 60


# SLA targets ----------------------------------------------------------------------------


def create_default_sla_targets() -> list[SlaTarget]:
    """The targets every new workspace starts with (``DEFAULT_TARGETS``)."""
    rows = [
        SlaTarget(priority=priority, first_response_minutes=first, resolution_minutes=resolve)
        for priority, (first, resolve) in DEFAULT_TARGETS.items()
    ]
    db.session.add_all(rows)
    db.session.flush()
    return rows


def sla_targets() -> dict[str, dict]:
    """{priority: {"first_response_minutes", "resolution_minutes", "hours"}} for every
    priority, the defaults standing in for priorities the workspace has no row for;
    ``hours`` is ``24x7`` or ``business`` (how the minutes count)."""
    stored = {row.priority: row for row in db.session.scalars(select(SlaTarget))}
    modes = hours.target_modes()
    targets = {}
    for priority in PRIORITIES:
        row = stored.get(priority)
        first, resolve = (
            (row.first_response_minutes, row.resolution_minutes)
            if row
            else DEFAULT_TARGETS[priority]
        )
        targets[priority] = {
            "first_response_minutes": first,
            "resolution_minutes": resolve,
            "hours": modes.get(priority, hours.DEFAULT_MODE),
        }
    return targets


def _minutes(value, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationFailed("Give a whole number of minutes.", field=field)
    if not 1 <= value <= MAX_TARGET_MINUTES:
        raise ValidationFailed(f"Give 1 to {MAX_TARGET_MINUTES} minutes.", field=field)
    return value


def set_sla_target(priority: str, *, values: dict) -> dict:
    """Change the targets of one priority (minutes and/or ``hours``: ``24x7`` or
    ``business``); tickets get them when opened or re-prioritised."""
    if priority not in PRIORITIES:
        raise NotFound(f"There is no priority {priority!r}; use {', '.join(PRIORITIES)}.")
    if not isinstance(values, dict):
        raise ValidationFailed("Send a JSON object.")
    unknown = set(values) - {"first_response_minutes", "resolution_minutes", "hours"}
    if unknown:
        raise ValidationFailed(f"Unknown properties: {', '.join(sorted(unknown))}.")
    current = sla_targets()[priority]
    before = dict(current)
    mode = hours.clean_mode(values.get("hours", current["hours"]))
    first = _minutes(
        values.get("first_response_minutes", current["first_response_minutes"]),
        "first_response_minutes",
    )
    resolve = _minutes(
        values.get("resolution_minutes", current["resolution_minutes"]), "resolution_minutes"
    )
    if resolve < first:
        raise ValidationFailed(
            "The resolution target cannot be shorter than the first-response target.",
            field="resolution_minutes",
        )
    row = db.session.scalar(select(SlaTarget).where(SlaTarget.priority == priority))
    if row is None:
        row = SlaTarget(priority=priority)
        db.session.add(row)
    row.first_response_minutes, row.resolution_minutes = first, resolve
    db.session.flush()
    hours.set_target_mode(priority, mode)
    after = {"first_response_minutes": first, "resolution_minutes": resolve, "hours": mode}
    changed = security_log.changes(before, after)
    if changed:
        security_log.record(
            "settings.sla_target_changed",
            target=f"{priority} priority",
            details={"changes": changed},
        )
    return after


def due_times(opened_at: dt.datetime, priority: str) -> tuple[dt.datetime, dt.datetime]:
    """(first response due, resolution due) of a ticket of ``priority`` opened at
    ``opened_at``, in calendar time or in business hours as the priority's target says."""
    target = sla_targets()[priority]
    first, resolve = target["first_response_minutes"], target["resolution_minutes"]
    if target["hours"] == "business":
        calendar = hours.business_calendar()
        try:
            return calendar.add(opened_at, first), calendar.add(opened_at, resolve)
        except (EmptyCalendar, OverflowError):
            raise ValidationFailed(
                f"The business hours are too few to ever reach the {priority} SLA target; "
                "an admin can widen the hours or shorten the target.",
                field="priority",
            ) from None
    return opened_at + dt.timedelta(minutes=first), opened_at + dt.timedelta(minutes=resolve)


# The rules of a ticket write ------------------------------------------------------------


def _iso(moment: dt.datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def apply_ticket_rules(record: Ticket | None, cleaned: dict, actor: User | None) -> None:
    """Complete a ticket write with its derived fields, or refuse it.

    - due times from the SLA target of the priority, counted from when the ticket was
      opened, in calendar time or business hours: on create and whenever the priority
      changes;
    - the first response is recorded when the ticket first leaves ``new`` (it cannot go
      back); resolving or closing needs a resolution and records when; reopening clears it;
    - a satisfaction rating is accepted only on a resolved or closed ticket;
    - ``sla_due_at`` is the next due time still to meet, ``sla_status`` running, met or
      missed (a due time passed before its response or resolution).
    """
    now = clock.now()

    def current(name: str):
        if name in cleaned:
            return cleaned[name]
        return None if record is None else getattr(record, name)

    opened_at = now if record is None else record.created_at
    status, priority = current("status"), current("priority")
    errors: dict[str, list[str]] = {}

    first_responded = None if record is None else record.first_responded_at
    resolved = None if record is None else record.resolved_at
    if status != "new" and first_responded is None:
        first_responded = now
    elif status == "new" and first_responded is not None:
        errors["status"] = ["A ticket that was answered cannot be new again."]
    if status in FINISHED_STATUSES:
        if not current("resolution"):
            errors["resolution"] = ["Say how the ticket was resolved."]
        if resolved is None:
            resolved = now
    else:
        resolved = None
        if current("satisfaction") is not None and "satisfaction" in cleaned:
            errors["satisfaction"] = ["Rate the ticket once it is resolved or closed."]
    if errors:
        raise ValidationFailed("Some fields are not valid.", errors=errors)

    if record is None or "priority" in cleaned:
        first_due, resolution_due = due_times(opened_at, priority)
    else:
        first_due, resolution_due = record.first_response_due_at, record.resolution_due_at

    missed = (first_responded or now) > first_due or (resolved or now) > resolution_due
    if first_responded is None:
        next_due = first_due
    elif resolved is None:
        next_due = resolution_due
    else:
        next_due = None
    cleaned.update(
        first_response_due_at=_iso(first_due),
        resolution_due_at=_iso(resolution_due),
        first_responded_at=_iso(first_responded),
        resolved_at=_iso(resolved),
        sla_due_at=_iso(next_due),
        sla_status="missed" if missed else ("met" if resolved else "running"),
    )


# The SLA overview -----------------------------------------------------------------------


def sla_overview(*, actor: User | None, at_risk_minutes: int = DEFAULT_AT_RISK_MINUTES) -> dict:
    """Open tickets ``actor`` may see, by SLA state: ``breached`` (a due time has passed),
    ``at_risk`` (due within ``at_risk_minutes``) and ``on_track``; one query."""
    if isinstance(at_risk_minutes, bool) or not 1 <= at_risk_minutes <= MAX_TARGET_MINUTES:
        raise ValidationFailed(f"Give 1 to {MAX_TARGET_MINUTES} minutes.", field="at_risk_minutes")
    rights = require_right(actor, "tickets", "read", "tickets")
    now = clock.now()
    soon = now + dt.timedelta(minutes=at_risk_minutes)
    query = select(Ticket.sla_due_at).where(
        Ticket.deleted_at.is_(None), Ticket.sla_due_at.is_not(None)
    )
    condition = visibility_condition(Ticket, actor, rights["visibility"])
    if condition is not None:
        query = query.where(condition)
    counts = {"breached": 0, "at_risk": 0, "on_track": 0}
    for due in db.session.scalars(query):
        if due < now:
            counts["breached"] += 1
        elif due < soon:
            counts["at_risk"] += 1
        else:
            counts["on_track"] += 1
    return counts | {"at_risk_minutes": at_risk_minutes}
