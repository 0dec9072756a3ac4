"""Pipelines, stages and the deal forecast in the OpenAPI document. Deals themselves are
described with every object's record endpoints."""

from __future__ import annotations

from core.deals.models import STAGE_KINDS
from core.deals.services import MAX_POSITION

ADMINS = "Admins only: other roles get 403."
_NAME = {"type": "string", "minLength": 1, "maxLength": 100}
_PROBABILITY = {"type": "integer", "minimum": 0, "maximum": 100}
_POSITION = {"type": "integer", "minimum": 0, "maximum": MAX_POSITION}
_UUID = {"type": "string", "format": "uuid"}
_AT = {"type": "integer", "minimum": 0}  # a stored position (the next one may pass the maximum)

STAGE = {
    "type": "object",
    "properties": {
        "id": _UUID,
        "pipeline_id": _UUID,
        "name": {"type": "string"},
        "probability": _PROBABILITY,
        "kind": {"enum": list(STAGE_KINDS)},
        "position": _AT,
    },
    "required": ["id", "pipeline_id", "name", "probability", "kind", "position"],
}
PIPELINE = {
    "type": "object",
    "properties": {
        "id": _UUID,
        "name": {"type": "string"},
        "is_default": {"type": "boolean"},
        "position": _AT,
        "stages": {"type": "array", "items": {"$ref": "#/components/schemas/Stage"}},
    },
    "required": ["id", "name", "is_default", "position", "stages"],
}
_STAGE_PROPERTIES = {
    "name": _NAME,
    "probability": {
        **_PROBABILITY,
        "description": "Required for an open stage; a won stage defaults to 100, a lost one to 0.",
    },
    "kind": {"enum": list(STAGE_KINDS), "default": "open"},
    "position": {**_POSITION, "description": "Where to put it; last when absent."},
}
# An open stage (the default kind) needs its probability.
_PROBABILITY_UNLESS_CLOSED = {
    "anyOf": [
        {"required": ["probability"]},
        {"required": ["kind"], "properties": {"kind": {"enum": ["won", "lost"]}}},
    ]
}
STAGE_INPUT = {
    "type": "object",
    "required": ["name"],
    "properties": _STAGE_PROPERTIES,
    "additionalProperties": False,
    **_PROBABILITY_UNLESS_CLOSED,
}
STAGE_CHANGES = {
    "type": "object",
    "properties": _STAGE_PROPERTIES,
    "additionalProperties": False,
    "description": "The kind cannot change while deals are in the stage (409).",
}
PIPELINE_INPUT = {
    "type": "object",
    "required": ["name"],
    "properties": {
        "name": _NAME,
        "is_default": {"type": "boolean", "default": False},
        "position": _POSITION,
        "stages": {
            "type": "array",
            "description": "In order; each its own name.",
            "items": {
                "type": "object",
                "required": ["name"],
                "properties": {
                    key: value for key, value in _STAGE_PROPERTIES.items() if key != "position"
                },
                "additionalProperties": False,
                **_PROBABILITY_UNLESS_CLOSED,
            },
        },
    },
    "additionalProperties": False,
}
PIPELINE_CHANGES = {
    "type": "object",
    "properties": {
        "name": _NAME,
        "position": _POSITION,
        "is_default": {"const": True, "description": "Make this pipeline the default."},
    },
    "additionalProperties": False,
}
_MONEY = {"type": "string", "pattern": "^-?[0-9]+\\.[0-9]{2}$"}
_FIGURES = {
    "type": "object",
    "properties": {
        "count": {"type": "integer", "minimum": 0},
        "amount": _MONEY,
        "weighted_amount": _MONEY,
    },
    "required": ["count", "amount", "weighted_amount"],
}
FORECAST = {
    "type": "object",
    "properties": {
        "pipeline": {
            "type": "object",
            "properties": {"id": _UUID, "name": {"type": "string"}},
            "required": ["id", "name"],
        },
        "currency": {
            "type": ["string", "null"],
            "description": "The corporate currency: every amount is in it, each deal's at "
            "the exchange rate of its date.",
        },
        "stages": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "id": _UUID,
                    "name": {"type": "string"},
                    "kind": {"enum": list(STAGE_KINDS)},
                    "probability": _PROBABILITY,
                    "position": _AT,
                    **_FIGURES["properties"],
                },
                "required": [
                    "id",
                    "name",
                    "kind",
                    "probability",
                    "position",
                    *_FIGURES["required"],
                ],
            },
        },
        "totals": {
            "type": "object",
            "properties": {kind: _FIGURES for kind in STAGE_KINDS},
            "required": list(STAGE_KINDS),
        },
        "win_rate": {
            "type": ["number", "null"],
            "minimum": 0,
            "maximum": 1,
            "description": "won / (won + lost) by number of deals; null before the first "
            "closed deal.",
        },
        "unconverted": {
            "type": "integer",
            "minimum": 0,
            "description": "Deals with an amount in a currency that has no exchange rate "
            "for their date: counted, but adding nothing to the amounts.",
        },
    },
    "required": ["pipeline", "currency", "stages", "totals", "win_rate"],
}


def _path_id(name: str) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}


def deal_paths(json, ref, errors) -> tuple[dict, dict]:
    tags = ["Pipelines"]
    paths = {
        "/api/v1/pipelines": {
            "get": {
                "operationId": "list_pipelines",
                "summary": "The pipelines, each with its stages in order",
                "tags": tags,
                "responses": {
                    "200": {
                        "description": "The pipelines",
                        **json(
                            {
                                "type": "object",
                                "required": ["data"],
                                "properties": {"data": {"type": "array", "items": ref("Pipeline")}},
                            }
                        ),
                    },
                    **errors(401),
                },
            },
            "post": {
                "operationId": "create_pipeline",
                "summary": "Create a pipeline with its stages",
                "description": f"{ADMINS} Names are unique ignoring case (409).",
                "tags": tags,
                "requestBody": {"required": True, **json(ref("PipelineInput"))},
                "responses": {
                    "201": {"description": "Created", **json(ref("Pipeline"))},
                    **errors(401, 403, 409, 422),
                },
            },
        },
        "/api/v1/pipelines/{pipeline_id}": {
            "patch": {
                "operationId": "update_pipeline",
                "summary": "Rename, move, or make the default",
                "description": ADMINS,
                "tags": tags,
                "parameters": [_path_id("pipeline_id")],
                "requestBody": {"required": True, **json(ref("PipelineChanges"))},
                "responses": {
                    "200": {"description": "The pipeline", **json(ref("Pipeline"))},
                    **errors(401, 403, 404, 409, 422),
                },
            }
        },
        "/api/v1/pipelines/{pipeline_id}/stages": {
            "post": {
                "operationId": "add_stage",
                "summary": "Add a stage to a pipeline",
                "description": f"{ADMINS} Stage names are unique in their pipeline (409).",
                "tags": tags,
                "parameters": [_path_id("pipeline_id")],
                "requestBody": {"required": True, **json(ref("StageInput"))},
                "responses": {
                    "201": {"description": "Added", **json(ref("Stage"))},
                    **errors(401, 403, 404, 409, 422),
                },
            }
        },
        "/api/v1/pipelines/{pipeline_id}/stages/{stage_id}": {
            "patch": {
                "operationId": "update_stage",
                "summary": "Change a stage's name, probability, kind or position",
                "description": f"{ADMINS} The deals already in the stage keep their probability.",
                "tags": tags,
                "parameters": [_path_id("pipeline_id"), _path_id("stage_id")],
                "requestBody": {"required": True, **json(ref("StageChanges"))},
                "responses": {
                    "200": {"description": "The stage", **json(ref("Stage"))},
                    **errors(401, 403, 404, 409, 422),
                },
            }
        },
        "/api/v1/deals/forecast": {
            "get": {
                "operationId": "deal_forecast",
                "summary": "The figures of a pipeline, from the deals you may see",
                "tags": ["Deals"],
                "parameters": [
                    {
                        "name": "pipeline_id",
                        "in": "query",
                        "schema": {"type": "string", "format": "uuid"},
                        "description": "The default pipeline when absent.",
                    }
                ],
                "responses": {
                    "200": {"description": "Per stage and per status", **json(ref("Forecast"))},
                    **errors(401, 403, 404),
                },
            }
        },
    }
    schemas = {
        "Pipeline": PIPELINE,
        "Stage": STAGE,
        "PipelineInput": PIPELINE_INPUT,
        "PipelineChanges": PIPELINE_CHANGES,
        "StageInput": STAGE_INPUT,
        "StageChanges": STAGE_CHANGES,
        "Forecast": FORECAST,
    }
    return paths, schemas
