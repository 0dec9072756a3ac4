"""The business hours endpoint in the OpenAPI document (``/api/v1/openapi.json``)."""

from __future__ import annotations

CLOCK = {
    "type": "string",
    "pattern": "^([01]?[0-9]|2[0-4]):[0-5][0-9]$",
    "description": "HH:MM wall-clock time in the calendar's time zone; 24:00 ends a day.",
    "examples": ["09:00", "17:30"],
}
INTERVAL = {
    "type": "object",
    "properties": {"start": CLOCK, "end": CLOCK},
    "required": ["start", "end"],
    "additionalProperties": False,
    "description": "Ends after it starts, within the day; a day's intervals do not overlap.",
}
DAY = {"type": "array", "items": INTERVAL, "maxItems": 6, "description": "[] when closed."}
WEEK = {
    "type": "object",
    "properties": {day: DAY for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")},
    "required": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
    "additionalProperties": False,
    "description": "All seven days; at least one interval in the week.",
}
HOLIDAY = {
    "type": "object",
    "properties": {
        "date": {"type": "string", "format": "date"},
        "name": {"type": "string", "minLength": 1, "maxLength": 100},
    },
    "required": ["date", "name"],
    "additionalProperties": False,
}
HOLIDAYS = {
    "type": "array",
    "items": HOLIDAY,
    "maxItems": 400,
    "description": "Whole local days without working time; one entry per date.",
}
BUSINESS_HOURS = {
    "type": "object",
    "properties": {
        "timezone": {"type": "string", "description": "The IANA time zone the hours are in."},
        "timezone_follows_workspace": {
            "type": "boolean",
            "description": "True when no time zone was set: the workspace's time zone applies.",
        },
        "week": WEEK,
        "holidays": HOLIDAYS,
        "weekly_minutes": {"type": "integer", "description": "Working minutes in a week."},
    },
    "required": ["timezone", "timezone_follows_workspace", "week", "holidays", "weekly_minutes"],
}
BUSINESS_HOURS_INPUT = {
    "type": "object",
    "properties": {
        "timezone": {
            "type": ["string", "null"],
            "description": "An IANA name (Europe/Berlin); null follows the workspace's time zone.",
        },
        "week": WEEK,
        "holidays": HOLIDAYS,
    },
    "additionalProperties": False,
    "description": "Each key given replaces what is stored; keys left out stay as they are.",
}


def business_hours_paths(json, ref, errors) -> tuple[dict, dict]:
    """The paths and schemas of ``/api/v1/settings/business-hours``, built with the
    document's helpers."""
    write = {
        "summary": "Change the business hours (admins)",
        "description": "All or nothing: a 422 lists every wrong field (`week.mon`, "
        "`holidays[2].date`, ...) and saves nothing. Tickets opened or re-prioritised "
        "afterwards get due times from the new hours.",
        "requestBody": {"required": True, **json(ref("business_hours_input"))},
        "responses": {
            "200": {"description": "Saved", **json(ref("business_hours"))},
            **errors(400, 401, 403, 422),
        },
    }
    paths = {
        "/api/v1/settings/business-hours": {
            "get": {
                "operationId": "get_business_hours",
                "summary": "The workspace's business hours: time zone, week and holidays",
                "description": "SLA targets whose `hours` is `business` count only these "
                "working minutes.",
                "responses": {
                    "200": {"description": "The business hours", **json(ref("business_hours"))},
                    **errors(401),
                },
            },
            "put": {"operationId": "set_business_hours", **write},
            "patch": {"operationId": "update_business_hours", **write},
        }
    }
    return paths, {"business_hours": BUSINESS_HOURS, "business_hours_input": BUSINESS_HOURS_INPUT}
