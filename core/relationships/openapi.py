"""Relationship types and a party's relationships in the OpenAPI document. Relationships
themselves are described with every object's record endpoints."""

from __future__ import annotations

from core.relationships.models import PARTY_OBJECTS
from core.relationships.services import CATEGORIES, MAX_POSITION

ADMINS = "Admins only: other roles get 403."
_LABEL = {"type": "string", "minLength": 1, "maxLength": 100}
_END = {
    "anyOf": [{"enum": list(PARTY_OBJECTS)}, {"type": "null"}],
    "description": "The object at this end; null for either.",
}
TYPE = {
    "type": "object",
    "properties": {
        "id": {"type": "string", "format": "uuid"},
        "name": {"type": "string"},
        "category": {"enum": list(CATEGORIES)},
        "forward_label": {"type": "string"},
        "reverse_label": {"type": "string"},
        "from_object": _END,
        "to_object": _END,
        "position": {"type": "integer", "minimum": 0},
    },
    "required": [
        "id",
        "name",
        "category",
        "forward_label",
        "reverse_label",
        "from_object",
        "to_object",
        "position",
    ],
}
_TYPE_PROPERTIES = {
    "name": {**_LABEL, "description": "Unique (409)."},
    "category": {"enum": list(CATEGORIES), "default": "other"},
    "forward_label": {**_LABEL, "description": 'Read from the "from" party: "parent of".'},
    "reverse_label": {**_LABEL, "description": 'Read from the "to" party: "subsidiary of".'},
    "from_object": _END,
    "to_object": _END,
    "position": {"type": "integer", "minimum": 0, "maximum": MAX_POSITION},
}
TYPE_INPUT = {
    "type": "object",
    "required": ["name", "forward_label", "reverse_label"],
    "properties": _TYPE_PROPERTIES,
    "additionalProperties": False,
}
TYPE_CHANGES = {
    "type": "object",
    "properties": _TYPE_PROPERTIES,
    "additionalProperties": False,
    "description": "The ends cannot change while relationships use the type (409).",
}
PARTY_RELATIONSHIP = {
    "type": "object",
    "properties": {
        "id": {"type": "string", "format": "uuid"},
        "type_id": {"type": "string", "format": "uuid"},
        "type": {"type": "string"},
        "direction": {
            "enum": ["forward", "reverse"],
            "description": 'forward: this party is the "from" end.',
        },
        "label": {"type": "string", "description": "Read from this party's side."},
        "other": {
            "type": "object",
            "properties": {
                "object": {"enum": list(PARTY_OBJECTS)},
                "id": {"type": "string", "format": "uuid"},
                "title": {
                    "type": ["string", "null"],
                    "description": "null when you may not see the other party.",
                },
            },
            "required": ["object", "id", "title"],
        },
        "start_date": {"type": ["string", "null"], "format": "date"},
        "end_date": {"type": ["string", "null"], "format": "date"},
    },
    "required": ["id", "type_id", "type", "direction", "label", "other", "start_date", "end_date"],
}


def _type_id() -> dict:
    return {"name": "type_id", "in": "path", "required": True, "schema": {"type": "string"}}


def relationship_paths(json, ref, errors) -> tuple[dict, dict]:
    tags = ["Relationships"]
    paths = {
        "/api/v1/relationship_types": {
            "get": {
                "operationId": "list_relationship_types",
                "summary": "The relationship types",
                "tags": tags,
                "responses": {
                    "200": {
                        "description": "In order",
                        **json(
                            {
                                "type": "object",
                                "required": ["data"],
                                "properties": {
                                    "data": {"type": "array", "items": ref("RelationshipType")}
                                },
                            }
                        ),
                    },
                    **errors(401),
                },
            },
            "post": {
                "operationId": "create_relationship_type",
                "summary": "Create a relationship type",
                "description": ADMINS,
                "tags": tags,
                "requestBody": {"required": True, **json(ref("RelationshipTypeInput"))},
                "responses": {
                    "201": {"description": "Created", **json(ref("RelationshipType"))},
                    **errors(401, 403, 409, 422),
                },
            },
        },
        "/api/v1/relationship_types/{type_id}": {
            "patch": {
                "operationId": "update_relationship_type",
                "summary": "Change a relationship type",
                "description": ADMINS,
                "tags": tags,
                "parameters": [_type_id()],
                "requestBody": {"required": True, **json(ref("RelationshipTypeChanges"))},
                "responses": {
                    "200": {"description": "The type", **json(ref("RelationshipType"))},
                    **errors(401, 403, 404, 409, 422),
                },
            },
            "delete": {
                "operationId": "delete_relationship_type",
                "summary": "Delete a relationship type no relationship uses",
                "description": f"{ADMINS} 409 while relationships (in the recycle bin too) use it.",
                "tags": tags,
                "parameters": [_type_id()],
                "responses": {"204": {"description": "Deleted"}, **errors(401, 403, 404, 409)},
            },
        },
    }
    for party in PARTY_OBJECTS:
        paths[f"/api/v1/objects/{party}/{{id}}/relationships"] = {
            "get": {
                "operationId": f"relationships_of_{party}",
                "summary": "A party's relationships, each read from its side",
                "tags": tags,
                "parameters": [
                    {
                        "name": "id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string", "format": "uuid"},
                    }
                ],
                "responses": {
                    "200": {
                        "description": "The relationships you may see",
                        **json(
                            {
                                "type": "object",
                                "required": ["data"],
                                "properties": {
                                    "data": {"type": "array", "items": ref("PartyRelationship")}
                                },
                            }
                        ),
                    },
                    **errors(401, 403, 404),
                },
            }
        }
    schemas = {
        "RelationshipType": TYPE,
        "RelationshipTypeInput": TYPE_INPUT,
        "RelationshipTypeChanges": TYPE_CHANGES,
        "PartyRelationship": PARTY_RELATIONSHIP,
    }
    return paths, schemas
