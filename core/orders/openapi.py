"""Quote to order conversion and the credit check setting in the OpenAPI document. Quotes
and orders themselves, with their lines, are described with every object's records."""

from __future__ import annotations

from core.orders.services import CREDIT_CHECK_MODES

CREDIT_CHECK = {
    "type": "object",
    "properties": {
        "mode": {"enum": list(CREDIT_CHECK_MODES)},
        "modes": {"type": "array", "items": {"enum": list(CREDIT_CHECK_MODES)}},
    },
    "required": ["mode", "modes"],
}


def order_paths(json, ref, errors) -> tuple[dict, dict]:
    credit_check = json(ref("CreditCheck"))
    paths = {
        "/api/v1/objects/quotes/{id}/convert": {
            "post": {
                "operationId": "convert_quote",
                "summary": "Turn an accepted quote into a draft order",
                "description": "With the quote's customer, contact, deal, price book, "
                "discount, tax and lines at the quote's prices. Needs the rights to update "
                "quotes and create orders. 409 when the quote is not accepted or was "
                "converted already; 422 credit_limit_exceeded when the workspace's credit "
                "check blocks.",
                "tags": ["Quotes"],
                "parameters": [
                    {
                        "name": "id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string", "format": "uuid"},
                    }
                ],
                "responses": {
                    "201": {
                        "description": "The order (with warnings when the credit check warned)",
                        "headers": {
                            "ETag": {"schema": {"type": "string"}},
                            "Location": {"schema": {"type": "string"}},
                        },
                        **json(ref("orders")),
                    },
                    **errors(401, 403, 404, 409, 422),
                },
            }
        },
        "/api/v1/settings/credit-check": {
            "get": {
                "operationId": "get_credit_check",
                "summary": "What happens when an order would exceed the customer's credit limit",
                "tags": ["Orders"],
                "responses": {
                    "200": {"description": "The mode", **credit_check},
                    **errors(401),
                },
            },
            "put": {
                "operationId": "set_credit_check",
                "summary": "Set the credit check: off, warn or block",
                "description": "Admins only: other roles get 403.",
                "tags": ["Orders"],
                "requestBody": {
                    "required": True,
                    **json(
                        {
                            "type": "object",
                            "required": ["mode"],
                            "properties": {"mode": {"enum": list(CREDIT_CHECK_MODES)}},
                            "additionalProperties": False,
                        }
                    ),
                },
                "responses": {
                    "200": {"description": "The mode now", **credit_check},
                    **errors(401, 403, 422),
                },
            },
        },
    }
    return paths, {"CreditCheck": CREDIT_CHECK}
