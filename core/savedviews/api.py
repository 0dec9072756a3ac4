"""JSON endpoints for saved views: ``/api/v1/views``. A view is one flat JSON object:
``object``, ``name``, ``shared``, ``is_default``, ``filters``, ``sort``, ``columns``,
``board_field``."""

from __future__ import annotations

from flask import Blueprint, g, jsonify, request

from core.savedviews import services
from saas.errors import ValidationFailed

bp = Blueprint("saved_views", __name__)

SETUP_KEYS = ("filters", "sort", "columns", "board_field")
FLAGS = ("name", "shared", "is_default")


def _body() -> dict:
    body = request.get_json(silent=True) if request.data else {}
    if not isinstance(body, dict):
        raise ValidationFailed("Send a JSON object with Content-Type: application/json.")
    return body


def _check_known(body: dict, allowed: tuple) -> None:
    unknown = set(body) - set(allowed)
    if unknown:
        raise ValidationFailed(f"Unknown properties: {', '.join(sorted(unknown))}.")


@bp.get("/views")
def list_views():
    views = services.list_views(request.args.get("object") or None, actor=g.api_user)
    return jsonify(data=[services.view_to_api(view) for view in views])


@bp.post("/views")
def create_view():
    body = _body()
    _check_known(body, ("object", *FLAGS, *SETUP_KEYS))
    if not isinstance(body.get("object"), str):
        raise ValidationFailed("Name the object of the view.", field="object")
    view = services.create_view(
        body["object"],
        name=body.get("name"),
        shared=body.get("shared", False),
        is_default=body.get("is_default", False),
        setup={key: body[key] for key in SETUP_KEYS if key in body},
        actor=g.api_user,
    )
    return jsonify(services.view_to_api(view)), 201


@bp.get("/views/<view_id>")
def get_view(view_id: str):
    return jsonify(services.view_to_api(services.get_view(view_id, actor=g.api_user)))


@bp.patch("/views/<view_id>")
def update_view(view_id: str):
    body = _body()
    _check_known(body, (*FLAGS, *SETUP_KEYS))
    changes = {key: body[key] for key in FLAGS if key in body}
    if any(key in body for key in SETUP_KEYS):
        current = services.view_to_api(services.get_view(view_id, actor=g.api_user))
        changes["setup"] = {key: body.get(key, current[key]) for key in SETUP_KEYS}
    view = services.update_view(view_id, changes=changes, actor=g.api_user)
    return jsonify(services.view_to_api(view))


@bp.delete("/views/<view_id>")
def delete_view(view_id: str):
    services.delete_view(view_id, actor=g.api_user)
    return "", 204
