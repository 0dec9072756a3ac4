"""The security log over the API: /api/v1/security-log (a page of entries, newest first,
with their hashes so anyone can re-check the chain) and /api/v1/security-log/verify."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, g, jsonify, request

from saas.auth.roles import ADMIN
from saas.errors import Forbidden, ValidationFailed
from saas.security_log import services

bp = Blueprint("security_log", __name__)


def _require_admin() -> None:
    if g.api_user.role != ADMIN:
        raise Forbidden("Only admins can read the security log.")


def _moment(name: str) -> dt.datetime | None:
    """An ISO 8601 date-time from the query (without an offset: UTC), or ValidationFailed."""
    raw = (request.args.get(name) or "").strip()
    if not raw:
        return None
    try:
        value = dt.datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise ValidationFailed(
            f"Give {name} as an ISO 8601 date-time, e.g. 2026-12-01T00:00:00Z.", field=name
        ) from None
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _limit() -> int:
    raw = request.args.get("limit", "").strip()
    if not raw:
        return services.PAGE_SIZE
    if not raw.isdigit():
        raise ValidationFailed(f"Give a limit from 1 to {services.MAX_PAGE_SIZE}.", field="limit")
    return int(raw)


@bp.route("/security-log", methods=["GET"])
def list_entries():
    _require_admin()
    log_filter = services.clean_filter(
        events=request.args.getlist("event"),
        actor_id=request.args.get("actor"),
        since=_moment("from"),
        until=_moment("to"),
        text=request.args.get("q"),
    )
    rows, next_cursor = services.list_entries(
        log_filter, cursor=services.parse_cursor(request.args.get("cursor")), limit=_limit()
    )
    return jsonify(data=[services.export_fields(row) for row in rows], next_cursor=next_cursor)


@bp.route("/security-log/verify", methods=["GET"])
def verify_chain():
    _require_admin()
    kept = request.args.get("head")
    status = services.verify(expected_head=services.parse_head(kept) if kept else None)
    return jsonify(status.as_json())
