"""The SLA targets and the SLA overview of open tickets in the OpenAPI document. Tickets
themselves are described with every object's record endpoints."""

from __future__ import annotations

from core.tickets.hours import HOURS_MODES
from core.tickets.models import PRIORITIES
from core.tickets.services import DEFAULT_AT_RISK_MINUTES, MAX_TARGET_MINUTES

_MINUTES = {"type": "integer", "minimum": 1, "maximum": MAX_TARGET_MINUTES}
_HOURS = {
    "type": "string",
    "enum": list(HOURS_MODES),
    "description": "How the minutes count: 24x7 (calendar time) or business (only the "
    "workspace's business hours, /api/v1/settings/business-hours).",
}
SLA_TARGET = {
    "type": "object",
    "properties": {
        "first_response_minutes": _MINUTES,
        "resolution_minutes": _MINUTES,
        "hours": _HOURS,
    },
    "required": ["first_response_minutes", "resolution_minutes", "hours"],
}
SLA_TARGET_INPUT = {
    "type": "object",
    "properties": SLA_TARGET["properties"],
    "additionalProperties": False,
    "description": "Either or both; the resolution no shorter than the first response.",
}
SLA_OVERVIEW = {
    "type": "object",
    "properties": {
        "breached": {"type": "integer", "minimum": 0},
        "at_risk": {"type": "integer", "minimum": 0},
        "on_track": {"type": "integer", "minimum": 0},
        "at_risk_minutes": _MINUTES,
    },
    "required": ["breached", "at_risk", "on_track", "at_risk_minutes"],
}


def ticket_paths(json, ref, errors) -> tuple[dict, dict]:
    tags = ["Tickets"]
    target = json(ref("SlaTarget"))
    priority = {
        "name": "priority",
        "in": "path",
        "required": True,
        "schema": {"enum": list(PRIORITIES)},
    }
    change = {
        "summary": "Change the targets of one priority",
        "description": "Admins only: other roles get 403. Tickets get the new targets when "
        "opened or re-prioritised.",
        "tags": tags,
        "parameters": [priority],
        "requestBody": {"required": True, **json(ref("SlaTargetInput"))},
        "responses": {
            "200": {"description": "The priority's targets now", **target},
            "404": {"description": "No such priority", **json(ref("Error"))},
            **errors(401, 403, 422),
        },
    }
    paths = {
        "/api/v1/sla_targets": {
            "get": {
                "operationId": "list_sla_targets",
                "summary": "The SLA targets of the four priorities, in minutes",
                "tags": tags,
                "responses": {
                    "200": {
                        "description": "By priority",
                        **json(
                            {
                                "type": "object",
                                "required": ["data"],
                                "properties": {
                                    "data": {
                                        "type": "object",
                                        "properties": {p: ref("SlaTarget") for p in PRIORITIES},
                                        "required": list(PRIORITIES),
                                    }
                                },
                            }
                        ),
                    },
                    **errors(401),
                },
            }
        },
        "/api/v1/sla_targets/{priority}": {
            "put": {"operationId": "set_sla_target", **change},
            "patch": {"operationId": "update_sla_target", **change},
        },
        "/api/v1/tickets/sla": {
            "get": {
                "operationId": "ticket_sla_overview",
                "summary": "The open tickets you may see, by SLA state",
                "tags": tags,
                "parameters": [
                    {
                        "name": "at_risk_minutes",
                        "in": "query",
                        "schema": {**_MINUTES, "default": DEFAULT_AT_RISK_MINUTES},
                        "description": "At risk: due within this many minutes.",
                    }
                ],
                "responses": {
                    "200": {"description": "The counts", **json(ref("SlaOverview"))},
                    **errors(401, 403, 422),
                },
            }
        },
    }
    schemas = {
        "SlaTarget": SLA_TARGET,
        "SlaTargetInput": SLA_TARGET_INPUT,
        "SlaOverview": SLA_OVERVIEW,
    }
    return paths, schemas
