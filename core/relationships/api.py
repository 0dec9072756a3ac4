"""JSON endpoints for relationship types (admins change them, everyone reads them) and a
party's relationships read from its side. Relationships themselves use the generic record
API (``/api/v1/objects/relationships``)."""

from __future__ import annotations

from flask import Blueprint, g, jsonify, request

from core.relationships import services
from core.relationships.models import RelationshipType
from saas.auth.roles import ADMIN
from saas.errors import Forbidden, ValidationFailed

# The template folder holds the panel a party's record page shows (see models.RELATIONSHIP).
bp = Blueprint("relationships", __name__, template_folder="templates")


def _require_admin() -> None:
    if g.api_user.role != ADMIN:
        raise Forbidden("Only admins can change relationship types.")


def _body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ValidationFailed("Send a JSON object with Content-Type: application/json.")
    return body


def _type_json(row: RelationshipType) -> dict:
    return {
        "id": str(row.id),
        "name": row.name,
        "category": row.category,
        "forward_label": row.forward_label,
        "reverse_label": row.reverse_label,
        "from_object": row.from_object,
        "to_object": row.to_object,
        "position": row.position,
    }


@bp.route("/relationship_types", methods=["GET"])
def list_types():
    return jsonify(data=[_type_json(row) for row in services.list_relationship_types()])


@bp.route("/relationship_types", methods=["POST"])
def create_type():
    _require_admin()
    return jsonify(_type_json(services.create_relationship_type(values=_body()))), 201


@bp.route("/relationship_types/<type_id>", methods=["PATCH"])
def update_type(type_id: str):
    _require_admin()
    return jsonify(_type_json(services.update_relationship_type(type_id, values=_body())))


@bp.route("/relationship_types/<type_id>", methods=["DELETE"])
def delete_type(type_id: str):
    _require_admin()
    services.delete_relationship_type(type_id)
    return "", 204


@bp.route("/objects/<object_name>/<record_id>/relationships", methods=["GET"])
def party_relationships(object_name: str, record_id: str):
    found = services.party_relationships(object_name, record_id, actor=g.api_user)
    return jsonify(
        data=[
            {
                "id": str(item.relationship.id),
                "type_id": str(item.type.id),
                "type": item.type.name,
                "direction": item.direction,
                "label": item.label,
                "other": {
                    "object": item.other_object,
                    "id": str(item.other_id),
                    "title": item.other_title,
                },
                "start_date": _date(item.relationship.start_date),
                "end_date": _date(item.relationship.end_date),
            }
            for item in found
        ]
    )


def _date(value) -> str | None:
    return None if value is None else value.isoformat()
