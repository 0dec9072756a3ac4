"""Input no view could store or parse is refused at the request boundary with a 4xx and a
message: a NUL character anywhere, JSON nested too deep; and a 405 says what is allowed."""

from __future__ import annotations

import pytest

from core.objects import records
from core.objects.records import Filter
from core.objects.types import FIELD_TYPES, FieldValueError
from saas.auth.actors import SYSTEM
from saas.errors import ValidationFailed
from saas.request_guards import MAX_JSON_DEPTH
from tenants.scoping import tenant_scope
from tests.core.objects.conftest import Api, token_for

COMPANIES = "/api/v1/objects/companies"


@pytest.fixture
def api(app, tenant) -> Api:
    return Api(app, token_for(app, tenant, tenant["admin_id"]))


def _refused_for_nul(response):
    assert response.status_code == 400, response.get_data(as_text=True)
    body = response.get_json()
    assert body["error"] == "bad_request" and "NUL" in body["message"]


@pytest.mark.parametrize(
    "body",
    [
        {"name": "Ini\x00tech"},
        {"name": "Initech", "address": {"city": "Spring\x00field"}},
        {"na\x00me": "Initech"},
        {"name": "Initech", "roles": ["cus\x00tomer"]},
    ],
)
def test_a_nul_in_a_json_body_is_a_400(api, body):
    _refused_for_nul(api.post(COMPANIES, json=body))
    assert api.get(COMPANIES).get_json()["data"] == []


@pytest.mark.parametrize(
    "query",
    ["filter[name]=a%00b", "filter[name][contains]=%00", "sort=na%00me", "cursor=%00", "x%00=1"],
)
def test_a_nul_in_the_query_string_is_a_400(api, query):
    _refused_for_nul(api.get(f"{COMPANIES}?{query}"))


def test_a_nul_in_the_path_is_a_400(api):
    _refused_for_nul(api.get("/api/v1/objects/compa%00nies"))
    _refused_for_nul(api.get(f"{COMPANIES}/%00"))


def test_a_nul_in_a_web_form_or_query_is_a_400_page(client):
    page = client.post("/o/companies/new", data={"name": "Ini\x00tech"})
    assert page.status_code == 400 and "NUL" in page.get_data(as_text=True)
    search = client.get("/o/companies?f=name&op=contains&v=%00")
    assert search.status_code == 400 and "NUL" in search.get_data(as_text=True)


def test_a_nul_in_the_sign_in_form_is_a_400(app, tenant):
    response = app.test_client().post(
        "/login", base_url=tenant["host"], data={"email": "a\x00@b.c", "password": "x"}
    )
    assert response.status_code == 400


def test_services_refuse_nul_in_values_and_filters(app, tenant):
    with pytest.raises(FieldValueError, match="NUL"):
        FIELD_TYPES["text"].clean("a\x00b", {})
    with pytest.raises(FieldValueError, match="NUL"):
        FIELD_TYPES["address"].clean({"city": "a\x00b"}, {})
    with app.app_context(), tenant_scope(tenant["id"]):
        with pytest.raises(ValidationFailed) as refused:
            records.create_record("companies", {"name": "Ini\x00tech"}, actor=SYSTEM)
        assert "NUL" in refused.value.errors["name"][0]
        with pytest.raises(ValidationFailed, match="NUL"):
            records.list_records("companies", filters=[Filter("name", "eq", "\x00")], actor=SYSTEM)


@pytest.mark.parametrize("depth", [5_000, MAX_JSON_DEPTH + 1])
def test_json_nested_too_deep_is_a_400_with_a_message(api, depth):
    body = "[" * depth + "]" * depth
    for path in (COMPANIES, f"{COMPANIES}/bulk", "/api/v1/teams"):
        response = api.post(path, data=body, content_type="application/json")
        assert response.status_code == 400, response.get_data(as_text=True)
        assert f"nested more than {MAX_JSON_DEPTH} levels deep" in response.get_json()["message"]


def test_json_nested_within_the_limit_reaches_the_view(api):
    depth_ok = "[" * (MAX_JSON_DEPTH - 1) + "]" * (MAX_JSON_DEPTH - 1)
    response = api.post(COMPANIES, data=depth_ok, content_type="application/json")
    assert response.status_code == 422  # parsed, then refused by the view: not an object


def test_a_body_that_is_not_json_is_a_400_naming_the_problem(api):
    response = api.post(COMPANIES, data="{name: 1", content_type="application/json")
    assert response.status_code == 400
    assert "not valid JSON" in response.get_json()["message"]
    bad_utf8 = api.post(COMPANIES, data=b'{"name": "\xff"}', content_type="application/json")
    assert bad_utf8.status_code == 400


def test_a_405_under_api_is_json_with_an_allow_header(api):
    response = api.put(COMPANIES, json={})
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "POST"}
    assert response.get_json()["error"] == "method_not_allowed"
    assert "PUT" not in response.headers["Allow"]


def test_a_405_on_a_page_has_an_allow_header(app, tenant):
    response = app.test_client().put("/login", base_url=tenant["host"])
    assert response.status_code == 405
    assert "POST" in response.headers["Allow"]
