"""A record's timeline (GET /api/v1/objects/{object}/{id}/timeline) in the OpenAPI
document, for every object. Activities themselves are described with every object's
records."""

from __future__ import annotations

from core.activities.services import MAX_TIMELINE_PAGE


def timeline_item(ref) -> dict:
    """An activity related to the record, or a change from its audit trail."""
    return {
        "oneOf": [
            {
                "type": "object",
                "properties": {
                    "type": {"const": "activity"},
                    "at": {"type": "string", "format": "date-time"},
                    "activity": ref("activities"),
                    "about": {
                        "type": "object",
                        "description": "Only for an activity about another record that "
                        "points to this one (a deal or contact of a company): that record.",
                        "properties": {
                            "object": {"type": "string"},
                            "id": {"type": "string", "format": "uuid"},
                            "title": {"type": ["string", "null"]},
                        },
                        "required": ["object", "id", "title"],
                    },
                },
                "required": ["type", "at", "activity"],
            },
            {
                "type": "object",
                "properties": {
                    "type": {"const": "change"},
                    "at": {"type": "string", "format": "date-time"},
                    "action": {"type": "string"},
                    "actor_id": {"type": ["string", "null"], "format": "uuid"},
                    "changes": {
                        "type": "object",
                        "additionalProperties": {"type": "array", "minItems": 2, "maxItems": 2},
                    },
                },
                "required": ["type", "at", "action", "actor_id", "changes"],
            },
        ]
    }


def timeline_paths(object_names: list[str], json, ref, errors) -> tuple[dict, dict]:
    page = {
        "type": "object",
        "required": ["data", "next_cursor"],
        "properties": {
            "data": {"type": "array", "items": ref("TimelineItem")},
            "next_cursor": {"type": ["string", "null"]},
        },
    }
    paths = {}
    for name in object_names:
        paths[f"/api/v1/objects/{name}/{{id}}/timeline"] = {
            "get": {
                "operationId": f"timeline_{name}",
                "summary": "The record's activities and changes, newest first",
                "description": "Activities you may see, placed by when they were logged, "
                "merged with the audit trail.",
                "tags": ["Activities"],
                "parameters": [
                    {
                        "name": "id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string", "format": "uuid"},
                    },
                    {
                        "name": "limit",
                        "in": "query",
                        "schema": {
                            "type": "integer",
                            "minimum": 1,
                            "maximum": MAX_TIMELINE_PAGE,
                            "default": 50,
                        },
                    },
                    {
                        "name": "cursor",
                        "in": "query",
                        "schema": {"type": "string"},
                        "description": "The next_cursor of the previous page.",
                    },
                ],
                "responses": {
                    "200": {"description": "A page", **json(page)},
                    **errors(401, 403, 404, 422),
                },
            }
        }
    return paths, {"TimelineItem": timeline_item(ref)}
