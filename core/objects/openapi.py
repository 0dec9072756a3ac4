"""The OpenAPI 3.1 description of a tenant's API, generated from the registry, so that
custom fields and custom objects appear in it exactly as the API accepts them."""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict

from flask import current_app

from core.objects.records import OPERATORS, hidden_fields, read_only_fields
from core.objects.registry import ObjectSpec, active_manager, objects_for_tenant, registry_for
from tenants.schema_version import schema_cache, schema_version

_ERROR = {
    "type": "object",
    "required": ["error", "message"],
    "properties": {
        "error": {"type": "string"},
        "message": {"type": "string"},
        "fields": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
}


def _record_schema(obj: ObjectSpec, role: str | None, *, for_input: bool) -> dict:
    hidden, locked = hidden_fields(obj, role), read_only_fields(obj, role)
    properties: dict = {}
    if not for_input:
        properties.update(
            {
                "id": {"type": "string", "format": "uuid", "readOnly": True},
                "object": {"type": "string", "const": obj.api_name},
                "version": {"type": "integer"},
                "created_at": {"type": "string", "format": "date-time"},
                "updated_at": {"type": "string", "format": "date-time"},
            }
        )
    required = []
    for name, spec in obj.fields.items():
        if name in hidden or (for_input and name in locked):
            continue
        schema = dict(spec.field_type.json_schema(spec.options))
        schema["title"] = spec.label
        if spec.help_text:
            schema["description"] = spec.help_text
        if not spec.required or spec.read_only:
            schema = {"anyOf": [schema, {"type": "null"}], "title": spec.label}
        properties[name] = schema
        if spec.required and for_input:
            required.append(name)
    for name, child in obj.children.items():
        properties[name] = {
            "type": "array",
            "title": child.label,
            "items": child.json_schema,
            "description": "The whole list: on create and update, it replaces the stored one.",
        }
    if not for_input and obj.children:
        properties["warnings"] = {
            "type": "array",
            "items": {"type": "string"},
            "description": "Only in the answer to a write that went ahead with a warning.",
        }
    schema = {"type": "object", "properties": properties}
    if for_input:
        schema["additionalProperties"] = False
        if required:
            schema["x-required-on-create"] = required
    else:
        schema["required"] = ["id", "object", "version"]
    return schema


ID_PARAM = {
    "name": "id",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "format": "uuid"},
}
FIELDS_PARAM = {
    "name": "fields",
    "in": "query",
    "schema": {"type": "string"},
    "description": "Comma-separated field names: answer only these.",
}
EXPAND_PARAM = {
    "name": "expand",
    "in": "query",
    "schema": {"type": "string"},
    "description": "Comma-separated lookup fields to replace by the related records.",
}
ETAG_HEADER = {"ETag": {"schema": {"type": "string"}, "description": 'W/"<version>"'}}
LOCATION_HEADER = {"Location": {"schema": {"type": "string"}, "description": "The record's URL"}}


def filter_params(filterable: list[str]) -> list[dict]:
    """``filter[field]`` and ``filter[field][op]`` for the fields a role may filter on."""
    return [
        {
            "name": f"filter[{field}][{op}]" if op != "eq" else f"filter[{field}]",
            "in": "query",
            "required": False,
            "schema": {"type": "string"},
        }
        for field in filterable
        for op in OPERATORS
    ]


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict) -> dict:
    return {"content": {"application/json": {"schema": schema}}}


def _errors(*codes: int) -> dict:
    text = {
        400: "Bad request: a NUL character, a body that is not JSON, or a parameter the "
        "endpoint cannot use",
        401: "Missing or bad token",
        402: "The workspace is read-only (billing), or its plan does not include this "
        "(not_in_plan): nothing was changed",
        403: "Not allowed",
        404: "Not found",
        409: "Conflict",
        412: "Changed since read",
        413: "The request body is larger than the server accepts",
        422: "Invalid input",
        429: "Over the plan's API requests per minute: wait Retry-After seconds",
    }
    return {str(code): {"description": text[code], **_json(_ref("Error"))} for code in codes}


def _object_paths(obj: ObjectSpec, role: str | None) -> dict:
    """The record endpoints of one object: list, create, read, update, delete."""
    name = obj.api_name
    filterable = [
        field
        for field, spec in obj.fields.items()
        if spec.sort_column and field not in hidden_fields(obj, role)
    ]
    list_params = [
        {
            "name": "sort",
            "in": "query",
            "schema": {"type": "string"},
            "description": f"One of {', '.join(filterable)}; prefix with - for descending.",
        },
        {
            "name": "limit",
            "in": "query",
            "schema": {"type": "integer", "minimum": 1, "maximum": 200, "default": 50},
        },
        {"name": "cursor", "in": "query", "schema": {"type": "string"}},
        FIELDS_PARAM,
        EXPAND_PARAM,
        {"name": "deleted", "in": "query", "schema": {"type": "boolean"}},
    ] + filter_params(filterable)
    page = {
        "type": "object",
        "properties": {
            "data": {"type": "array", "items": _ref(name)},
            "next_cursor": {"type": ["string", "null"]},
        },
        "required": ["data", "next_cursor"],
    }
    label, tags = obj.label.lower(), [obj.label_plural]
    return {
        f"/api/v1/objects/{name}": {
            "get": {
                "operationId": f"list_{name}",
                "summary": f"List {obj.label_plural.lower()}",
                "tags": tags,
                "parameters": list_params,
                "responses": {
                    "200": {"description": "A page", **_json(page)},
                    **_errors(401, 403, 404, 422),
                },
            },
            "post": {
                "operationId": f"create_{name}",
                "summary": f"Create a {label}",
                "tags": tags,
                "requestBody": {"required": True, **_json(_ref(f"{name}_input"))},
                "responses": {
                    "201": {
                        "description": "Created",
                        "headers": {**ETAG_HEADER, **LOCATION_HEADER},
                        **_json(_ref(name)),
                    },
                    **_errors(401, 403, 404, 409, 422),
                },
            },
        },
        f"/api/v1/objects/{name}/{{id}}": {
            "get": {
                "operationId": f"get_{name}",
                "summary": f"One {label}",
                "tags": tags,
                "parameters": [ID_PARAM, FIELDS_PARAM, EXPAND_PARAM],
                "responses": {
                    "200": {
                        "description": "The record",
                        "headers": ETAG_HEADER,
                        **_json(_ref(name)),
                    },
                    **_errors(401, 403, 404, 422),
                },
            },
            "patch": {
                "operationId": f"update_{name}",
                "summary": f"Change the given fields of a {label}",
                "tags": tags,
                "parameters": [
                    ID_PARAM,
                    {
                        "name": "If-Match",
                        "in": "header",
                        "schema": {"type": "string"},
                        "description": 'W/"<version>" as read: 412 when the record changed since.',
                    },
                ],
                "requestBody": {"required": True, **_json(_ref(f"{name}_input"))},
                "responses": {
                    "200": {"description": "Updated", "headers": ETAG_HEADER, **_json(_ref(name))},
                    **_errors(401, 403, 404, 409, 412, 422),
                },
            },
            "delete": {
                "operationId": f"delete_{name}",
                "summary": f"Move a {label} to the recycle bin",
                "tags": tags,
                "parameters": [ID_PARAM],
                "responses": {
                    "204": {"description": "Moved to the recycle bin"},
                    **_errors(401, 403, 404),
                },
            },
        },
    }


def _contributions(pm, objects: list[ObjectSpec], role: str | None) -> list[tuple[dict, dict]]:
    """The (paths, component schemas) pairs every hook contributes
    (``register_openapi_paths``), built with this document's helpers, core first."""
    contributed = pm.hook.register_openapi_paths(
        objects=objects, role=role, json=_json, ref=_ref, errors=_errors
    )
    pairs = []
    for items in reversed(contributed):
        for pair in items or ():
            if not (isinstance(pair, tuple) and len(pair) == 2):
                raise TypeError(
                    f"register_openapi_paths must return (paths, schemas), got {pair!r}"
                )
            pairs.append(pair)
    return pairs


def _refuse_writes_when_read_only(paths: dict) -> None:
    """Every change answers 402 in a read-only workspace (saas.billing): say so once here."""
    for item in paths.values():
        for method, operation in item.items():
            if method in ("post", "put", "patch", "delete"):
                operation["responses"].setdefault("402", _errors(402)["402"])


def _token_and_plan_limits(paths: dict) -> None:
    """Any operation can meet the plan's rate limit (429) or a plan without the API or the
    feature (402), and a change a read-only token (403): said once here (saas.api,
    saas.ratelimit, saas.billing.features)."""
    for item in paths.values():
        for method, operation in item.items():
            operation["responses"].setdefault("429", _errors(429)["429"])
            operation["responses"].setdefault("402", _errors(402)["402"])
            if method in ("post", "put", "patch", "delete"):
                operation["responses"].setdefault("403", _errors(403)["403"])


def _common_errors(paths: dict) -> None:
    """What any operation may answer, whatever it does: 400 for input refused at the request
    boundary (a NUL character, a body that is not JSON; saas.request_guards), 401 without a
    valid token, and 413 for a body over the size limit. Runs last: it sorts the statuses."""
    for item in paths.values():
        for operation in item.values():
            responses = operation["responses"]
            codes = [400, 401] + ([413] if "requestBody" in operation else [])
            for code in codes:
                responses.setdefault(str(code), _errors(code)[str(code)])
            operation["responses"] = dict(sorted(responses.items()))


def openapi_document(objects: list[ObjectSpec], *, role: str | None, pm=None) -> dict:
    """The whole API: the record endpoints of every object (with its fields as ``role``
    sees them) and every other endpoint under /api/v1, each described by the hook of the
    area (or plugin) that serves it. ``pm``: the plugin manager (default: the app's)."""
    paths: dict = {}
    schemas: dict = {"Error": _ERROR}
    for obj in objects:
        schemas[obj.api_name] = _record_schema(obj, role, for_input=False)
        schemas[f"{obj.api_name}_input"] = _record_schema(obj, role, for_input=True)
        paths |= _object_paths(obj, role)
    for more_paths, more_schemas in _contributions(pm or active_manager(), objects, role):
        clashes = (set(more_paths) & set(paths)) | (set(more_schemas) & set(schemas))
        assert not clashes, f"described twice: {sorted(clashes)}"
        paths |= more_paths
        schemas |= more_schemas
    _refuse_writes_when_read_only(paths)
    _token_and_plan_limits(paths)
    _common_errors(paths)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Trellis CRM API",
            "version": "1",
            "description": "Every endpoint under /api/v1, as the token's role sees them: "
            "fields hidden from the role are absent. Endpoints marked *Admins only* answer "
            "403 to other roles. See docs/api.md.",
        },
        "components": {
            "schemas": schemas,
            "securitySchemes": {"token": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"token": []}],
        "paths": dict(sorted(paths.items())),
    }


# Built documents kept per app: (tenant, role, metadata fingerprint) -> (etag, JSON bytes).
# About 0.5 MB each; the oldest goes first.
DOCUMENT_CACHE_SIZE = 32
_CACHE_LOCK = threading.Lock()


def metadata_fingerprint(objects: list[ObjectSpec], role: str | None) -> str:
    """A digest of everything the document is built from: the objects as the tenant has them
    (labels, fields with their options and access, children) and the role. A custom field,
    a custom object, a label or a field's access changing changes it."""
    # The enabled plugins describe endpoints of their own (register_openapi_paths).
    parts: list = [role, sorted(getattr(active_manager(), "enabled", ()))]
    for obj in objects:
        children = [(n, c.label, c.json_schema) for n, c in obj.children.items()]
        parts.append(
            (obj.api_name, obj.label, obj.label_plural, obj.standard, obj.owner)
            + (str(obj.custom_object_id), tuple(obj.fields.values()), children)
        )
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


def openapi_json(objects: list[ObjectSpec], *, role: str | None, tenant_id) -> tuple[str, bytes]:
    """(etag, body) of the document for ``tenant_id`` and ``role``: built once per app and
    metadata state (about 0.2 s), then served from the app's cache until the tenant's
    objects, fields or field access change (which changes the fingerprint)."""
    fingerprint = metadata_fingerprint(objects, role)
    key = (str(tenant_id), role, fingerprint)
    cache = current_app.extensions.setdefault("trellis_openapi_documents", OrderedDict())
    with _CACHE_LOCK:
        hit = cache.get(key)
        if hit is not None:
            cache.move_to_end(key)
            return hit
    body = current_app.json.dumps(openapi_document(objects, role=role)).encode()
    entry = (fingerprint, body)
    with _CACHE_LOCK:
        cache[key] = entry
        while len(cache) > DOCUMENT_CACHE_SIZE:
            cache.popitem(last=False)
    return entry


def tenant_openapi_json(*, role: str | None, tenant_id) -> tuple[str, bytes]:
    """(etag, body) of the current tenant's document for ``role``, found by the tenant's
    schema version: a request that finds it reads no metadata and digests nothing (the
    ETag is the digest taken when the document was built). While the transaction holds
    uncommitted schema changes (no version to trust), it is found by the digest."""
    if schema_cache(tenant_id) is None:
        return openapi_json(objects_for_tenant(), role=role, tenant_id=tenant_id)
    registry = registry_for()
    key = ("version", str(tenant_id), schema_version(tenant_id), role)
    cache = current_app.extensions.setdefault("trellis_openapi_documents", OrderedDict())
    with _CACHE_LOCK:
        hit = cache.get(key)
        if hit is not None and hit[0] is registry:
            cache.move_to_end(key)
            return hit[1]
    entry = openapi_json(objects_for_tenant(), role=role, tenant_id=tenant_id)
    with _CACHE_LOCK:
        cache[key] = (registry, entry)
        while len(cache) > DOCUMENT_CACHE_SIZE:
            cache.popitem(last=False)
    return entry
