"""The OpenAPI description of the business hours endpoint matches what the endpoint does."""

from __future__ import annotations

import jsonschema

from core.tickets.openapi_hours import business_hours_paths

HOURS = "/api/v1/settings/business-hours"


def _document() -> tuple[dict, dict]:
    def ref(name):
        return {"$ref": f"#/components/schemas/{name}"}

    def json(schema):
        return {"content": {"application/json": {"schema": schema}}}

    def errors(*codes):
        return {str(code): {"description": "Error"} for code in codes}

    return business_hours_paths(json, ref, errors)


def _validator(schemas: dict, name: str) -> jsonschema.Draft202012Validator:
    schema = {**schemas[name], "$defs": schemas}
    return jsonschema.Draft202012Validator(schema)


def test_the_paths_name_every_method_and_error():
    paths, schemas = _document()
    item = paths[HOURS]
    assert set(item) == {"get", "put", "patch"}
    assert {"400", "403", "422"} <= set(item["put"]["responses"])
    assert set(schemas) == {"business_hours", "business_hours_input"}
    for schema in schemas.values():
        jsonschema.Draft202012Validator.check_schema(schema)


def test_answers_and_accepted_bodies_fit_the_schemas(api):
    _, schemas = _document()
    body = {
        "timezone": "Europe/Berlin",
        "week": {
            "mon": [{"start": "09:00", "end": "12:00"}, {"start": "13:00", "end": "24:00"}],
            "tue": [],
            "wed": [],
            "thu": [],
            "fri": [{"start": "00:00", "end": "06:00"}],
            "sat": [],
            "sun": [],
        },
        "holidays": [{"date": "2026-12-25", "name": "Christmas Day"}],
    }
    _validator(schemas, "business_hours_input").validate(body)
    response = api.put(HOURS, json=body)
    assert response.status_code == 200
    _validator(schemas, "business_hours").validate(response.get_json())
    _validator(schemas, "business_hours").validate(api.get(HOURS).get_json())
