"""The OpenAPI document is assembled from the register_openapi_paths hooks (a new area's
path appears with no list edited), and it is built once per tenant, role and object
metadata, then served from the app's cache until that metadata changes."""

from __future__ import annotations

import importlib
import pathlib

import pytest

from core.objects import openapi as openapi_module
from core.objects import schema as schema_service
from core.objects.openapi import openapi_document
from core.objects.registry import standard_objects
from saas.plugins import hookimpl
from saas.plugins.manager import build_manager
from tests.conftest import add_user, run_as_admin, test_config
from tests.core.objects.conftest import Api, token_for
from tests.saas.plugins.fake_area import app_with, fake_area

FAKE_HOOKS = """
    from flask import Blueprint, jsonify

    from saas.plugins import hookimpl

    api = Blueprint("zz_fake", __name__)


    @api.get("/zz-stock")
    def stock():
        return jsonify(level=3)


    @hookimpl
    def register_api_blueprints():
        return [api]


    @hookimpl
    def register_openapi_paths(json, errors):
        level = {"type": "object", "properties": {"level": {"type": "integer"}}}
        paths = {
            "/api/v1/zz-stock": {
                "get": {
                    "operationId": "zz_stock",
                    "summary": "Stock",
                    "responses": {"200": {"description": "The level", **json(level)}},
                }
            }
        }
        return [(paths, {"ZzLevel": level})]
"""


def test_a_new_areas_paths_appear_in_the_document(tmp_path, monkeypatch, database_urls, tenant):
    with (
        fake_area(tmp_path, monkeypatch, FAKE_HOOKS),
        app_with(test_config(*database_urls)) as fake,
    ):
        api = Api(fake, token_for(fake, tenant, tenant["admin_id"]))
        document = api.get("/api/v1/openapi.json", base_url=tenant["host"]).get_json()
        operation = document["paths"]["/api/v1/zz-stock"]["get"]
        assert operation["operationId"] == "zz_stock"
        assert {"200", "400", "401", "402", "429"} <= set(operation["responses"])
        assert "ZzLevel" in document["components"]["schemas"]
        answer = api.get("/api/v1/zz-stock", base_url=tenant["host"])
        assert answer.get_json() == {"level": 3}


def test_core_paths_come_from_the_areas_hooks():
    pm = build_manager()
    document = openapi_document(list(standard_objects().values()), role="admin", pm=pm)
    paths = document["paths"]
    for path in ("/api/v1/me", "/api/v1/permissions", "/api/v1/deals/{id}/stage"):
        assert any(p.startswith(path.split("{")[0]) for p in paths), path
    assert "/api/v1/objects/companies/{id}" in paths


def test_a_path_described_twice_stops_the_build():
    pm = build_manager()

    class Copycat:
        @hookimpl
        def register_openapi_paths(self):
            return [({"/api/v1/me": {}}, {})]

    pm.register(Copycat(), name="copycat")
    with pytest.raises(AssertionError, match="described twice"):
        openapi_document(list(standard_objects().values()), role="admin", pm=pm)


def test_the_saas_api_imports_no_core_or_admin_module():
    root = pathlib.Path(importlib.import_module("saas.api").__file__).parent
    for path in root.glob("*.py"):
        text = path.read_text()
        assert "from core" not in text and "import core" not in text, path
        assert "from admin" not in text and "import admin" not in text, path


@pytest.fixture
def admin_api(app, tenant) -> Api:
    return Api(app, token_for(app, tenant, tenant["admin_id"]))


@pytest.fixture
def builds(monkeypatch):
    """How many documents were built."""
    calls = []
    real = openapi_module.openapi_document

    def counting(*args, **kwargs):
        calls.append(kwargs.get("role"))
        return real(*args, **kwargs)

    monkeypatch.setattr(openapi_module, "openapi_document", counting)
    return calls


def test_the_document_is_built_once_until_the_metadata_changes(
    app, tenant, other_tenant, admin_api, builds
):
    first = admin_api.get("/api/v1/openapi.json")
    again = admin_api.get("/api/v1/openapi.json")
    assert first.status_code == again.status_code == 200
    assert first.get_data() == again.get_data()
    assert len(builds) == 1
    etag = first.headers["ETag"]
    assert admin_api.get("/api/v1/openapi.json", headers={"If-None-Match": etag}).status_code == 304

    run_as_admin(
        app,
        tenant,
        lambda admin: schema_service.add_field(
            "companies", name="fleet_size", label="Fleet size", type="number"
        ),
    )
    changed = admin_api.get("/api/v1/openapi.json")
    assert len(builds) == 2
    assert changed.headers["ETag"] != etag
    assert "fleet_size" in changed.get_json()["components"]["schemas"]["companies"]["properties"]


def test_each_role_and_tenant_gets_its_own_document(app, tenant, other_tenant, admin_api, builds):
    member = Api(app, token_for(app, tenant, add_user(app, tenant, email="m@acme.example.com")))
    globex = Api(app, token_for(app, other_tenant, other_tenant["admin_id"]))
    admin_api.get("/api/v1/openapi.json")
    member.get("/api/v1/openapi.json")
    globex.get("/api/v1/openapi.json")
    assert builds == ["admin", "member", "admin"]
