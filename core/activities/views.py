"""The activity timeline of every record page, and its quick form: log a call, add a note
or add a task on the record being looked at.

The timeline is read through ``record_timeline`` with the signed-in user, so it shows only
the activities they may see and the changes to fields they may see. The quick form creates
an activity through the record services, which check rights, the related record and
mentions; a refusal re-renders the record page with the messages and writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import Blueprint, flash, g, redirect, request, url_for
from flask_login import current_user
from markupsafe import Markup, escape

from core.activities.services import MENTION, record_timeline
from core.objects import forms
from core.objects.permissions import rights_of
from core.objects.records import create_record, get_record
from core.objects.registry import ObjectSpec, object_for_tenant
from saas.auth import services as accounts
from saas.errors import Forbidden, NotFound, UserError
from saas.i18n import _, _l
from saas.web import member_required

bp = Blueprint("activities", __name__)

TIMELINE_PAGE = 25
TIMELINE_PANEL = "activities.timeline"
QUICK_TYPES = {"call": _l("Log a call"), "note": _l("Add a note"), "task": _l("Add a task")}
QUICK_FIELDS = ("type", "subject", "body", "due_at")
DONE_MESSAGES = {"call": _l("Call logged"), "note": _l("Note added"), "task": _l("Task added")}
SUBJECT_FROM_BODY = 80
# Each kind of activity named as a person reads it on a timeline or the home page.
TYPE_LABELS = {
    "call": _l("Call"),
    "meeting": _l("Meeting"),
    "email": _l("E-mail"),
    "task": _l("Task"),
    "note": _l("Note"),
}


@dataclass
class Timeline:
    items: list[dict]
    next_cursor: str | None
    users: dict[str, str]  # user id -> name
    by_email: dict[str, str] = field(default_factory=dict)  # e-mail -> name
    can_log: bool = False
    can_update: bool = False


def _users() -> tuple[dict[str, str], dict[str, str]]:
    users = accounts.list_users()
    return {str(u.id): u.name for u in users}, {u.email.lower(): u.name for u in users}


def load_timeline(obj: ObjectSpec, record_id, *, cursor: str | None = None) -> Timeline | None:
    """The record's timeline for the signed-in user; None when they may not read activities
    (the record page then leaves it out)."""
    if obj.api_name == "activities":
        return None
    rights = rights_of(current_user.role, "activities")
    if not rights["read"]:
        return None
    items, next_cursor = record_timeline(
        obj.api_name, record_id, actor=current_user, limit=TIMELINE_PAGE, cursor=cursor
    )
    names, by_email = _users()
    for item in items:
        if item["type"] == "change":
            item["labels"] = [
                obj.fields[name].label if name in obj.fields else name for name in item["changes"]
            ]
    return Timeline(
        items,
        next_cursor,
        names,
        by_email,
        can_log=rights["create"],
        can_update=rights["update"],
    )


@bp.app_template_global()
def activity_type_label(kind: str | None) -> str:
    """The name of a kind of activity ("call") in the reader's language."""
    return str(TYPE_LABELS[kind]) if kind in TYPE_LABELS else (kind or "").capitalize()


def timeline_panel(obj: ObjectSpec, record, args, state) -> dict | None:
    """The timeline as a panel of the record page (register_record_panels); ``state`` is
    the quick form refused by ``log_activity``, shown again with its messages."""
    timeline = load_timeline(obj, record.id, cursor=args.get("timeline") or None)
    if timeline is None:
        return None
    return {
        "timeline": timeline,
        "activity_form": state or {"raw": {"type": "call"}, "error": None},
        "quick_types": QUICK_TYPES,
        "activity_fields": object_for_tenant("activities").fields,
    }


def _zone():
    return forms.workspace_zone(g.tenant.settings if g.get("tenant") else None)


@bp.app_template_filter("with_mentions")
def with_mentions(text: str | None, by_email: dict[str, str]) -> Markup:
    """The text, escaped, with each @e-mail of a workspace user shown as @Name."""
    if not text:
        return Markup("")
    parts, last = [], 0
    for match in MENTION.finditer(text):
        name = by_email.get(match.group(1).lower())
        if name is None:
            continue
        parts.append(escape(text[last : match.start()]))
        parts.append(
            Markup('<span class="mention" title="{}">@{}</span>').format(match.group(1), name)
        )
        last = match.end()
    parts.append(escape(text[last:]))
    return Markup("").join(parts)


def _quick_fields() -> list:
    activity = object_for_tenant("activities")
    return [activity.fields[name] for name in QUICK_FIELDS]


def quick_values(form) -> tuple[dict, dict]:
    """The quick form's raw input (to show again) and the values for the record services."""
    fields = _quick_fields()
    raw = forms.raw_from_form(fields, form)
    if raw.get("type") not in QUICK_TYPES:
        raw["type"] = "note"
    if not raw.get("subject") and raw.get("body"):
        first_line = str(raw["body"]).strip().splitlines()[0] if str(raw["body"]).strip() else ""
        raw["subject"] = first_line[:SUBJECT_FROM_BODY]
    if raw["type"] != "task":
        raw["due_at"] = ""
    values = forms.service_values(fields, raw, _zone())
    # A call or a note is logged after the fact; a task is still to do.
    values["done"] = raw["type"] != "task"
    return raw, values


@bp.post("/o/<object_name>/<record_id>/activities")
@member_required
def log_activity(object_name: str, record_id: str):
    obj = object_for_tenant(object_name)
    if obj.api_name == "activities":
        raise NotFound(_("Activities have no timeline of their own."))
    record = get_record(obj.api_name, record_id, actor=current_user)
    raw, values = quick_values(request.form)
    values |= {"related_object": obj.api_name, "related_id": str(record.id)}
    try:
        activity = create_record("activities", values, actor=current_user)
    except UserError as error:
        if isinstance(error, Forbidden | NotFound):
            raise
        from core.objects.views import record_page

        return record_page(
            obj,
            record.id,
            panel_state={TIMELINE_PANEL: {"raw": raw, "error": error}},
            status=error.status,
        )
    flash(
        _("%(done)s: %(subject)s", done=DONE_MESSAGES[raw["type"]], subject=activity.subject),
        "success",
    )
    target = url_for("records.show", object_name=obj.api_name, record_id=record.id)
    return redirect(target + "#timeline", 303)
