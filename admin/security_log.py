"""The tenant admin's security log page: entries newest first, filtered by event type,
actor and dates (in the workspace's time zone), paged by sequence number; the chain
check; and a CSV export of the filtered entries (itself logged)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

from flask import Blueprint, Response, g, render_template, request, url_for

from core.objects.forms import workspace_zone
from saas import security_log
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
        label_of=label_of,
        details_text=details_text,
    )


@bp.route("/export.csv")
@admin_required
def export_csv():
    log_filter = _filter()
    rows = services.export_entries(log_filter)
    security_log.record(
        "security_log.exported",
        target="security log (CSV)",
        details={"entries": len(rows), "filter": request.args.to_dict()},
    )
    db.session.commit()
    fields = [services.export_fields(row) for row in rows]

    def generate():
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        for entry in fields:
            writer.writerow(
                [
                    safe_cell(
                        json.dumps(entry[c], ensure_ascii=False)
                        if c == "details"
                        else ("" if entry[c] is None else str(entry[c]))
                    )
                    for c in COLUMNS
                ]
            )
            yield out.getvalue()
            out.seek(0)
            out.truncate()
        if not fields:
            yield out.getvalue()

    return Response(
        generate(),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=security-log.csv"},
    )
