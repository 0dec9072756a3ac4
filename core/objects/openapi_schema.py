"""The schema endpoints (/api/v1/schema/objects...) and the document itself
(/api/v1/openapi.json) in the OpenAPI document."""

from __future__ import annotations

from core.objects.types import FIELD_TYPES

ACCESS = {
    "type": "object",
    "description": "Per role (manager, member, viewer): hidden or read_only.",
    "propertyNames": {"enum": ["manager", "member", "viewer"]},
    "additionalProperties": {"enum": ["hidden", "read_only"]},
}
FIELD = {
    "type": "object",
    "properties": {
        "name": {"type": "string"},
        "label": {"type": "string"},
        "type": {"enum": list(FIELD_TYPES)},
        "options": {"type": "object"},
        "required": {"type": "boolean"},
        "unique": {"type": "boolean"},
        "default": {"description": "A value of the field's type, or null."},
        "help_text": {"type": ["string", "null"]},
        "filterable": {"type": "boolean"},
        "read_only": {"type": "boolean"},
        "custom": {"type": "boolean"},
        "access": {"type": "object"},
        "section": {"type": "string", "description": "The record page's section."},
    },
    "required": ["name", "label", "type", "options", "required", "filterable", "custom"],
}
_FIELD_PROPERTIES = {
    "label": {"type": "string", "minLength": 1, "maxLength": 100},
    "type": {"enum": list(FIELD_TYPES)},
    "options": {
        "type": "object",
        "description": 'Per type: {"values": [...]} for picklists, {"target": ...} for '
        'lookups, {"expression": ...} for formulas, min/max for numbers... See docs/api.md.',
    },
    "required": {"type": "boolean"},
    "filterable": {"type": "boolean"},
    "help_text": {"type": ["string", "null"], "maxLength": 500},
    "access": {"anyOf": [ACCESS, {"type": "null"}]},
    "section": {
        "type": ["string", "null"],
        "maxLength": 60,
        "description": "The record page's section it shows in: a new name, or a standard one "
        '("Details", "Address"...) to join it; null: "Custom fields".',
    },
}
FIELD_INPUT = {
    "type": "object",
    "required": ["name", "label", "type"],
    "properties": {
        "name": {"type": "string", "pattern": "^[a-z][a-z0-9_]{0,62}$"},
        **_FIELD_PROPERTIES,
        "unique": {"type": "boolean", "description": "Unique per workspace; makes it filterable."},
        "default": {"description": "A value of the field's type."},
    },
    "additionalProperties": False,
}
FIELD_CHANGES = {
    "type": "object",
    "properties": _FIELD_PROPERTIES,
    "additionalProperties": False,
    "description": "A type change converts the stored values; 409 naming the records when "
    "some would not fit.",
}
CONVERSION = {
    "type": "object",
    "description": "Empty when neither the type nor the options changed.",
    "properties": {
        "convertible": {"type": "integer"},
        "failures": {
            "type": "array",
            "maxItems": 50,
            "items": {
                "type": "object",
                "properties": {
                    "id": {"type": "string", "format": "uuid"},
                    "value": {},
                    "problem": {"type": "string"},
                },
                "required": ["id", "value", "problem"],
            },
        },
        "failure_count": {"type": "integer"},
    },
}
OBJECT = {
    "type": "object",
    "properties": {
        "name": {"type": "string"},
        "label": {"type": "string"},
        "label_plural": {"type": "string"},
        "custom": {"type": "boolean"},
        "fields_url": {"type": "string"},
    },
    "required": ["name", "label", "label_plural", "custom", "fields_url"],
}
OBJECT_INPUT = {
    "type": "object",
    "required": ["name", "label"],
    "properties": {
        "name": {
            "type": "string",
            "pattern": "^[a-z][a-z0-9_]{0,62}$",
            "description": "Plural snake case, such as vehicles; not a standard object's.",
        },
        "label": {"type": "string", "minLength": 1, "maxLength": 100},
        "label_plural": {"type": "string", "maxLength": 100},
        "description": {"type": ["string", "null"]},
    },
}
ADMINS = "Admins only: other roles get 403."


def schema_paths(object_names: list[str], json, ref, errors) -> tuple[dict, dict]:
    object_name = {
        "name": "object_name",
        "in": "path",
        "required": True,
        "schema": {"enum": object_names},
    }
    field_name = {
        "name": "field_name",
        "in": "path",
        "required": True,
        "schema": {"type": "string"},
    }
    fields = {
        "type": "object",
        "required": ["data"],
        "properties": {"data": {"type": "array", "items": ref("SchemaField")}},
    }
    tags = ["Schema"]
    paths = {
        "/api/v1/schema/objects": {
            "get": {
                "operationId": "list_schema_objects",
                "summary": "The objects of the workspace",
                "tags": tags,
                "responses": {
                    "200": {
                        "description": "Standard and custom objects",
                        **json(
                            {
                                "type": "object",
                                "required": ["data"],
                                "properties": {
                                    "data": {"type": "array", "items": ref("SchemaObject")}
                                },
                            }
                        ),
                    },
                    **errors(401),
                },
            },
            "post": {
                "operationId": "create_schema_object",
                "summary": "Create a custom object",
                "description": ADMINS,
                "tags": tags,
                "requestBody": {"required": True, **json(ref("SchemaObjectInput"))},
                "responses": {
                    "201": {"description": "Created", **json(ref("SchemaObject"))},
                    **errors(401, 403, 409, 422),
                },
            },
        },
        "/api/v1/schema/objects/{object_name}/fields": {
            "get": {
                "operationId": "list_schema_fields",
                "summary": "The fields of an object, standard and custom, as your role sees them",
                "tags": tags,
                "parameters": [object_name],
                "responses": {
                    "200": {"description": "The fields", **json(fields)},
                    **errors(401, 404),
                },
            },
            "post": {
                "operationId": "add_schema_field",
                "summary": "Add a custom field",
                "description": ADMINS,
                "tags": tags,
                "parameters": [object_name],
                "requestBody": {"required": True, **json(ref("SchemaFieldInput"))},
                "responses": {
                    "201": {"description": "Added", **json(ref("SchemaField"))},
                    **errors(401, 403, 404, 409, 422),
                },
            },
        },
        "/api/v1/schema/objects/{object_name}/fields/{field_name}": {
            "patch": {
                "operationId": "update_schema_field",
                "summary": "Change a custom field",
                "description": f"{ADMINS} With preview=true nothing is written and the "
                "answer is the conversion the change would make.",
                "tags": tags,
                "parameters": [
                    object_name,
                    field_name,
                    {"name": "preview", "in": "query", "schema": {"type": "boolean"}},
                ],
                "requestBody": {"required": True, **json(ref("SchemaFieldChanges"))},
                "responses": {
                    "200": {
                        "description": "The field and the conversion made, or the preview",
                        **json(
                            {
                                "anyOf": [
                                    {
                                        "allOf": [ref("SchemaField")],
                                        "properties": {"conversion": ref("FieldConversion")},
                                        "required": ["conversion"],
                                    },
                                    {
                                        "type": "object",
                                        "properties": {"preview": ref("FieldConversion")},
                                        "required": ["preview"],
                                    },
                                ]
                            }
                        ),
                    },
                    **errors(401, 403, 404, 409, 422),
                },
            },
            "delete": {
                "operationId": "retire_schema_field",
                "summary": "Retire a custom field: hidden everywhere, values kept",
                "description": f"{ADMINS} A standard field cannot be retired (422).",
                "tags": tags,
                "parameters": [object_name, field_name],
                "responses": {"204": {"description": "Retired"}, **errors(401, 403, 404, 422)},
            },
        },
        "/api/v1/schema/objects/{object_name}/fields/order": {
            "put": {
                "operationId": "reorder_schema_fields",
                "summary": "Order the custom fields",
                "description": ADMINS,
                "tags": tags,
                "parameters": [object_name],
                "requestBody": {
                    "required": True,
                    **json(
                        {
                            "type": "object",
                            "required": ["order"],
                            "properties": {
                                "order": {
                                    "type": "array",
                                    "items": {"type": "string"},
                                    "uniqueItems": True,
                                    "description": "Every custom field of the object, once.",
                                }
                            },
                        }
                    ),
                },
                "responses": {
                    "200": {"description": "Every field, in the new order", **json(fields)},
                    **errors(401, 403, 404, 422),
                },
            }
        },
        "/api/v1/openapi.json": {
            "get": {
                "operationId": "get_openapi_document",
                "summary": "This document, as your role sees the API",
                "tags": tags,
                "responses": {
                    "200": {
                        "description": "OpenAPI 3.1",
                        **json({"type": "object", "required": ["openapi", "paths"]}),
                    },
                    **errors(401),
                },
            }
        },
    }
    schemas = {
        "SchemaObject": OBJECT,
        "SchemaObjectInput": OBJECT_INPUT,
        "SchemaField": FIELD,
        "SchemaFieldInput": FIELD_INPUT,
        "SchemaFieldChanges": FIELD_CHANGES,
        "FieldConversion": CONVERSION,
    }
    return paths, schemas
