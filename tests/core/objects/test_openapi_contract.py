"""Contract tests: the API answers as its OpenAPI document says.

The document is checked against the OpenAPI 3.1 specification; then, for every object it
describes, bodies generated from the document's own input schema (tests/jsonschema_strategies.py) go
through create, read, update, list and delete, and every answer must have a status the
document lists for that operation and a body valid against the schema it gives there. Never
a 500, whatever the generated input."""

from __future__ import annotations

import copy

import jsonschema
from hypothesis import HealthCheck, given, settings
from openapi_spec_validator import validate as validate_spec
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012 as _DRAFT

from core.objects import schema as schema_service
from tests.core.objects.test_views import run
from tests.jsonschema_strategies import from_schema

DOC_URI = "urn:trellis:openapi"


class Contract:
    def __init__(self, document: dict) -> None:
        self.document = document
        resource = Resource.from_contents(document, default_specification=_DRAFT)
        self.registry = Registry().with_resource(DOC_URI, resource)

    def check(self, path: str, method: str, response) -> None:
        """``response`` has a status documented for the operation and a body valid
        against the schema documented for that status."""
        operation = self.document["paths"][path][method]
        documented = operation["responses"]
        status = str(response.status_code)
        body = response.get_data(as_text=True)
        assert status in documented, f"{method.upper()} {path}: {status} {body[:300]}"
        content = documented[status].get("content")
        if content is None:
            assert not body.strip(), f"{method.upper()} {path}: {status} has a body"
            return
        pointer = "/".join(
            part.replace("~", "~0").replace("/", "~1")
            for part in ("paths", path, method, "responses", status, "content")
        )
        schema = {"$ref": f"{DOC_URI}#/{pointer}/application~1json/schema"}
        validator = jsonschema.Draft202012Validator(schema, registry=self.registry)
        errors = sorted(validator.iter_errors(response.get_json()), key=str)
        assert not errors, f"{method.upper()} {path} {status}: {errors[0].message}"


def _input_schema(document: dict, name: str, *, creating: bool) -> dict:
    schema = copy.deepcopy(document["components"]["schemas"][f"{name}_input"])
    if creating:
        schema["required"] = schema.pop("x-required-on-create", [])
    else:
        schema.pop("x-required-on-create", None)
    return schema


def _add_custom_fields(app, tenant) -> None:
    """A few custom fields of different types, so they are part of the contract too."""

    def add(admin):
        schema_service.add_field(
            "companies",
            name="tier",
            label="Tier",
            type="picklist",
            filterable=True,
            options={"values": [{"value": "Gold"}, {"value": "Silver"}]},
        )
        schema_service.add_field(
            "companies",
            name="score",
            label="Score",
            type="number",
            filterable=True,
            options={"min": 0, "max": 100},
        )
        schema_service.add_field("contacts", name="met_on", label="Met on", type="date")

    run(app, tenant, add)


def test_document_is_valid_openapi(api):
    document = api.get("/api/v1/openapi.json").get_json()
    validate_spec(document)
    assert "/api/v1/objects/companies" in document["paths"]


def test_every_object_answers_as_documented(app, tenant, api):
    _add_custom_fields(app, tenant)
    document = api.get("/api/v1/openapi.json").get_json()
    validate_spec(document)
    contract = Contract(document)
    names = [
        path.rsplit("/", 1)[1]
        for path in document["paths"]
        if path.startswith("/api/v1/objects/") and path.count("/") == 4
    ]
    assert {"companies", "contacts", "leads", "deals", "activities"} <= set(names)
    created: dict[str, int] = {}
    for name in names:
        created[name] = _exercise(api, contract, document, name)
    # Generated input is mostly refused (random lookups, rules); some must get through.
    assert sum(created.values()) >= len(names), created


def _exercise(api, contract: Contract, document: dict, name: str) -> int:
    collection = f"/api/v1/objects/{name}"
    item = collection + "/{id}"
    counts = {"created": 0}

    @settings(
        max_examples=12,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(
        body=from_schema(_input_schema(document, name, creating=True)),
        change=from_schema(_input_schema(document, name, creating=False)),
    )
    def check(body, change):
        response = api.post(collection, json=body)
        contract.check(collection, "post", response)
        if response.status_code != 201:
            return
        counts["created"] += 1
        path = f"{collection}/{response.get_json()['id']}"
        contract.check(item, "get", api.get(path))
        contract.check(item, "patch", api.patch(path, json=change))
        contract.check(collection, "get", api.get(collection + "?limit=5"))
        contract.check(item, "delete", api.delete(path))
        contract.check(item, "get", api.get(path))  # 404 now

    check()
    contract.check(collection, "get", api.get(collection + "?limit=0"))  # 422
    contract.check(collection, "get", api.get(collection + "?sort=nosuch"))
    contract.check(item, "get", api.get(collection + "/not-an-id"))
    return counts["created"]
