"""Admin endpoints for the role rights on objects: /api/v1/permissions (nested in the
/api/v1 parent, which authenticates the token)."""

from __future__ import annotations

from flask import Blueprint, g, jsonify, request

from core.objects import permissions
from core.objects.registry import object_for_tenant, objects_for_tenant
from saas.auth.roles import ADMIN, ROLES
from saas.errors import Forbidden, ValidationFailed

bp = Blueprint("permissions", __name__)


def _require_admin() -> None:
    if g.api_user.role != ADMIN:
        raise Forbidden("Only admins can change teams and rights.")


def _json_body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ValidationFailed("Send a JSON object with Content-Type: application/json.")
    return body


def _rights_json(role: str, obj) -> dict:
    """A role's rights on an object, with ``fields``: the fields not editable for it
    ({field: "read_only" | "hidden"}; admins: none)."""
    fields = {}
    if role != ADMIN:
        fields = {
            name: level
            for name, level in permissions.field_access_of(role, obj).items()
            if level != "editable"
        }
    return {
        "role": role,
        "object": obj.api_name,
        **permissions.rights_of(role, obj.api_name),
        "fields": fields,
    }


@bp.route("/permissions", methods=["GET"])
def list_permissions():
    _require_admin()
    return jsonify(data=[_rights_json(role, obj) for obj in objects_for_tenant() for role in ROLES])


@bp.route("/permissions/<role>/<object_name>", methods=["GET"])
def get_permissions(role: str, object_name: str):
    _require_admin()
    if role not in ROLES:
        raise ValidationFailed(f"Choose a role: {', '.join(ROLES)}.", field="role")
    return jsonify(_rights_json(role, object_for_tenant(object_name)))


@bp.route("/permissions/<role>/<object_name>", methods=["PUT"])
def set_permissions(role: str, object_name: str):
    """Rights, and with ``fields`` the access to some fields: {field: "editable" |
    "read_only" | "hidden"} (fields left out keep theirs). All or nothing."""
    _require_admin()
    obj = object_for_tenant(object_name)
    rights = dict(_json_body())
    fields = rights.pop("fields", None)
    permissions.set_rights(role=role, object_name=obj.api_name, rights=rights)
    if fields is not None:
        permissions.set_field_access(role=role, obj=obj, access=fields)
        obj = object_for_tenant(object_name)
    return jsonify(_rights_json(role, obj))
