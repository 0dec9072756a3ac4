"""The navigation endpoint in the OpenAPI document (``/api/v1/openapi.json``)."""

from __future__ import annotations

ROLE_NAMES = ("admin", "manager", "member", "viewer")
ITEM = {
    "type": "object",
    "description": "One object of the top bar and the page it opens on.",
    "properties": {
        "object": {"type": "string", "description": "An object that can be in a menu."},
        "opens": {"type": "string", "enum": ["list", "board", "view"]},
        "view_id": {
            "type": "string",
            "format": "uuid",
            "description": "A shared saved view of the object, with opens=view.",
        },
    },
    "required": ["object"],
    "additionalProperties": False,
}
ROLE_BAR = {
    "type": "object",
    "properties": {
        "configured": {"type": "boolean", "description": "false: the defaults."},
        "items": {"type": "array", "items": ITEM},
    },
    "required": ["configured", "items"],
}
NAVIGATION = {
    "type": "object",
    "properties": {
        "roles": {
            "type": "object",
            "properties": {role: ROLE_BAR for role in ROLE_NAMES},
            "required": list(ROLE_NAMES),
        }
    },
    "required": ["roles"],
}
NAVIGATION_INPUT = {
    "type": "object",
    "properties": {
        "roles": {
            "type": "object",
            "description": "The roles to change: a list of items, or null for the defaults.",
            "properties": {
                role: {"type": ["array", "null"], "items": ITEM, "maxItems": 30}
                for role in ROLE_NAMES
            },
            "additionalProperties": False,
        }
    },
    "required": ["roles"],
    "additionalProperties": False,
}


def navigation_paths(json, ref, errors) -> tuple[dict, dict]:
    paths = {
        "/api/v1/navigation": {
            "get": {
                "operationId": "get_navigation",
                "summary": "The top bar of every role (objects, order, the page each opens on)",
                "responses": {"200": {"description": "The navigation", **json(ref("Navigation"))}},
            },
            "put": {
                "operationId": "set_navigation",
                "summary": "Change the top bar of some roles (admins only; all or nothing)",
                "requestBody": {"required": True, **json(ref("NavigationInput"))},
                "responses": {
                    "200": {"description": "Saved", **json(ref("Navigation"))},
                    **errors(403, 422),
                },
            },
        }
    }
    return paths, {"Navigation": NAVIGATION, "NavigationInput": NAVIGATION_INPUT}
