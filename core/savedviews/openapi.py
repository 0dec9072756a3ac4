"""The saved views endpoints in the OpenAPI document (``/api/v1/openapi.json``)."""

from __future__ import annotations

FILTER = {
    "type": "object",
    "properties": {
        "field": {"type": "string"},
        "op": {"type": "string", "default": "eq"},
        "value": {"type": "string"},
    },
    "required": ["field"],
}
SETUP = {
    "filters": {"type": "array", "items": FILTER, "maxItems": 20},
    "sort": {"type": ["string", "null"], "description": "A sortable field; - for descending."},
    "columns": {"type": "array", "items": {"type": "string"}},
    "board_field": {"type": ["string", "null"], "description": "Group a board on this field."},
}
VIEW = {
    "type": "object",
    "properties": {
        "id": {"type": "string", "format": "uuid"},
        "object": {"type": "string"},
        "name": {"type": "string", "maxLength": 100},
        "shared": {"type": "boolean"},
        "is_default": {"type": "boolean"},
        "owner_id": {"type": "string", "format": "uuid"},
        **SETUP,
        "created_at": {"type": "string", "format": "date-time"},
        "updated_at": {"type": "string", "format": "date-time"},
    },
    "required": ["id", "object", "name", "shared", "is_default", "owner_id", *SETUP],
}
VIEW_INPUT = {
    "type": "object",
    "properties": {
        "object": {"type": "string"},
        "name": {"type": "string", "maxLength": 100},
        "shared": {"type": "boolean", "description": "Admins and managers only."},
        "is_default": {"type": "boolean"},
        **SETUP,
    },
    "additionalProperties": False,
}


def saved_view_paths(json, ref, errors) -> tuple[dict, dict]:
    """The paths and schemas of ``/api/v1/views``, built with the document's helpers."""
    view_id = {
        "name": "view_id",
        "in": "path",
        "required": True,
        "schema": {"type": "string", "format": "uuid"},
    }
    page = {"type": "object", "properties": {"data": {"type": "array", "items": ref("SavedView")}}}
    paths = {
        "/api/v1/views": {
            "get": {
                "operationId": "list_views",
                "summary": "Your saved views and the shared ones",
                "parameters": [{"name": "object", "in": "query", "schema": {"type": "string"}}],
                "responses": {
                    "200": {"description": "The views", **json(page)},
                    **errors(401, 403, 404),
                },
            },
            "post": {
                "operationId": "create_view",
                "summary": "Save a view (object and name required)",
                "requestBody": {"required": True, **json(ref("SavedViewInput"))},
                "responses": {
                    "201": {"description": "Created", **json(ref("SavedView"))},
                    **errors(401, 403, 404, 409, 422),
                },
            },
        },
        "/api/v1/views/{view_id}": {
            "get": {
                "operationId": "get_view",
                "parameters": [view_id],
                "responses": {
                    "200": {"description": "The view", **json(ref("SavedView"))},
                    **errors(401, 404),
                },
            },
            "patch": {
                "operationId": "update_view",
                "parameters": [view_id],
                "requestBody": {"required": True, **json(ref("SavedViewInput"))},
                "responses": {
                    "200": {"description": "Updated", **json(ref("SavedView"))},
                    **errors(401, 403, 404, 409, 422),
                },
            },
            "delete": {
                "operationId": "delete_view",
                "parameters": [view_id],
                "responses": {"204": {"description": "Deleted"}, **errors(401, 403, 404)},
            },
        },
    }
    return paths, {"SavedView": VIEW, "SavedViewInput": VIEW_INPUT}
