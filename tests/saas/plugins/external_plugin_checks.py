"""Run by test_external_plugin.py in a pytest process of its own, with the external
``trellis_academy`` package installed (on PYTHONPATH) from the start: the session's app has
loaded it and migrated its branch. Not collected otherwise (no test_ prefix)."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import text

from tests.conftest import TenantClient, make_tenant
from tests.core.objects.conftest import token_for

pytestmark = pytest.mark.skipif(
    os.environ.get("TRELLIS_EXTERNAL_PLUGIN") != "academy",
    reason="run by test_external_plugin.py with the package installed",
)


def _api(app, tenant):
    token = token_for(app, tenant, tenant["admin_id"])
    client = app.test_client()

    def call(method, path, **kwargs):
        headers = {"Authorization": f"Bearer {token}"}
        return client.open(path, method=method, base_url=tenant["host"], headers=headers, **kwargs)

    return call


def _web(app, tenant) -> TenantClient:
    web = TenantClient(app, tenant)
    web.login(tenant["admin_email"], tenant["password"])
    return web


def test_the_plugin_is_installed_and_its_branch_migrated(app, owner_engine):
    from saas.plugins.manager import installed_plugins

    pm = app.extensions["trellis_plugins"]
    assert installed_plugins(pm)["academy"].title == "Training academy"
    with owner_engine.connect() as connection:
        versions = set(connection.scalars(text("SELECT version_num FROM alembic_version")))
        assert "a1ca0e000001" in versions
        connection.execute(text("SELECT count(*) FROM academy_courses"))


def test_enabled_for_acme_it_is_not_there_for_globex(app):
    acme, globex = make_tenant(app, "acme"), make_tenant(app, "globex")
    acme_api, globex_api = _api(app, acme), _api(app, globex)
    acme_web, globex_web = _web(app, acme), _web(app, globex)
    courses = "/api/v1/objects/academy_courses"
    assert acme_api("GET", courses).status_code == 404  # not enabled yet

    enabled = acme_api("POST", "/api/v1/plugins/academy/enable", json={"sample_data": True})
    assert enabled.status_code == 200, enabled.get_data(as_text=True)

    # Its object and sample data, for acme only.
    names = sorted(c["name"] for c in acme_api("GET", courses).get_json()["data"])
    assert names == ["Forklift licence", "Welding basics"]
    assert globex_api("GET", courses).status_code == 404
    assert globex_api("POST", courses, json={"name": "Sneaky"}).status_code == 404
    # Its field on a standard object.
    made = acme_api(
        "POST",
        "/api/v1/objects/contacts",
        json={"last_name": "Learner", "academy_level": "B2"},
    )
    assert made.status_code == 201 and made.get_json()["academy_level"] == "B2"
    refused = globex_api(
        "POST", "/api/v1/objects/contacts", json={"last_name": "X", "academy_level": "B2"}
    )
    assert refused.status_code == 422
    # Its page and menu.
    assert "2 courses" in acme_web.get("/p/academy/").get_data(as_text=True)
    assert globex_web.get("/p/academy/").status_code == 404
    assert 'href="/p/academy/"' in acme_web.get("/").get_data(as_text=True)
    assert 'href="/p/academy/"' not in globex_web.get("/").get_data(as_text=True)
    assert "/o/academy_courses" in acme_web.get("/").get_data(as_text=True)
    assert "/o/academy_courses" not in globex_web.get("/").get_data(as_text=True)
    # Its API in the OpenAPI document.
    acme_doc = acme_api("GET", "/api/v1/openapi.json").get_json()
    globex_doc = globex_api("GET", "/api/v1/openapi.json").get_json()
    assert courses in acme_doc["paths"] and courses not in globex_doc["paths"]
    # The catalogue says who enabled what.
    catalogue = {p["name"]: p for p in globex_api("GET", "/api/v1/plugins").get_json()["data"]}
    assert catalogue["academy"]["enabled"] is False

    # Disabled: hidden, the rows kept; enabled again: back, the sample data not doubled.
    assert acme_api("POST", "/api/v1/plugins/academy/disable").status_code == 200
    assert acme_api("GET", courses).status_code == 404
    assert acme_web.get("/p/academy/").status_code == 404
    assert acme_api("POST", "/api/v1/plugins/academy/enable", json={"sample_data": True})
    assert len(acme_api("GET", courses).get_json()["data"]) == 2
