"""A campaign's performance (GET /api/v1/campaigns/{id}/performance) in the OpenAPI
document. Campaigns and their members are described with every object's records."""

from __future__ import annotations

from core.campaigns.models import MEMBER_STATUSES

_MONEY = {"type": "string", "pattern": "^-?[0-9]+\\.[0-9]{2}$"}
_RATE = {
    "type": ["number", "null"],
    "description": "A percentage of the members; null without members.",
}
PERFORMANCE = {
    "type": "object",
    "properties": {
        "campaign_id": {"type": "string", "format": "uuid"},
        "members": {"type": "integer", "minimum": 0},
        "members_by_status": {
            "type": "object",
            "properties": {s: {"type": "integer", "minimum": 0} for s in MEMBER_STATUSES},
            "required": list(MEMBER_STATUSES),
        },
        "response_rate": _RATE,
        "conversion_rate": _RATE,
        "won_deals": {"type": "integer", "minimum": 0},
        "won_revenue": _MONEY,
        "other_revenue": _MONEY,
        "attributed_revenue": {**_MONEY, "description": "won_revenue + other_revenue"},
        "cost": {"anyOf": [_MONEY, {"type": "null"}]},
        "cost_per_response": {"anyOf": [_MONEY, {"type": "null"}]},
        "roi_percent": {
            "type": ["number", "null"],
            "description": "(attributed revenue - cost) / cost x 100; null without a cost.",
        },
    },
    "required": [
        "campaign_id",
        "members",
        "members_by_status",
        "response_rate",
        "conversion_rate",
        "won_deals",
        "won_revenue",
        "other_revenue",
        "attributed_revenue",
        "cost",
        "cost_per_response",
        "roi_percent",
    ],
}


def campaign_paths(json, ref, errors) -> tuple[dict, dict]:
    paths = {
        "/api/v1/campaigns/{campaign_id}/performance": {
            "get": {
                "operationId": "campaign_performance",
                "summary": "What a campaign reached and returned",
                "description": "Of a campaign you may see. Members and won deals count "
                "whoever owns them, as roll-ups do.",
                "tags": ["Campaigns"],
                "parameters": [
                    {
                        "name": "campaign_id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string", "format": "uuid"},
                    }
                ],
                "responses": {
                    "200": {"description": "The figures", **json(ref("CampaignPerformance"))},
                    **errors(401, 403, 404),
                },
            }
        }
    }
    return paths, {"CampaignPerformance": PERFORMANCE}
