"""Every endpoint under /api/v1 is in the OpenAPI document, and every operation there is an
endpoint: a new route without its description (or a description without its route) fails.

Flask's ``<x>`` becomes ``{x}``. The document describes the record endpoints of each object
on its own path (``/api/v1/objects/companies/{id}``), with that object's schemas, so a rule
with ``<object_name>`` under /api/v1/objects must be there for every object of the
workspace (the relationships of a party: companies and contacts only). Path parameters are
compared by position, not by name (the document calls a record's id ``{id}``).
"""

from __future__ import annotations

import re

import pytest
from openapi_spec_validator import validate as validate_spec

from core.objects import schema as schema_service
from tests.core.objects.conftest import Api, token_for
from tests.core.objects.test_views import run

IGNORED_METHODS = {"HEAD", "OPTIONS"}
# Rules under /api/v1/objects/<object_name> that only some objects have.
ONLY_FOR = {"api.relationships.party_relationships": ("companies", "contacts")}


@pytest.fixture
def api(app, tenant) -> Api:
    return Api(app, token_for(app, tenant, tenant["admin_id"]))


def _template(rule: str) -> str:
    return re.sub(r"<(?:[a-z_]+:)?([a-z_]+)>", r"{\1}", rule)


def _shape(path: str) -> str:
    """The path with its parameters' names left out."""
    return re.sub(r"\{[a-z_]+\}", "{}", path)


def _api_rules(app) -> list[tuple[str, str, str]]:
    return sorted(
        (_template(rule.rule), method.lower(), rule.endpoint)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/")
        for method in rule.methods - IGNORED_METHODS
    )


def _expected(app, objects: list[str]) -> set[tuple[str, str]]:
    expected = set()
    for path, method, endpoint in _api_rules(app):
        if path.startswith("/api/v1/objects/{object_name}"):
            for name in ONLY_FOR.get(endpoint, objects):
                expected.add((_shape(path.replace("{object_name}", name, 1)), method))
        else:
            expected.add((_shape(path), method))
    return expected


def _documented(document: dict) -> set[tuple[str, str]]:
    return {
        (_shape(path), method)
        for path, item in document["paths"].items()
        for method in item
        if method in ("get", "post", "put", "patch", "delete")
    }


def _objects(api) -> list[str]:
    return [obj["name"] for obj in api.get("/api/v1/schema/objects").get_json()["data"]]


def test_every_api_route_is_documented_and_every_documented_operation_exists(app, tenant, api):
    def add(admin):
        schema_service.create_custom_object(name="vehicles", label="Vehicle")

    run(app, tenant, add)  # a custom object's endpoints are documented too
    document = api.get("/api/v1/openapi.json").get_json()
    validate_spec(document)
    objects = _objects(api)
    assert "vehicles" in objects and "relationships" in objects
    expected, documented = _expected(app, objects), _documented(document)
    assert sorted(expected - documented) == [], "routes missing from the OpenAPI document"
    assert sorted(documented - expected) == [], "documented operations without a route"


def test_the_comparison_would_notice_a_new_route(app, api):
    """The meta test itself: a route the document does not know is reported."""
    document = api.get("/api/v1/openapi.json").get_json()
    objects = _objects(api)
    expected = _expected(app, objects) | {("/api/v1/objects/{}/frobnicate", "post")}
    assert ("/api/v1/objects/{}/frobnicate", "post") in expected - _documented(document)
    assert ("/api/v1/deals/forecast", "get") in _documented(document)


def test_operations_are_unique_and_state_their_errors(api):
    document = api.get("/api/v1/openapi.json").get_json()
    operations = [
        (path, method, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
    ]
    ids = [operation["operationId"] for _, _, operation in operations]
    assert len(ids) == len(set(ids)), "operationIds are not unique"
    for path, method, operation in operations:
        responses = operation["responses"]
        where = f"{method.upper()} {path}"
        assert "401" in responses, f"{where}: every endpoint needs a token"
        assert any(code.startswith("2") for code in responses), where
        if method != "get":
            assert "402" in responses, f"{where}: a read-only workspace refuses changes"
        if "Admins only" in operation.get("description", ""):
            assert "403" in responses, where
        for parameter in re.findall(r"\{([a-z_]+)\}", path):
            declared = [p["name"] for p in operation.get("parameters", []) if p["in"] == "path"]
            assert parameter in declared, f"{where}: path parameter {parameter}"
