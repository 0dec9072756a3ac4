"""The record endpoints beyond create/read/update/delete in the OpenAPI document: bulk
writes, restoring from the recycle bin, the history and the CSV export of every object."""

from __future__ import annotations

from core.objects.export import MAX_EXPORT_ROWS
from core.objects.openapi import ID_PARAM, _record_schema, filter_params
from core.objects.records import hidden_fields
from core.objects.registry import ObjectSpec

MAX_BULK = 200  # core.objects.api.MAX_BULK (not imported: that module imports this one)

HISTORY_ENTRY = {
    "type": "object",
    "properties": {
        "action": {
            "type": "string",
            "description": "create, update, delete, restore, or an object's own (convert).",
        },
        "at": {"type": "string", "format": "date-time"},
        "actor_id": {"type": ["string", "null"], "format": "uuid"},
        "changes": {
            "type": "object",
            "description": "The changed fields, each [old, new]; fields hidden from your "
            "role are left out.",
            "additionalProperties": {"type": "array", "minItems": 2, "maxItems": 2},
        },
    },
    "required": ["action", "at", "actor_id", "changes"],
}
BULK_ERROR = {
    "type": "object",
    "required": ["error", "message", "records"],
    "properties": {
        "error": {"const": "validation_failed"},
        "message": {"type": "string"},
        "records": {
            "type": "object",
            "description": "By the record's index in the request: its fields' messages "
            '("_" for the record as a whole: refused rights, unknown id, changed since read).',
            "propertyNames": {"pattern": "^[0-9]+$"},
            "additionalProperties": {
                "type": "object",
                "additionalProperties": {"type": "array", "items": {"type": "string"}},
            },
        },
    },
}


def _bulk_item(input_schema: dict) -> dict:
    """A record of a bulk request: the object's input, plus ``id`` (and ``version``) to
    update rather than create."""
    return {
        "type": "object",
        "properties": {
            "id": {
                "type": "string",
                "format": "uuid",
                "description": "Update this record; without it, create one.",
            },
            "version": {
                "type": "integer",
                "description": "With id: refuse the update if the record changed since.",
            },
            **input_schema["properties"],
        },
        "additionalProperties": False,
    }


def record_paths(
    objects: list[ObjectSpec], role: str | None, json, ref, errors
) -> tuple[dict, dict]:
    """Bulk, restore, history and export.csv of every object, with the document's helpers.

    A bulk item accepts what a create or an update of the object does, as ``role`` sees it.
    """
    paths: dict = {}
    for obj in objects:
        name, tags = obj.api_name, [obj.label_plural]
        input_schema = _record_schema(obj, role, for_input=True)
        filterable = [
            field
            for field, spec in obj.fields.items()
            if spec.sort_column and field not in hidden_fields(obj, role)
        ]
        paths[f"/api/v1/objects/{name}/bulk"] = {
            "post": {
                "operationId": f"bulk_{name}",
                "summary": f"Create or update up to {MAX_BULK} {obj.label_plural.lower()}",
                "description": "All or nothing: when one record is refused, none is written "
                "and the answer names every refused record by its index.",
                "tags": tags,
                "requestBody": {
                    "required": True,
                    **json(
                        {
                            "type": "object",
                            "required": ["records"],
                            "properties": {
                                "records": {
                                    "type": "array",
                                    "minItems": 1,
                                    "maxItems": MAX_BULK,
                                    "items": _bulk_item(input_schema),
                                }
                            },
                        }
                    ),
                },
                "responses": {
                    "200": {
                        "description": "Every record written, in the order sent",
                        **json(
                            {
                                "type": "object",
                                "required": ["data"],
                                "properties": {"data": {"type": "array", "items": ref(name)}},
                            }
                        ),
                    },
                    **errors(401, 404),
                    "422": {
                        "description": "Nothing written: the body is not "
                        '{"records": [...]} (Error), or some records are refused (BulkError)',
                        **json({"anyOf": [ref("BulkError"), ref("Error")]}),
                    },
                },
            }
        }
        paths[f"/api/v1/objects/{name}/{{id}}/restore"] = {
            "post": {
                "operationId": f"restore_{name}",
                "summary": f"Take a {obj.label.lower()} back out of the recycle bin",
                "description": "Within 30 days of its deletion; a live record is answered "
                "as it is. Needs the right to delete.",
                "tags": tags,
                "parameters": [ID_PARAM],
                "responses": {
                    "200": {"description": "The restored record", **json(ref(name))},
                    **errors(401, 403, 404),
                    **(
                        {
                            "422": {
                                "description": "The object's rules refuse the restore "
                                "(an order over its customer's credit limit)",
                                **json(ref("Error")),
                            }
                        }
                        if obj.before_restore is not None
                        else {}
                    ),
                },
            }
        }
        paths[f"/api/v1/objects/{name}/{{id}}/history"] = {
            "get": {
                "operationId": f"history_{name}",
                "summary": f"The audit trail of a {obj.label.lower()}, newest first",
                "description": "Also of a record in the recycle bin.",
                "tags": tags,
                "parameters": [ID_PARAM],
                "responses": {
                    "200": {
                        "description": "Who changed what, when",
                        **json(
                            {
                                "type": "object",
                                "required": ["data"],
                                "properties": {
                                    "data": {"type": "array", "items": ref("HistoryEntry")}
                                },
                            }
                        ),
                    },
                    **errors(401, 403, 404),
                },
            }
        }
        paths[f"/api/v1/objects/{name}/export.csv"] = {
            "get": {
                "operationId": f"export_{name}",
                "summary": f"Every matching {obj.label.lower()} as CSV",
                "description": "The filters and sort of listing; a header of API names, then "
                "raw values (ids for lookups and users, JSON for lists and addresses), UTF-8 "
                f"with a byte order mark. At most {MAX_EXPORT_ROWS:,} records: more is a 422 "
                "asking to narrow the filters. Works in a read-only workspace too. A text "
                "cell starting with =, +, -, @, a tab or a carriage return (other than a "
                "plain number) gets a leading apostrophe, so that no spreadsheet runs it as "
                "a formula; escape_formulas=false writes it as stored.",
                "tags": tags,
                "parameters": [
                    {"name": "sort", "in": "query", "schema": {"type": "string"}},
                    {
                        "name": "escape_formulas",
                        "in": "query",
                        "schema": {"type": "string", "enum": ["true", "false"]},
                        "description": "false: text cells exactly as stored, for programs "
                        "that do not open the file in a spreadsheet (default true).",
                    },
                    *filter_params(filterable),
                ],
                "responses": {
                    "200": {
                        "description": "The CSV file (Content-Disposition: attachment)",
                        "content": {"text/csv": {"schema": {"type": "string"}}},
                    },
                    **errors(401, 403, 404, 422),
                },
            }
        }
    return paths, {"HistoryEntry": HISTORY_ENTRY, "BulkError": BULK_ERROR}
