"""The account endpoints in the OpenAPI document: who the token is (/api/v1/me), teams,
a user's team and the role rights (/api/v1/permissions)."""

from __future__ import annotations

from core.companies.models import PARTY_ROLES
from saas.auth.permissions import ACTIONS, VISIBILITIES
from saas.auth.roles import ADMIN, ROLES

ADMINS = "Admins only: other roles get 403."

ME = {
    "type": "object",
    "properties": {
        "id": {"type": "string", "format": "uuid"},
        "email": {"type": "string"},
        "name": {"type": "string"},
        "role": {"enum": list(ROLES)},
        "tenant": {
            "type": "object",
            "properties": {
                "id": {"type": "string", "format": "uuid"},
                "slug": {"type": "string"},
                "name": {"type": "string"},
            },
            "required": ["id", "slug", "name"],
        },
    },
    "required": ["id", "email", "name", "role", "tenant"],
}
TEAM = {
    "type": "object",
    "properties": {"id": {"type": "string", "format": "uuid"}, "name": {"type": "string"}},
    "required": ["id", "name"],
}
_RIGHTS = {
    **{action: {"type": "boolean"} for action in ACTIONS},
    "visibility": {
        "enum": list(VISIBILITIES),
        "description": "own: records the user owns; team: owned by the user's team; all.",
    },
    "party_roles": {
        "anyOf": [
            {"type": "array", "items": {"enum": list(PARTY_ROLES)}, "uniqueItems": True},
            {"type": "null"},
        ],
        "description": "Companies and contacts only: see only parties holding one of "
        "these roles (null or []: any).",
    },
}
RIGHTS = {
    "type": "object",
    "properties": {
        "role": {"enum": list(ROLES)},
        "object": {"type": "string"},
        **_RIGHTS,
        "fields": {
            "type": "object",
            "additionalProperties": {"enum": ["read_only", "hidden"]},
            "description": "The fields the role may not edit (read_only) or not see "
            "(hidden); the others are editable. Always empty for admins.",
        },
    },
    "required": ["role", "object", *ACTIONS, "visibility", "party_roles", "fields"],
}
RIGHTS_INPUT = {
    "type": "object",
    "properties": {
        **_RIGHTS,
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


def account_paths(object_names: list[str], json, ref, errors) -> tuple[dict, dict]:
    tags = ["Account"]
    paths = {
        "/api/v1/me": {
            "get": {
                "operationId": "get_me",
                "summary": "Who the token belongs to",
                "tags": tags,
                "responses": {"200": {"description": "The user", **json(ref("Me"))}, **errors(401)},
            }
        },
        "/api/v1/teams": {
            "get": {
                "operationId": "list_teams",
                "summary": "The teams, by name",
                "tags": tags,
                "responses": {
                    "200": {
                        "description": "The teams",
                        **json(
                            {
                                "type": "object",
                                "required": ["data"],
                                "properties": {"data": {"type": "array", "items": ref("Team")}},
                            }
                        ),
                    },
                    **errors(401),
                },
            },
            "post": {
                "operationId": "create_team",
                "summary": "Create a team",
                "description": ADMINS,
                "tags": tags,
                "requestBody": {
                    "required": True,
                    **json(
                        {
                            "type": "object",
                            "required": ["name"],
                            "properties": {"name": {"type": "string", "maxLength": 100}},
                        }
                    ),
                },
                "responses": {
                    "201": {"description": "Created", **json(ref("Team"))},
                    **errors(401, 403, 409, 422),
                },
            },
        },
        "/api/v1/users/{user_id}/team": {
            "put": {
                "operationId": "set_user_team",
                "summary": "Put a user in a team, or in none",
                "description": ADMINS,
                "tags": tags,
                "parameters": [
                    {
                        "name": "user_id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string", "format": "uuid"},
                    }
                ],
                "requestBody": {
                    "required": True,
                    **json(
                        {
                            "type": "object",
                            "properties": {
                                "team_id": {
                                    "type": ["string", "null"],
                                    "format": "uuid",
                                    "description": "null (or absent): no team.",
                                }
                            },
                        }
                    ),
                },
                "responses": {
                    "200": {
                        "description": "The user's team now",
                        **json(
                            {
                                "type": "object",
                                "properties": {
                                    "user_id": {"type": "string", "format": "uuid"},
                                    "team_id": {"type": ["string", "null"], "format": "uuid"},
                                },
                                "required": ["user_id", "team_id"],
                            }
                        ),
                    },
                    "404": {
                        "description": "No such user, or no such team",
                        **json(ref("Error")),
                    },
                    **errors(401, 403, 422),
                },
            }
        },
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
    schemas = {"Me": ME, "Team": TEAM, "Rights": RIGHTS, "RightsInput": RIGHTS_INPUT}
    return paths, schemas
