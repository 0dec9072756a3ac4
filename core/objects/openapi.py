"""The OpenAPI 3.1 description of a tenant's API, generated from the registry, so that
custom fields and custom objects appear in it exactly as the API accepts them."""

from __future__ import annotations

from core.objects.records import OPERATORS, hidden_fields, read_only_fields
from core.objects.registry import ObjectSpec

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


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict) -> dict:
    return {"content": {"application/json": {"schema": schema}}}


def _errors(*codes: int) -> dict:
    text = {
        400: "Bad request",
        401: "Missing or bad token",
        403: "Not allowed",
        404: "Not found",
        409: "Conflict",
        412: "Changed since read",
        422: "Invalid input",
    }
    return {str(code): {"description": text[code], **_json(_ref("Error"))} for code in codes}


def openapi_document(objects: list[ObjectSpec], *, role: str | None) -> dict:
    paths: dict = {}
    schemas: dict = {"Error": _ERROR}
    for obj in objects:
        name = obj.api_name
        schemas[f"{name}"] = _record_schema(obj, role, for_input=False)
        schemas[f"{name}_input"] = _record_schema(obj, role, for_input=True)
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
            {"name": "fields", "in": "query", "schema": {"type": "string"}},
            {"name": "expand", "in": "query", "schema": {"type": "string"}},
            {"name": "deleted", "in": "query", "schema": {"type": "boolean"}},
        ] + [
            {
                "name": f"filter[{field}][{op}]" if op != "eq" else f"filter[{field}]",
                "in": "query",
                "required": False,
                "schema": {"type": "string"},
            }
            for field in filterable
            for op in OPERATORS
        ]
        page = {
            "type": "object",
            "properties": {
                "data": {"type": "array", "items": _ref(name)},
                "next_cursor": {"type": ["string", "null"]},
            },
            "required": ["data", "next_cursor"],
        }
        paths[f"/api/v1/objects/{name}"] = {
            "get": {
                "operationId": f"list_{name}",
                "summary": f"List {obj.label_plural.lower()}",
                "parameters": list_params,
                "responses": {
                    "200": {"description": "A page", **_json(page)},
                    **_errors(401, 404, 422),
                },
            },
            "post": {
                "operationId": f"create_{name}",
                "summary": f"Create a {obj.label.lower()}",
                "requestBody": {"required": True, **_json(_ref(f"{name}_input"))},
                "responses": {
                    "201": {"description": "Created", **_json(_ref(name))},
                    **_errors(401, 404, 422),
                },
            },
        }
        id_param = {
            "name": "id",
            "in": "path",
            "required": True,
            "schema": {"type": "string", "format": "uuid"},
        }
        paths[f"/api/v1/objects/{name}/{{id}}"] = {
            "get": {
                "operationId": f"get_{name}",
                "parameters": [id_param],
                "responses": {
                    "200": {"description": "The record", **_json(_ref(name))},
                    **_errors(401, 404),
                },
            },
            "patch": {
                "operationId": f"update_{name}",
                "parameters": [
                    id_param,
                    {"name": "If-Match", "in": "header", "schema": {"type": "string"}},
                ],
                "requestBody": {"required": True, **_json(_ref(f"{name}_input"))},
                "responses": {
                    "200": {"description": "Updated", **_json(_ref(name))},
                    **_errors(401, 404, 412, 422),
                },
            },
            "delete": {
                "operationId": f"delete_{name}",
                "parameters": [id_param],
                "responses": {
                    "204": {"description": "Moved to the recycle bin"},
                    **_errors(401, 404),
                },
            },
        }
    from core.savedviews.openapi import saved_view_paths

    view_paths, view_schemas = saved_view_paths(_json, _ref, _errors)
    paths |= view_paths
    schemas |= view_schemas
    return {
        "openapi": "3.1.0",
        "info": {"title": "Trellis CRM API", "version": "1"},
        "components": {
            "schemas": schemas,
            "securitySchemes": {"token": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"token": []}],
        "paths": paths,
    }
