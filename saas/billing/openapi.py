"""The billing endpoint (/api/v1/billing) in the OpenAPI document."""

from __future__ import annotations

from saas.billing.models import STATUSES

BILLING = {
    "type": "object",
    "properties": {
        "plan": {"type": "string"},
        "plan_name": {"type": "string"},
        "interval": {"enum": ["month", "year"]},
        "status": {"enum": list(STATUSES)},
        "read_only_reason": {"type": ["string", "null"]},
        "seats_used": {
            "type": "integer",
            "description": "Active users with an editing role (viewers are free).",
        },
        "seats_paid": {"type": "integer"},
        "seat_limit": {"type": ["integer", "null"], "description": "Set on Free only."},
        "trial_ends_at": {"type": ["string", "null"], "format": "date-time"},
        "current_period_end": {"type": ["string", "null"], "format": "date-time"},
        "grace_ends_at": {"type": ["string", "null"], "format": "date-time"},
        "cancel_at_period_end": {"type": "boolean"},
        "unit_amount": {
            "type": ["integer", "null"],
            "description": "Price per seat and interval, in cents.",
        },
        "currency": {"type": "string"},
        "features": {"type": "array", "items": {"type": "string"}},
    },
    "required": [
        "plan",
        "plan_name",
        "interval",
        "status",
        "read_only_reason",
        "seats_used",
        "seats_paid",
        "seat_limit",
        "cancel_at_period_end",
        "currency",
        "features",
    ],
}


def billing_paths(json, ref, errors) -> tuple[dict, dict]:
    paths = {
        "/api/v1/billing": {
            "get": {
                "operationId": "get_billing",
                "summary": "The workspace's plan, status and seats",
                "description": "Admins only: other roles get 403. In a read-only workspace "
                "every change answers 402; reads and exports keep working.",
                "tags": ["Account"],
                "responses": {
                    "200": {"description": "The billing summary", **json(ref("Billing"))},
                    **errors(401, 403),
                },
            }
        }
    }
    return paths, {"Billing": BILLING}
