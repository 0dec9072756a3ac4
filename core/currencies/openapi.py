"""Currencies and exchange rates in the OpenAPI document (``/api/v1/openapi.json``)."""

from __future__ import annotations

from core.currencies.services import IMPORT_COLUMNS, MAX_IMPORT_ROWS

ADMINS = "Admins only: other roles get 403."
TAGS = ["Currencies"]
_CODE = {
    "type": "string",
    "pattern": "^[A-Za-z]{3}$",
    "description": "An ISO 4217 code (Babel's CLDR data), such as CNY or HKD.",
}
_RATE = {
    "anyOf": [
        {"type": "string", "pattern": r"^\s*[0-9]+(\.[0-9]+)?\s*$"},
        {"type": "number", "exclusiveMinimum": 0},
    ],
    "description": "What one unit of the currency is worth in the corporate currency "
    "(greater than 0, at most 10 decimals); answered as a decimal string.",
}
CURRENCY = {
    "type": "object",
    "properties": {
        "code": {"type": "string"},
        "name": {"type": "string", "description": "In the reader's language."},
        "digits": {"type": "integer", "description": "Minor units: JPY 0, CNY 2."},
        "corporate": {"type": "boolean"},
    },
    "required": ["code", "name", "digits", "corporate"],
}
CURRENCIES = {
    "type": "object",
    "properties": {
        "corporate": {"type": "string", "description": "The reporting currency."},
        "data": {"type": "array", "items": {"$ref": "#/components/schemas/Currency"}},
    },
    "required": ["corporate", "data"],
}
CODE_INPUT = {
    "type": "object",
    "properties": {"code": _CODE},
    "required": ["code"],
    "additionalProperties": False,
}
EXCHANGE_RATE = {
    "type": "object",
    "properties": {
        "id": {"type": "string", "format": "uuid"},
        "currency": {"type": "string"},
        "valid_from": {"type": "string", "format": "date"},
        "rate": {"type": "string"},
    },
    "required": ["id", "currency", "valid_from", "rate"],
}
EXCHANGE_RATE_INPUT = {
    "type": "object",
    "properties": {
        "currency": {**_CODE, "description": "An enabled currency other than the corporate one."},
        "valid_from": {
            "type": "string",
            "format": "date",
            "description": "The rate holds from this day until the currency's next rate.",
        },
        "rate": _RATE,
    },
    "required": ["currency", "valid_from", "rate"],
    "additionalProperties": False,
}


def currency_paths(json, ref, errors) -> tuple[dict, dict]:
    paths = {
        "/api/v1/currencies": {
            "get": {
                "operationId": "list_currencies",
                "summary": "The workspace's currencies, the corporate one first",
                "tags": TAGS,
                "responses": {"200": {"description": "The currencies", **json(ref("Currencies"))}},
            },
            "post": {
                "operationId": "enable_currency",
                "summary": "Enable a currency for amounts",
                "description": ADMINS,
                "tags": TAGS,
                "requestBody": {"required": True, **json(ref("CurrencyCode"))},
                "responses": {
                    "201": {"description": "Enabled", **json(ref("Currency"))},
                    **errors(403, 422),
                },
            },
        },
        "/api/v1/currencies/corporate": {
            "put": {
                "operationId": "set_corporate_currency",
                "summary": "Choose the corporate (reporting) currency",
                "description": f"{ADMINS} Refused (409) while exchange rates exist: they are "
                "quoted in the corporate currency. Every corporate value is recomputed.",
                "tags": TAGS,
                "requestBody": {"required": True, **json(ref("CurrencyCode"))},
                "responses": {
                    "200": {"description": "The currencies", **json(ref("Currencies"))},
                    **errors(403, 409, 422),
                },
            }
        },
        "/api/v1/currencies/{code}": {
            "delete": {
                "operationId": "disable_currency",
                "summary": "Disable a currency (its rates are kept)",
                "description": f"{ADMINS} The corporate currency stays enabled (409).",
                "tags": TAGS,
                "parameters": [
                    {"name": "code", "in": "path", "required": True, "schema": {"type": "string"}}
                ],
                "responses": {"204": {"description": "Disabled"}, **errors(403, 404, 409, 422)},
            }
        },
        "/api/v1/exchange-rates": {
            "get": {
                "operationId": "list_exchange_rates",
                "summary": "The exchange rates, by currency, newest first",
                "tags": TAGS,
                "parameters": [
                    {
                        "name": "currency",
                        "in": "query",
                        "schema": {"type": "string"},
                        "description": "Only this currency's rates.",
                    }
                ],
                "responses": {
                    "200": {
                        "description": "The rates",
                        **json(
                            {
                                "type": "object",
                                "properties": {
                                    "data": {"type": "array", "items": ref("ExchangeRate")}
                                },
                                "required": ["data"],
                            }
                        ),
                    },
                    **errors(422),
                },
            },
            "post": {
                "operationId": "set_exchange_rate",
                "summary": "Record a rate valid from a day (replacing that day's rate)",
                "description": f"{ADMINS} The amounts the rate applies to are re-valued.",
                "tags": TAGS,
                "requestBody": {"required": True, **json(ref("ExchangeRateInput"))},
                "responses": {
                    "201": {"description": "Recorded", **json(ref("ExchangeRate"))},
                    **errors(403, 422),
                },
            },
        },
        "/api/v1/exchange-rates/import": {
            "post": {
                "operationId": "import_exchange_rates",
                "summary": "Import rates from a CSV file (all rows or none)",
                "description": f"{ADMINS} A header row naming {', '.join(IMPORT_COLUMNS)} (any "
                f"order), then at most {MAX_IMPORT_ROWS} rows. One wrong row and nothing is "
                'written: the 422 lists every wrong row under `fields` ("line 3": [...]).',
                "tags": TAGS,
                "requestBody": {
                    "required": True,
                    "content": {"text/csv": {"schema": {"type": "string"}}},
                },
                "responses": {
                    "200": {
                        "description": "Imported",
                        **json(
                            {
                                "type": "object",
                                "properties": {"imported": {"type": "integer"}},
                                "required": ["imported"],
                            }
                        ),
                    },
                    **errors(403, 422),
                },
            }
        },
        "/api/v1/exchange-rates/{rate_id}": {
            "delete": {
                "operationId": "delete_exchange_rate",
                "summary": "Delete a rate (the amounts it applied to are re-valued)",
                "description": ADMINS,
                "tags": TAGS,
                "parameters": [
                    {
                        "name": "rate_id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string", "format": "uuid"},
                    }
                ],
                "responses": {"204": {"description": "Deleted"}, **errors(403, 404)},
            }
        },
    }
    schemas = {
        "Currency": CURRENCY,
        "Currencies": CURRENCIES,
        "CurrencyCode": CODE_INPUT,
        "ExchangeRate": EXCHANGE_RATE,
        "ExchangeRateInput": EXCHANGE_RATE_INPUT,
    }
    return paths, schemas
