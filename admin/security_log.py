"""The tenant admin's security log page: entries newest first, filtered by event type,
actor, dates (in the workspace's time zone) and a text in the target or the actor's name,
paged by sequence number; the chain check; and exports of the filtered entries as CSV (for
a spreadsheet) or JSON lines (for a SIEM or a script that re-checks the chain), streamed a
page at a time and logged themselves."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

from flask import Blueprint, Response, current_app, g, render_template, request, url_for

from core.objects.forms import workspace_zone
from saas import security_log
from saas.auth import services as auth_services
from saas.csv_cells import safe_cell
from saas.db import db
from saas.errors import ValidationFailed
from saas.security_log import services
from saas.security_log.events import grouped_event_types, label_of
from saas.web import admin_required

bp = Blueprint("admin_security_log", __name__, url_prefix="/admin/security-log")

COLUMNS = ["seq", "at", "event", "actor", "target", "details", "ip", "user_agent", "hash"]


def _date(name: str, zone) -> dt.datetime | None:
    raw = (request.args.get(name) or "").strip()
    if not raw:
        return None
    try:
        day = dt.date.fromisoformat(raw)
    except ValueError:
        raise ValidationFailed("Give the date as YYYY-MM-DD.", field=name) from None
    if name == "to":
        day += dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(), zone).astimezone(dt.UTC)


def _filter() -> services.LogFilter:
    zone = workspace_zone(g.tenant.settings if g.get("tenant") else None)
    event = request.args.get("event", "").strip()
    return services.clean_filter(
        events=[event] if event else [],
        actor_id=request.args.get("actor", "").strip() or None,
        since=_date("from", zone),
        until=_date("to", zone),
        text=request.args.get("q"),
    )


def details_text(details: dict) -> str:
    """Before → after, readable: ``role: member → admin; count: 3``."""
    parts = []
    for key, value in (details or {}).items():
        if isinstance(value, dict) and set(value) <= {"from", "to"}:
            parts.append(f"{key}: {value.get('from')} → {value.get('to')}")
        elif key == "from" and "to" in details:
            parts.append(f"{details['from']} → {details['to']}")
        elif key == "to" and "from" in details:
            continue
        else:
            shown = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
            parts.append(f"{key}: {shown}")
    return "; ".join(parts)


@bp.route("/")
@admin_required
def index():
    error, rows, next_cursor = None, [], None
    try:
        log_filter = _filter()
        rows, next_cursor = services.list_entries(
            log_filter, cursor=services.parse_cursor(request.args.get("cursor"))
        )
    except ValidationFailed as failure:
        error = str(failure)
    return render_template(
        "admin/security_log.html",
        rows=rows,
        next_url=url_for(
            "admin_security_log.index", **(request.args.to_dict() | {"cursor": next_cursor})
        )
        if next_cursor
        else None,
        error=error,
        status=security_log.verify(),
        groups=grouped_event_types(),
        actors=auth_services.list_users(),
        label_of=label_of,
        details_text=details_text,
    )


def _logged_export(kind: str) -> tuple[services.LogFilter, int]:
    """The filter of an export and its size, after logging the export (committed before
    the first byte is sent, so an export is never read without its own entry)."""
    log_filter = _filter()
    count = services.check_export_size(log_filter)
    security_log.record(
        "security_log.exported",
        target=f"security log ({kind})",
        details={"entries": count, "filter": request.args.to_dict()},
    )
    db.session.commit()
    return log_filter, count


def _csv_line(entry: dict) -> str:
    out = io.StringIO()
    csv.writer(out).writerow(
        [
            safe_cell(
                json.dumps(entry[c], ensure_ascii=False)
                if c == "details"
                else ("" if entry[c] is None else str(entry[c]))
            )
            for c in COLUMNS
        ]
    )
    return out.getvalue()


def _download(lines, mimetype: str, filename: str) -> Response:
    return Response(
        lines,
        mimetype=mimetype,
        headers={"Content-Disposition": f"attachment; filename={filename}"},
    )


@bp.route("/export.csv")
@admin_required
def export_csv():
    log_filter, count = _logged_export("CSV")
    tenant_id, app = g.tenant.id, current_app._get_current_object()

    def generate():
        yield _csv_line(dict(zip(COLUMNS, COLUMNS, strict=True)))
        for entry in services.iter_export(log_filter, tenant_id, app=app, limit=count):
            yield _csv_line(entry)

    return _download(generate(), "text/csv", "security-log.csv")


@bp.route("/export.jsonl")
@admin_required
def export_jsonl():
    """One JSON object per line: the hashed fields and the hash of each entry, exactly as
    ``GET /api/v1/security-log`` gives them, so the chain can be re-checked offline."""
    log_filter, count = _logged_export("JSON lines")
    tenant_id, app = g.tenant.id, current_app._get_current_object()

    def generate():
        for entry in services.iter_export(log_filter, tenant_id, app=app, limit=count):
            yield json.dumps(entry, ensure_ascii=False, separators=(",", ":")) + "\n"

    return _download(generate(), "application/jsonl", "security-log.jsonl")
