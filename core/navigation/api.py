"""``/api/v1/navigation``: every role's top bar (GET, anyone with a token) and changing it
(PUT, admins): ``{"roles": {"member": [{"object": "deals", "opens": "board"}, ...]}}``; a
role set to null goes back to the defaults, roles left out keep theirs."""

from __future__ import annotations

from flask import Blueprint, g, jsonify, request

from core.navigation import services
from saas.auth.roles import ADMIN
from saas.errors import Forbidden, ValidationFailed

bp = Blueprint("navigation", __name__)


def navigation_to_api() -> dict:
    return {
        "roles": {
            role: {
                "configured": services.is_configured(role),
                "items": [item.to_api() for item in items],
            }
            for role, items in services.all_settings().items()
        }
    }


@bp.get("/navigation")
def get_navigation():
    return jsonify(navigation_to_api())


@bp.put("/navigation")
def put_navigation():
    if g.api_user.role != ADMIN:
        raise Forbidden("Only admins can change the navigation.")
    body = request.get_json(silent=True) if request.data else None
    if not isinstance(body, dict):
        raise ValidationFailed("Send a JSON object with Content-Type: application/json.")
    unknown = set(body) - {"roles"}
    if unknown:
        raise ValidationFailed(f"Unknown properties: {', '.join(sorted(map(str, unknown)))}.")
    services.set_roles(body.get("roles"))
    return jsonify(navigation_to_api())
