"""Lead conversion (POST /api/v1/objects/leads/{id}/convert) in the OpenAPI document.
Leads themselves are described with every object's record endpoints."""

from __future__ import annotations

CONVERSION_INPUT = {
    "type": "object",
    "description": "Optional, like each of its properties.",
    "properties": {
        "create_deal": {"type": "boolean", "default": False},
        "deal_name": {
            "type": ["string", "null"],
            "description": "The lead's company name (or the person's name) when empty.",
        },
        "company_id": {
            "type": ["string", "null"],
            "format": "uuid",
            "description": "Use this existing company instead of creating one.",
        },
        "contact_id": {
            "type": ["string", "null"],
            "format": "uuid",
            "description": "Use this existing contact (and its company, when company_id "
            "is not given) instead of creating one.",
        },
        "allow_duplicates": {
            "type": "boolean",
            "default": False,
            "description": "Create the records even though similar ones exist.",
        },
    },
    "additionalProperties": False,
}
CONVERSION = {
    "type": "object",
    "properties": {
        "lead_id": {"type": "string", "format": "uuid"},
        "contact_id": {"type": "string", "format": "uuid"},
        "company_id": {"type": ["string", "null"], "format": "uuid"},
        "deal_id": {"type": ["string", "null"], "format": "uuid"},
    },
    "required": ["lead_id", "contact_id", "company_id", "deal_id"],
}
_PARTY = {
    "type": "object",
    "properties": {
        "id": {"type": "string", "format": "uuid"},
        "name": {"type": "string"},
        "email": {"type": ["string", "null"]},
    },
    "required": ["id", "name"],
}
DUPLICATES = {
    "type": "object",
    "description": "Conflict: the lead is converted already (error only), or records "
    "like the ones conversion would create exist (with duplicates).",
    "required": ["error", "message"],
    "properties": {
        "error": {"const": "conflict"},
        "message": {"type": "string"},
        "fields": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
        "duplicates": {
            "type": "object",
            "properties": {
                "contacts": {"type": "array", "items": _PARTY},
                "companies": {"type": "array", "items": _PARTY},
                "not_visible": {
                    "type": "integer",
                    "minimum": 0,
                    "description": "Duplicates you may not see: counted, not shown.",
                },
            },
            "required": ["contacts", "companies", "not_visible"],
        },
    },
}


def lead_paths(json, ref, errors) -> tuple[dict, dict]:
    paths = {
        "/api/v1/objects/leads/{id}/convert": {
            "post": {
                "operationId": "convert_lead",
                "summary": "Turn a lead into a contact, a company and optionally a deal",
                "description": "All or nothing, with your rights: updating leads, creating "
                "contacts, companies and (with create_deal) deals.",
                "tags": ["Leads"],
                "parameters": [
                    {
                        "name": "id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string", "format": "uuid"},
                    }
                ],
                "requestBody": {"required": False, **json(ref("LeadConversionInput"))},
                "responses": {
                    "200": {"description": "What the lead became", **json(ref("LeadConversion"))},
                    **errors(401, 403, 404),
                    "409": {
                        "description": "Converted already, or possible duplicates: nothing written",
                        **json(ref("LeadConversionConflict")),
                    },
                    **errors(422),
                },
            }
        }
    }
    schemas = {
        "LeadConversionInput": CONVERSION_INPUT,
        "LeadConversion": CONVERSION,
        "LeadConversionConflict": DUPLICATES,
    }
    return paths, schemas
