"""Field-level access on standard fields: an admin hides companies.credit_limit from members
or makes deals.amount read-only for them, through the permissions API or page, and the
API, forms, lists, filters, sort, exports, search, history and OpenAPI follow."""

from __future__ import annotations

import csv
import io

from tests.conftest import add_user
from tests.core.objects.conftest import Api, token_for
from tests.core.objects.test_views import member_client, text

COMPANIES = "/api/v1/objects/companies"
DEALS = "/api/v1/objects/deals"


def _restrict(api, role, object_name, fields):
    response = api.put(f"/api/v1/permissions/{role}/{object_name}", json={"fields": fields})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_a_hidden_standard_field_is_gone_for_the_role(app, tenant, api, member_api):
    body = _restrict(api, "member", "companies", {"credit_limit": "hidden"})
    assert body["fields"] == {"credit_limit": "hidden"} and body["read"] is True
    company = api.post(COMPANIES, json={"name": "Rich", "credit_limit": "9000"}).get_json()
    api.post(COMPANIES, json={"name": "Poor", "credit_limit": "10"})
    path = f"{COMPANIES}/{company['id']}"
    assert api.get(path).get_json()["credit_limit"] == "9000.00"  # admins see everything

    assert "credit_limit" not in member_api.get(path).get_json()
    assert all("credit_limit" not in row for row in member_api.get(COMPANIES).get_json()["data"])
    for query in ("filter[credit_limit][gt]=100", "sort=credit_limit"):
        refused = member_api.get(f"{COMPANIES}?{query}")
        assert refused.status_code == 422, query
    written = member_api.patch(path, json={"credit_limit": "1"})
    assert written.status_code == 422 and "credit_limit" in written.get_json()["fields"]
    schema = member_api.get("/api/v1/schema/objects/companies/fields").get_json()["data"]
    assert "credit_limit" not in {f["name"] for f in schema}
    document = member_api.get("/api/v1/openapi.json").get_json()
    assert "credit_limit" not in document["components"]["schemas"]["companies"]["properties"]
    export = member_api.get(f"{COMPANIES}/export.csv").get_data(as_text=True)
    assert "credit_limit" not in next(csv.reader(io.StringIO(export.lstrip("\ufeff"))))
    api.patch(path, json={"credit_limit": "9500"})
    history = member_api.get(f"{path}/history").get_json()["data"]
    assert history and all("credit_limit" not in entry["changes"] for entry in history)

    # Managers are untouched; setting it back makes it visible again.
    manager = Api(
        app,
        token_for(app, tenant, add_user(app, tenant, email="m@acme.example.com", role="manager")),
    )
    assert manager.get(path).get_json()["credit_limit"] == "9500.00"
    assert _restrict(api, "member", "companies", {"credit_limit": "editable"})["fields"] == {}
    assert member_api.get(path).get_json()["credit_limit"] == "9500.00"


def test_a_read_only_standard_field_is_shown_but_not_written(app, tenant, api, member_api):
    _restrict(api, "member", "deals", {"amount": "read_only"})
    deal = api.post(DEALS, json={"name": "Big", "amount": 500}).get_json()
    path = f"{DEALS}/{deal['id']}"
    row = member_api.get(path).get_json()
    assert row["amount"] == "500.00"
    refused = member_api.patch(path, json={"amount": 1})
    assert refused.status_code == 422
    assert refused.get_json()["fields"]["amount"] == ["You cannot change this field."]
    assert member_api.get(f"{DEALS}?filter[amount][gte]=100").status_code == 200
    assert member_api.patch(path, json={"name": "Bigger"}).status_code == 200
    # Creating still works without it.
    created = member_api.post(DEALS, json={"name": "Own"})
    assert created.status_code == 201, created.get_json()
    assert member_api.post(DEALS, json={"name": "Own", "amount": 3}).status_code == 422
    document = member_api.get("/api/v1/openapi.json").get_json()
    schemas = document["components"]["schemas"]
    assert "amount" in schemas["deals"]["properties"]
    assert "amount" not in schemas["deals_input"]["properties"]
    admin_document = api.get("/api/v1/openapi.json").get_json()
    assert "amount" in admin_document["components"]["schemas"]["deals_input"]["properties"]


def test_bad_field_access_is_refused_field_by_field_and_writes_nothing(api):
    refused = api.put(
        "/api/v1/permissions/member/companies",
        json={
            "read": False,
            "fields": {
                "nosuch": "hidden",
                "name": "hidden",
                "industry": "secret",
                "credit_limit": "hidden",
            },
        },
    )
    assert refused.status_code == 422
    fields = refused.get_json()["fields"]
    assert set(fields) == {"fields.nosuch", "fields.name", "fields.industry"}
    assert "required" in fields["fields.name"][0]
    current = api.get("/api/v1/permissions/member/companies").get_json()
    assert current["fields"] == {} and current["read"] is True  # nothing was written
    for body in ({"fields": ["name"]}, {"fields": {"weighted_amount": "read_only"}}):
        assert api.put("/api/v1/permissions/member/deals", json=body).status_code == 422
    assert (
        api.put(
            "/api/v1/permissions/admin/companies", json={"fields": {"industry": "hidden"}}
        ).status_code
        == 422
    )


def test_the_permissions_list_names_restricted_fields_custom_ones_too(app, tenant, api):
    api.post(
        "/api/v1/schema/objects/companies/fields",
        json={"name": "margin", "label": "Margin", "type": "number"},
    )
    _restrict(api, "viewer", "companies", {"margin": "hidden", "annual_revenue": "read_only"})
    rows = api.get("/api/v1/permissions").get_json()["data"]
    viewer = next(r for r in rows if r["role"] == "viewer" and r["object"] == "companies")
    assert viewer["fields"] == {"margin": "hidden", "annual_revenue": "read_only"}
    # The custom field's access is the one the schema shows.
    schema = api.get("/api/v1/schema/objects/companies/fields").get_json()["data"]
    assert next(f for f in schema if f["name"] == "margin")["access"] == {"viewer": "hidden"}


def test_only_admins_set_field_access(member_api):
    response = member_api.put(
        "/api/v1/permissions/member/companies", json={"fields": {"industry": "hidden"}}
    )
    assert response.status_code == 403


def test_web_pages_follow_standard_field_access(app, tenant, api, login_as):
    _restrict(api, "member", "companies", {"annual_revenue": "hidden", "industry": "read_only"})
    company = api.post(
        COMPANIES, json={"name": "Webby", "annual_revenue": "123456", "industry": "Retail"}
    ).get_json()
    member, _ = member_client(app, tenant, login_as)
    page = text(member.get(f"/o/companies/{company['id']}"))
    assert "123,456" not in page and "123456" not in page and "Annual revenue" not in page
    assert "Retail" in page
    form = text(member.get("/o/companies/new"))
    assert 'name="annual_revenue"' not in form and 'name="industry"' not in form
    assert 'name="name"' in form
    member.post("/o/companies/columns", data={"columns": ["annual_revenue", "industry"]})
    listing = text(member.get("/o/companies"))
    assert "Annual revenue" not in listing and "123,456" not in listing
    assert "Retail" in listing
    edit = member.post(f"/o/companies/{company['id']}/fields/industry", data={"industry": "Energy"})
    assert edit.status_code in (403, 404, 422)
    assert member.get("/o/companies?f=annual_revenue&op=gt&v=1").status_code == 422
    found = text(member.get("/search?q=Webby"))
    assert "Webby" in found and "123456" not in found


def test_the_admin_page_sets_field_access(app, tenant, client, api):
    page = text(client.get("/admin/permissions"))
    assert "/admin/permissions/companies/fields" in page
    page = text(client.get("/admin/permissions/companies/fields"))
    assert 'name="member.credit_limit"' in page and "required" in page.lower()
    assert 'name="member.name"' not in page  # required: not settable
    saved = client.post(
        "/admin/permissions/companies/fields",
        data={"member.credit_limit": "hidden", "viewer.industry": "read_only"},
    )
    assert saved.status_code == 303
    current = api.get("/api/v1/permissions/member/companies").get_json()
    assert current["fields"] == {"credit_limit": "hidden"}
    viewer = api.get("/api/v1/permissions/viewer/companies").get_json()
    assert viewer["fields"] == {"industry": "read_only"}
    page = text(client.get("/admin/permissions/companies/fields"))
    assert 'value="hidden" selected' in page
    refused = client.post(
        "/admin/permissions/companies/fields", data={"member.credit_limit": "secret"}
    )
    assert refused.status_code == 422 and "Choose" in text(refused)
    assert client.get("/admin/permissions/spaceships/fields").status_code == 404
