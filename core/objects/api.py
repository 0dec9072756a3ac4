"""The generic REST API for every object: /api/v1/objects/{object}[/{id}] and the schema
endpoints. Written once; standard, plugin and custom objects all go through it."""

from __future__ import annotations

import re

from flask import Blueprint, current_app, g, jsonify, request, url_for

from core.objects import records as record_service
from core.objects import schema as schema_service
from core.objects.forms import section_of
from core.objects.openapi import tenant_openapi_json
from core.objects.records import Filter
from core.objects.registry import (
    ObjectSpec,
    object_for_tenant,
    objects_for_tenant,
)
from saas.auth.roles import ADMIN
from saas.db import db
from saas.errors import Forbidden, UserError, ValidationFailed
from tenants.scoping import require_tenant_id

bp = Blueprint("objects", __name__)

MAX_BULK = 200
_FILTER = re.compile(r"^filter\[([a-z][a-z0-9_]*)\](?:\[([a-z_]+)\])?$")


def filters_from_query(args) -> list[Filter]:
    """``filter[field]=v`` and ``filter[field][op]=v`` of a query string."""
    filters = []
    for key, value in args.items(multi=True):
        match = _FILTER.match(key)
        if match:
            filters.append(Filter(match.group(1), match.group(2) or "eq", value))
        elif key.startswith("filter"):
            raise ValidationFailed(f"Write filters as filter[field] or filter[field][op]: {key}")
    return filters


def _role() -> str:
    return g.api_user.role


def _body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ValidationFailed("Send a JSON object with Content-Type: application/json.")
    return body


def _fields_param() -> list[str] | None:
    raw = request.args.get("fields")
    return [name.strip() for name in raw.split(",") if name.strip()] if raw else None


def _expand(obj: ObjectSpec, rows: list[dict]) -> None:
    """Replace lookup ids named in ``expand=`` by the related records the reader may see."""
    raw = request.args.get("expand")
    if raw:
        names = [n.strip() for n in raw.split(",") if n.strip()]
        record_service.expand_lookups(obj, rows, names, actor=g.api_user)


def _with_etag(payload: dict, status: int = 200):
    warnings = record_service.record_warnings()
    if warnings:
        payload = payload | {"warnings": warnings}
    response = jsonify(payload)
    response.status_code = status
    response.headers["ETag"] = f'W/"{payload["version"]}"'
    return response


def _if_match():
    """The version the client last read: If-Match (an ETag of ours), else the body's
    ``version``; None when it sets neither, or sends ``If-Match: *`` (any version)."""
    header = (request.headers.get("If-Match") or "").strip()
    if header == "*":
        return None
    if header:
        return header.removeprefix("W/").strip('"')
    body = request.get_json(silent=True)
    if isinstance(body, dict) and "version" in body:
        return body["version"]
    return None


@bp.route("/objects/<object_name>", methods=["GET"])
def list_objects(object_name: str):
    obj = object_for_tenant(object_name)
    filters = filters_from_query(request.args)
    try:
        limit = int(request.args.get("limit", record_service.DEFAULT_PAGE_SIZE))
    except ValueError:
        raise ValidationFailed("Give the limit as a number.", field="limit") from None
    records, next_cursor = record_service.list_records(
        obj.api_name,
        filters=filters,
        sort=request.args.get("sort"),
        limit=limit,
        cursor=request.args.get("cursor"),
        deleted=request.args.get("deleted") == "true",
        actor=g.api_user,
    )
    rows = record_service.to_api_many(obj, records, role=_role(), fields=_fields_param())
    _expand(obj, rows)
    return jsonify(data=rows, next_cursor=next_cursor)


@bp.route("/objects/<object_name>", methods=["POST"])
def create_object(object_name: str):
    obj = object_for_tenant(object_name)
    record = record_service.create_record(obj.api_name, _body(), actor=g.api_user)
    response = _with_etag(record_service.to_api(obj, record, role=_role()), 201)
    response.headers["Location"] = url_for(
        "api.objects.get_object", object_name=obj.api_name, record_id=record.id
    )
    return response


@bp.route("/objects/<object_name>/bulk", methods=["POST"])
def bulk_objects(object_name: str):
    """Create (no ``id``) or update (with ``id``) up to 200 records: all or nothing."""
    obj = object_for_tenant(object_name)
    items = _body().get("records")
    if not isinstance(items, list) or not 1 <= len(items) <= MAX_BULK:
        raise ValidationFailed(f'Send 1 to {MAX_BULK} records as {{"records": [...]}}.')
    results, errors = [], {}
    for index, item in enumerate(items):
        try:
            if not isinstance(item, dict):
                raise ValidationFailed("Send each record as a JSON object.")
            values = {k: v for k, v in item.items() if k != "id"}
            if item.get("id"):
                record = record_service.update_record(
                    obj.api_name,
                    item["id"],
                    values,
                    actor=g.api_user,
                    expected_version=item.get("version"),
                )
            else:
                record = record_service.create_record(obj.api_name, values, actor=g.api_user)
            results.append(record)
        except UserError as exc:
            errors[str(index)] = exc.errors or {"_": [exc.message]}
    if errors:
        db.session.rollback()
        return jsonify(
            error="validation_failed",
            message="No record was written: some are not valid.",
            records=errors,
        ), 422
    rows = record_service.to_api_many(obj, results, role=_role())
    return jsonify(data=rows), 200


@bp.route("/objects/<object_name>/<record_id>", methods=["GET"])
def get_object(object_name: str, record_id: str):
    obj = object_for_tenant(object_name)
    record = record_service.get_record(obj.api_name, record_id, actor=g.api_user)
    row = record_service.to_api(obj, record, role=_role(), fields=_fields_param())
    _expand(obj, [row])
    return _with_etag(row)


@bp.route("/objects/<object_name>/<record_id>", methods=["PATCH"])
def update_object(object_name: str, record_id: str):
    obj = object_for_tenant(object_name)
    expected_version = _if_match()
    body = {key: value for key, value in _body().items() if key != "version"}
    record = record_service.update_record(
        obj.api_name, record_id, body, actor=g.api_user, expected_version=expected_version
    )
    return _with_etag(record_service.to_api(obj, record, role=_role()))


@bp.route("/objects/<object_name>/<record_id>", methods=["DELETE"])
def delete_object(object_name: str, record_id: str):
    obj = object_for_tenant(object_name)
    record_service.delete_record(obj.api_name, record_id, actor=g.api_user)
    return "", 204


@bp.route("/objects/<object_name>/<record_id>/restore", methods=["POST"])
def restore_object(object_name: str, record_id: str):
    obj = object_for_tenant(object_name)
    record = record_service.restore_record(obj.api_name, record_id, actor=g.api_user)
    return _with_etag(record_service.to_api(obj, record, role=_role()))


@bp.route("/objects/<object_name>/<record_id>/history", methods=["GET"])
def object_history(object_name: str, record_id: str):
    obj = object_for_tenant(object_name)
    hidden = record_service.hidden_fields(obj, _role())
    entries = record_service.record_history(obj.api_name, record_id, actor=g.api_user)
    return jsonify(
        data=[
            {
                "action": entry.action,
                "at": entry.at.isoformat().replace("+00:00", "Z"),
                "actor_id": str(entry.actor_id) if entry.actor_id else None,
                "changes": {k: v for k, v in entry.changes.items() if k not in hidden},
            }
            for entry in entries
        ]
    )


# Schema --------------------------------------------------------------------------------


def _require_admin() -> None:
    if g.api_user.role != ADMIN:
        raise Forbidden("Only admins can change the schema.")


def _field_json(spec) -> dict:
    return {
        "name": spec.api_name,
        "label": spec.label,
        "type": spec.type,
        "options": spec.options,
        "required": spec.required,
        "unique": spec.unique,
        "default": spec.default,
        "help_text": spec.help_text,
        "filterable": spec.sort_column is not None,
        "read_only": spec.read_only,
        "custom": spec.custom,
        "access": spec.access,
        "section": section_of(spec),
    }


def _object_json(obj: ObjectSpec) -> dict:
    return {
        "name": obj.api_name,
        "label": obj.label,
        "label_plural": obj.label_plural,
        "custom": not obj.standard,
        "fields_url": url_for("api.objects.schema_fields", object_name=obj.api_name),
    }


@bp.route("/schema/objects", methods=["GET"])
def schema_objects():
    return jsonify(data=[_object_json(obj) for obj in objects_for_tenant()])


@bp.route("/schema/objects", methods=["POST"])
def schema_create_object():
    _require_admin()
    body = _body()
    definition = schema_service.create_custom_object(
        name=body.get("name"),
        label=body.get("label"),
        label_plural=body.get("label_plural"),
        description=body.get("description"),
    )
    return jsonify(_object_json(object_for_tenant(definition.api_name))), 201


@bp.route("/schema/objects/<object_name>/fields", methods=["GET"])
def schema_fields(object_name: str):
    obj = object_for_tenant(object_name)
    hidden = record_service.hidden_fields(obj, _role())
    return jsonify(
        data=[_field_json(spec) for name, spec in obj.fields.items() if name not in hidden]
    )


@bp.route("/schema/objects/<object_name>/fields", methods=["POST"])
def schema_add_field(object_name: str):
    _require_admin()
    body = _body()
    known = set(schema_service.ADDABLE)
    unknown = set(body) - known
    if unknown:
        raise ValidationFailed(f"Unknown properties: {', '.join(sorted(unknown))}.")
    options = {key: body[key] for key in known - {"name", "label", "type"} if key in body}
    definition = schema_service.add_field(
        object_name,
        name=body.get("name"),
        label=body.get("label"),
        type=body.get("type"),
        **options,
    )
    obj = object_for_tenant(object_name)
    return jsonify(_field_json(obj.fields[definition.api_name])), 201


@bp.route("/schema/objects/<object_name>/fields/<field_name>", methods=["PATCH"])
def schema_update_field(object_name: str, field_name: str):
    _require_admin()
    preview = request.args.get("preview") == "true"
    definition, report = schema_service.update_field(
        object_name, field_name, changes=_body(), preview=preview, actor=g.api_user
    )
    if preview:
        return jsonify(preview=report)
    obj = object_for_tenant(object_name)
    return jsonify(_field_json(obj.fields[definition.api_name]) | {"conversion": report})


@bp.route("/schema/objects/<object_name>/fields/<field_name>", methods=["DELETE"])
def schema_retire_field(object_name: str, field_name: str):
    _require_admin()
    schema_service.retire_field(object_name, field_name)
    return "", 204


@bp.route("/schema/objects/<object_name>/fields/order", methods=["PUT"])
def schema_reorder_fields(object_name: str):
    _require_admin()
    schema_service.reorder_fields(object_name, _body().get("order"))
    return jsonify(data=[_field_json(s) for s in object_for_tenant(object_name).fields.values()])


@bp.route("/openapi.json")
def openapi():
    """The tenant's document for the token's role, from the app's cache while the tenant's
    schema version is unchanged (ETag: a matching If-None-Match gets a 304)."""
    etag, body = tenant_openapi_json(role=_role(), tenant_id=require_tenant_id())
    response = current_app.response_class(body, mimetype="application/json")
    response.set_etag(etag)
    return response.make_conditional(request)
