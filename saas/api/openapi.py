"""The account endpoints in the OpenAPI document: who the token is (/api/v1/me), teams and
a user's team (the role rights on objects are the object engine's: core/objects)."""

from __future__ import annotations

from saas.auth.roles import ROLES

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


def account_paths(json, ref, errors) -> tuple[dict, dict]:
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
    }
    schemas = {"Me": ME, "Team": TEAM}
    return paths, schemas
