"""JSON endpoint for a record's timeline. Activities themselves use the generic record API."""

from __future__ import annotations

from flask import Blueprint, g, jsonify, request

from core.activities.services import record_timeline
from saas.errors import ValidationFailed

bp = Blueprint("activities", __name__)


@bp.route("/objects/<object_name>/<record_id>/timeline", methods=["GET"])
def timeline(object_name: str, record_id: str):
    try:
        limit = int(request.args.get("limit", 50))
    except ValueError:
        raise ValidationFailed("Give the limit as a number.", field="limit") from None
    items, next_cursor = record_timeline(
        object_name, record_id, actor=g.api_user, limit=limit, cursor=request.args.get("cursor")
    )
    return jsonify(data=items, next_cursor=next_cursor)
