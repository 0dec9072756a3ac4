"""The role rights on objects in the OpenAPI document: /api/v1/permissions."""

from __future__ import annotations

from core.objects.permissions import ACTIONS, VISIBILITIES
from saas.auth.roles import ADMIN, ROLES

ADMINS = "Admins only: other roles get 403."


def _schemas(party_roles: list[str]) -> dict:
    common = {
        **{action: {"type": "boolean"} for action in ACTIONS},
        "visibility": {
            "enum": list(VISIBILITIES),
            "description": "own: records the user owns; team: owned by the user's team; all.",
        },
        "party_roles": {
            "anyOf": [
                {"type": "array", "items": {"enum": party_roles}, "uniqueItems": True},
                {"type": "null"},
            ],
            "description": "Companies and contacts only: see only parties holding one of "
            "these roles (null or []: any).",
        },
    }
    rights = {
        "type": "object",
        "properties": {
            "role": {"enum": list(ROLES)},
            "object": {"type": "string"},
            **common,
            "fields": {
                "type": "object",
                "additionalProperties": {"enum": ["read_only", "hidden"]},
                "description": "The fields the role may not edit (read_only) or not see "
                "(hidden); the others are editable. Always empty for admins.",
            },
        },
        "required": ["role", "object", *ACTIONS, "visibility", "party_roles", "fields"],
    }
    rights_input = {
        "type": "object",
        "properties": {
            **common,
            "fields": {
                "type": "object",
                "additionalProperties": {"enum": ["editable", "read_only", "hidden"]},
                "description": "Access to some fields, standard or custom (fields left out keep "
                "theirs). Required fields stay editable; calculated fields can only be hidden. "
                "All or nothing: a refusal is a 422 under fields.<name>.",
            },
        },
        "additionalProperties": False,
        "description": "The rights to change; the others stay.",
    }
    return {"Rights": rights, "RightsInput": rights_input}


def permission_paths(objects, json, ref, errors) -> tuple[dict, dict]:
    """The rights endpoints; ``party_roles`` offers the roles the objects' records hold."""
    object_names = [obj.api_name for obj in objects]
    party_roles = []
    for obj in objects:
        for role in obj.party_roles:
            if role not in party_roles:
                party_roles.append(role)
    tags = ["Account"]
    paths = {
        "/api/v1/permissions": {
            "get": {
                "operationId": "list_permissions",
                "summary": "The rights of every role on every object",
                "description": ADMINS,
                "tags": tags,
                "responses": {
                    "200": {
                        "description": "One entry per object and role",
                        **json(
                            {
                                "type": "object",
                                "required": ["data"],
                                "properties": {"data": {"type": "array", "items": ref("Rights")}},
                            }
                        ),
                    },
                    **errors(401, 403),
                },
            }
        },
        "/api/v1/permissions/{role}/{object_name}": {
            "get": {
                "operationId": "get_permissions",
                "summary": "A role's rights on an object, with its field access",
                "description": ADMINS,
                "tags": tags,
                "parameters": [
                    {
                        "name": "role",
                        "in": "path",
                        "required": True,
                        "schema": {"enum": list(ROLES)},
                    },
                    {
                        "name": "object_name",
                        "in": "path",
                        "required": True,
                        "schema": {"enum": object_names},
                    },
                ],
                "responses": {
                    "200": {"description": "The role's rights", **json(ref("Rights"))},
                    **errors(401, 403, 404, 422),
                },
            },
            "put": {
                "operationId": "set_permissions",
                "summary": "Change a role's rights on an object",
                "description": f"{ADMINS} Admins always have every right: their role is "
                "refused (422).",
                "tags": tags,
                "parameters": [
                    {
                        "name": "role",
                        "in": "path",
                        "required": True,
                        "schema": {"enum": [role for role in ROLES if role != ADMIN]},
                    },
                    {
                        "name": "object_name",
                        "in": "path",
                        "required": True,
                        "schema": {"enum": object_names},
                    },
                ],
                "requestBody": {"required": True, **json(ref("RightsInput"))},
                "responses": {
                    "200": {"description": "The role's rights now", **json(ref("Rights"))},
                    **errors(401, 403, 404, 422),
                },
            },
        },
    }
    return paths, _schemas(party_roles)
