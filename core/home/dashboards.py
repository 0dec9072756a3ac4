"""The home page dashboards, one panel per way of working:

- the manager's (admins and managers): the default pipeline by stage, amount and weighted
  forecast, and the win rate;
- the salesperson's (everyone): their open deals, the tasks due to them and the latest
  activity they may see;
- the service agent's: their open tickets by SLA state. It appears only when a ``tickets``
  object is registered, so the home page works before, and without, the service module.

Every figure is read through the record services (or ``forecast_pipeline``) with the
signed-in user, so a panel counts and lists only what that person may see; a panel whose
object they may not read is left out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from flask_babel import format_percent

from core.objects.choices import picklist_choices
from core.objects.money import format_money
from core.objects.permissions import rights_of
from core.objects.records import Filter, list_records, to_api_many
from core.objects.registry import ObjectSpec, object_for_tenant, standard_objects
from saas import clock
from saas.auth.models import User
from saas.auth.roles import ADMIN, MANAGER
from saas.errors import NotFound, ValidationFailed
from saas.i18n import _, _l, ngettext

MANAGER_ROLES = (ADMIN, MANAGER)
LIST_SIZE = 8
TICKET_OBJECT = "tickets"
FINISHED_TICKET_STATUSES = ("resolved", "closed")
# The field that says whose a ticket is, first found: the owner is the assignee by default.
TICKET_ASSIGNEE_FIELDS = ("owner_id", "assignee_id", "assignee")
AT_RISK = dt.timedelta(hours=4)
MAX_SCANNED = 200  # records read to count a panel's buckets
# The buckets of the tasks and tickets charts, by key, with the label each bar shows.
TASK_BUCKETS = {
    "Overdue": _l("Overdue"),
    "Today": _l("Today"),
    "Next 7 days": _l("Next 7 days"),
    "Later": _l("Later"),
}
SLA_BUCKETS = {
    "Breached": _l("Breached"),
    "At risk": _l("At risk"),
    "On track": _l("On track"),
    "No due time": _l("No due time"),
}


@dataclass
class Bar:
    """One bar of a chart: its label, value, the text shown for the value, and a class."""

    label: str
    value: float
    text: str
    kind: str = ""
    url: str | None = None


@dataclass
class Panel:
    title: str
    figures: list[tuple[str, str]] = field(default_factory=list)
    bars: list[Bar] = field(default_factory=list)
    series: list[tuple[str, list[Bar]]] = field(default_factory=list)  # grouped bars
    rows: list[dict] = field(default_factory=list)
    more: bool = False
    empty: str = ""


def money(value) -> str:
    """An amount in the workspace's currency, without cents when round: $12,500 or
    $1,234.50."""
    amount = Decimal(str(value or 0))
    return format_money(amount, whole=amount == amount.to_integral_value())


def _readable(actor: User, object_name: str) -> bool:
    try:
        object_for_tenant(object_name)
    except NotFound:
        return False
    return bool(rights_of(actor.role, object_name)["read"])


# Manager ----------------------------------------------------------------------------------


def manager_panels(actor: User, *, pipeline_id=None) -> list[Panel] | None:
    """Pipeline by stage (count, amount, weighted) and the win rate of one pipeline."""
    from core.deals.services import forecast_pipeline

    if actor.role not in MANAGER_ROLES or not _readable(actor, "deals"):
        return None
    try:
        forecast = forecast_pipeline(pipeline_id=pipeline_id, actor=actor)
    except (NotFound, ValidationFailed):
        forecast = forecast_pipeline(actor=actor) if pipeline_id else None
    if forecast is None:
        return None
    open_stages = [s for s in forecast["stages"] if s["kind"] == "open"]
    totals = forecast["totals"]
    pipeline = Panel(
        title=_("Pipeline: %(name)s", name=forecast["pipeline"]["name"]),
        figures=[
            (_("Open deals"), str(totals["open"]["count"])),
            (_("Open amount"), money(totals["open"]["amount"])),
            (_("Weighted forecast"), money(totals["open"]["weighted_amount"])),
        ],
        series=[
            (
                stage["name"],
                [
                    Bar(
                        _("Amount"),
                        float(stage["amount"]),
                        ngettext(
                            "%(amount)s (%(num)d deal)",
                            "%(amount)s (%(num)d deals)",
                            stage["count"],
                            amount=money(stage["amount"]),
                        ),
                        "amount",
                    ),
                    Bar(
                        _("Weighted at %(probability)s%%", probability=stage["probability"]),
                        float(stage["weighted_amount"]),
                        money(stage["weighted_amount"]),
                        "weighted",
                    ),
                ],
            )
            for stage in open_stages
            if totals["open"]["count"]  # no open deal: a row of empty bars says nothing
        ],
        empty=(
            _("No stages yet.")
            if not open_stages
            else _("No open deal yet: the deals on the board show here by stage.")
            if not totals["open"]["count"]
            else ""
        ),
    )
    won, lost = totals["won"], totals["lost"]
    rate = forecast["win_rate"]
    win = Panel(
        title=_("Win rate"),
        figures=[
            (_("Win rate"), "—" if rate is None else format_percent(rate)),
            (_("Won"), f"{won['count']} · {money(won['amount'])}"),
            (_("Lost"), f"{lost['count']} · {money(lost['amount'])}"),
        ],
        bars=[
            Bar(_("Won"), won["count"], _("%(num)d won", num=won["count"]), "won"),
            Bar(_("Lost"), lost["count"], _("%(num)d lost", num=lost["count"]), "lost"),
        ],
        empty=_("No deal is closed yet: the win rate appears with the first won or lost deal.")
        if rate is None
        else "",
    )
    return [pipeline, win]


# Salesperson --------------------------------------------------------------------------------


def _list(object_name: str, actor: User, **options) -> tuple[list, bool] | None:
    """A page of records as the user sees them; None when a field the panel needs is hidden
    from them (the panel then does not apply)."""
    try:
        records, next_cursor = list_records(object_name, actor=actor, **options)
    except ValidationFailed:
        return None
    return records, next_cursor is not None


def _moments(obj: ObjectSpec, records: list, name: str | None, actor: User) -> list:
    """The date-time field ``name`` of each record (None when empty or hidden)."""
    if name is None:
        return [None] * len(records)
    rows = to_api_many(obj, records, role=actor.role, fields=[name])
    return [
        dt.datetime.fromisoformat(row[name].replace("Z", "+00:00")) if row.get(name) else None
        for row in rows
    ]


def _rows(obj: ObjectSpec, records: list, actor: User) -> list[dict]:
    rows = to_api_many(obj, records, role=actor.role)
    for record, row in zip(records, rows, strict=True):
        row["_title"] = obj.title(record) or _("(no name)")
    return rows


def my_open_deals(actor: User) -> Panel | None:
    """The user's open deals by close date, and how many per stage."""
    from core.deals.services import list_stages

    if not _readable(actor, "deals"):
        return None
    obj = object_for_tenant("deals")
    found = _list(
        "deals",
        actor,
        filters=[Filter("owner_id", "eq", str(actor.id)), Filter("status", "eq", "open")],
        sort="close_date",
        limit=MAX_SCANNED,
    )
    if found is None:
        return None
    records, more = found
    stage_names: dict[str, str] = {}
    counts: dict[str, int] = {}
    for record in records:
        key = str(record.stage_id)
        if key not in stage_names:
            stage_names |= {str(s.id): s.name for s in list_stages(record.pipeline_id)}
        counts[key] = counts.get(key, 0) + 1
    total = sum(Decimal(str(r.amount or 0)) for r in records)
    return Panel(
        title=_("My open deals"),
        figures=[
            (_("Open deals"), f"{len(records)}{'+' if more else ''}"),
            (_("Amount"), money(total)),
        ],
        bars=[
            Bar(stage_names.get(key) or _("No stage"), count, str(count), "amount")
            for key, count in counts.items()
        ],
        rows=_rows(obj, records[:LIST_SIZE], actor),
        more=len(records) > LIST_SIZE or more,
        empty=_("You have no open deal."),
    )


def tasks_due(actor: User, *, now: dt.datetime | None = None) -> Panel | None:
    """The user's open tasks with a due time: overdue, today, the next 7 days, later."""
    if not _readable(actor, "activities"):
        return None
    now = now or clock.now()
    obj = object_for_tenant("activities")
    found = _list(
        "activities",
        actor,
        filters=[
            Filter("type", "eq", "task"),
            Filter("done", "eq", "false"),
            Filter("assignee_id", "eq", str(actor.id)),
            Filter("due_at", "is_null", "false"),
        ],
        sort="due_at",
        limit=MAX_SCANNED,
    )
    if found is None:
        return None
    records, more = found
    dues = _moments(obj, records, "due_at", actor)
    end_of_today = now.replace(hour=23, minute=59, second=59)
    buckets = {"Overdue": 0, "Today": 0, "Next 7 days": 0, "Later": 0}
    for due in dues:
        if due is None:
            continue
        if due < now:
            buckets["Overdue"] += 1
        elif due <= end_of_today:
            buckets["Today"] += 1
        elif due <= now + dt.timedelta(days=7):
            buckets["Next 7 days"] += 1
        else:
            buckets["Later"] += 1
    kinds = {"Overdue": "late", "Today": "soon", "Next 7 days": "amount", "Later": "weighted"}
    rows = _rows(obj, records[:LIST_SIZE], actor)
    for due, row in zip(dues, rows, strict=False):
        row["_overdue"] = due is not None and due < now
    return Panel(
        title=_("Tasks due"),
        figures=[(_("Overdue"), str(buckets["Overdue"])), (_("Due today"), str(buckets["Today"]))],
        bars=[
            Bar(str(TASK_BUCKETS[key]), count, str(count), kinds[key])
            for key, count in buckets.items()
        ],
        rows=rows,
        more=len(records) > LIST_SIZE or more,
        empty=_("No task with a due date is waiting for you."),
    )


def recent_activity(actor: User) -> Panel | None:
    """The latest activities the user may see, newest first."""
    if not _readable(actor, "activities"):
        return None
    obj = object_for_tenant("activities")
    found = _list("activities", actor, sort="-created_at", limit=LIST_SIZE)
    if found is None:
        return None
    records, more = found
    return Panel(
        title=_("Recent activity"),
        rows=_rows(obj, records, actor),
        more=more,
        empty=_("No activity yet. Log calls and notes on the timeline of any record."),
    )


# Service agent ------------------------------------------------------------------------------


def service_object() -> ObjectSpec | None:
    """The tickets object, when one is registered (see the module docstring)."""
    spec = standard_objects().get(TICKET_OBJECT)
    return object_for_tenant(spec.api_name) if spec is not None else None


def my_tickets_by_sla(actor: User, *, now: dt.datetime | None = None) -> Panel | None:
    """The user's open tickets by SLA state: breached, at risk (due within 4 hours), on
    track, and without a due time; the most urgent listed first."""
    obj = service_object()
    if obj is None or not rights_of(actor.role, obj.api_name)["read"]:
        return None
    now = now or clock.now()
    assignee = next((name for name in TICKET_ASSIGNEE_FIELDS if name in obj.fields), None)
    if assignee is None:
        return None
    filters = [Filter(assignee, "eq", str(actor.id))]
    status = obj.fields.get("status")
    if status is not None and status.type == "picklist":
        open_statuses = [
            c.id for c in picklist_choices(status.options) if c.id not in FINISHED_TICKET_STATUSES
        ]
        filters.append(Filter("status", "in", ",".join(open_statuses)))
    due_field = "sla_due_at" if "sla_due_at" in obj.fields else None
    found = _list(obj.api_name, actor, filters=filters, sort=due_field, limit=MAX_SCANNED)
    if found is None:
        return None
    records, more = found
    if not records:
        # A workspace that has no ticket yet (a new one) gets no service card at all.
        anything = _list(obj.api_name, actor, limit=1)
        if anything is None or not anything[0]:
            return None
    dues = _moments(obj, records, due_field, actor)
    buckets = {"Breached": 0, "At risk": 0, "On track": 0, "No due time": 0}
    for due in dues:
        if due is None:
            buckets["No due time"] += 1
        elif due < now:
            buckets["Breached"] += 1
        elif due <= now + AT_RISK:
            buckets["At risk"] += 1
        else:
            buckets["On track"] += 1
    kinds = {"Breached": "late", "At risk": "soon", "On track": "amount", "No due time": "weighted"}
    rows = _rows(obj, records[:LIST_SIZE], actor)
    for due, row in zip(dues, rows, strict=False):
        row["_breached"] = due is not None and due < now
    return Panel(
        title=_("My open tickets by SLA"),
        figures=[
            (_("Open tickets"), f"{len(records)}{'+' if more else ''}"),
            (_("Breached"), str(buckets["Breached"])),
            (_("At risk"), str(buckets["At risk"])),
        ],
        bars=[
            Bar(str(SLA_BUCKETS[key]), count, str(count), kinds[key])
            for key, count in buckets.items()
        ],
        rows=rows,
        more=len(records) > LIST_SIZE or more,
        empty=_("No open ticket is assigned to you."),
    )


# The panels as the home page draws them (register_dashboard_panels in core/home/hooks.py) --


def pipeline_dashboard(actor: User, args) -> dict | None:
    """The managers' pipeline and win rate, with the pipelines to choose from."""
    from core.deals.services import list_pipelines

    panels = manager_panels(actor, pipeline_id=args.get("pipeline"))
    if panels is None:
        return None
    pipeline, win = panels
    return {"pipeline": pipeline, "win": win, "pipelines": list_pipelines()}


def _as_context(panel: Panel | None, **more) -> dict | None:
    return None if panel is None else {"panel": panel, **more}


def deals_dashboard(actor: User) -> dict | None:
    return _as_context(my_open_deals(actor))


def tasks_dashboard(actor: User) -> dict | None:
    return _as_context(tasks_due(actor))


def recent_dashboard(actor: User) -> dict | None:
    return _as_context(recent_activity(actor))


def tickets_dashboard(actor: User) -> dict | None:
    panel = my_tickets_by_sla(actor)
    return None if panel is None else {"panel": panel, "service_object": service_object().api_name}
