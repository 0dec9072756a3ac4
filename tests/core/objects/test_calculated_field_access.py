"""Calculated fields never show what their reader may not see: a formula over a hidden field
and a roll-up over an object or field hidden from the reader are hidden themselves, in the
API, filters, exports and the OpenAPI document. Formulas compute with numbers only."""

from __future__ import annotations

import csv
import io

import pytest

from core.objects import records, schema
from core.objects.registry import object_for_tenant
from tests.core.objects.conftest import Api, token_for
from tests.core.objects.test_views import make, run, set_rights

COMPANIES = "/api/v1/objects/companies"
FIELDS = "/api/v1/schema/objects/companies/fields"


def _add(api, object_name="companies", **field):
    response = api.post(f"/api/v1/schema/objects/{object_name}/fields", json=field)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


@pytest.fixture
def secret_formulas(app, tenant, api):
    _add(api, name="secret", label="Secret", type="number", access={"member": "hidden"})
    _add(api, name="bonus", label="Bonus", type="number")
    _add(api, name="leak", label="Leak", type="formula", options={"expression": "secret * 1"})
    _add(api, name="leak_too", label="Leak too", type="formula", options={"expression": "leak + 1"})
    _add(api, name="safe", label="Safe", type="formula", options={"expression": "bonus * 2"})
    company = api.post(COMPANIES, json={"name": "Cagey", "secret": 42, "bonus": 5}).get_json()
    return company


def test_a_formula_over_a_hidden_field_is_hidden(app, tenant, api, member_api, secret_formulas):
    path = f"{COMPANIES}/{secret_formulas['id']}"
    admin_row = api.get(path).get_json()
    assert (admin_row["leak"], admin_row["leak_too"], admin_row["safe"]) == (42, 43, 10)

    for row in (member_api.get(path).get_json(), member_api.get(COMPANIES).get_json()["data"][0]):
        assert "secret" not in row and "leak" not in row and "leak_too" not in row
        assert row["safe"] == 10
    # The schema, the OpenAPI document, history, the CSV export: none shows it.
    names = {f["name"] for f in member_api.get(FIELDS).get_json()["data"]}
    assert "leak" not in names and "leak_too" not in names and "safe" in names
    document = member_api.get("/api/v1/openapi.json").get_json()
    properties = document["components"]["schemas"]["companies"]["properties"]
    assert "leak" not in properties and "leak_too" not in properties and "safe" in properties
    export = member_api.get(f"{COMPANIES}/export.csv").get_data(as_text=True)
    header = next(csv.reader(io.StringIO(export.lstrip("\ufeff"))))
    assert "leak" not in header and "leak_too" not in header and "safe" in header
    # Asking for it by name does not help.
    assert "leak" not in member_api.get(f"{path}?fields=leak,name").get_json()
    refused = member_api.get(f"{COMPANIES}?sort=leak")
    assert refused.status_code == 422


def test_a_formula_is_hidden_from_the_web_pages_too(app, tenant, login_as, secret_formulas):
    from tests.core.objects.test_views import member_client

    member, _ = member_client(app, tenant, login_as)
    page = member.get(f"/o/companies/{secret_formulas['id']}").get_data(as_text=True)
    assert "Leak" not in page
    assert "Safe" in page


def _deals_rollups(api):
    _add(
        api,
        "deals",
        name="cost",
        label="Cost",
        type="number",
        filterable=True,
        access={"member": "hidden"},
    )
    for name, function, field in (
        ("deal_count", "count", None),
        ("deal_total", "sum", "amount"),
        ("deal_cost", "sum", "cost"),
    ):
        options = {"related_object": "deals", "via": "company_id", "function": function}
        if field:
            options["related_field"] = field
        _add(api, name=name, label=name.replace("_", " "), type="rollup", options=options)


def test_rollups_over_what_the_reader_cannot_see_are_hidden(app, tenant, api, member_api):
    _deals_rollups(api)
    company = api.post(COMPANIES, json={"name": "Rolled"}).get_json()
    for amount, cost in ((100, 30), (50, 20)):
        created = api.post(
            "/api/v1/objects/deals",
            json={
                "name": f"Deal {amount}",
                "company_id": company["id"],
                "amount": amount,
                "cost": cost,
            },
        )
        assert created.status_code == 201, created.get_json()
    path = f"{COMPANIES}/{company['id']}"
    admin_row = api.get(path).get_json()
    assert (admin_row["deal_count"], admin_row["deal_total"], admin_row["deal_cost"]) == (
        2,
        150,
        50,
    )
    row = member_api.get(path).get_json()
    assert row["deal_count"] == 2 and row["deal_total"] == 150
    assert "deal_cost" not in row  # sums a field hidden from members

    set_rights(app, tenant, "deals", read=False)
    row = member_api.get(path).get_json()
    assert not {"deal_count", "deal_total", "deal_cost"} & set(row)
    assert admin_row == api.get(path).get_json() | {"version": admin_row["version"]}
    document = member_api.get("/api/v1/openapi.json").get_json()
    assert "deal_total" not in document["components"]["schemas"]["companies"]["properties"]


def test_hidden_fields_service_follows_formulas_through_formulas(app, tenant, secret_formulas):
    def check(admin):
        obj = object_for_tenant("companies")
        member = records.hidden_fields(obj, "member")
        assert {"secret", "leak", "leak_too"} <= member and "safe" not in member
        assert {"leak", "leak_too"} <= records.read_only_fields(obj, "member")
        assert not {"leak", "leak_too", "secret"} & records.hidden_fields(obj, "admin")
        assert not {"leak", "leak_too"} & records.hidden_fields(obj, "manager")

    run(app, tenant, check)


@pytest.mark.parametrize(
    ("operand_type", "options"),
    [
        ("text", {}),
        ("date", {}),
        ("boolean", {}),
        ("picklist", {"values": [{"value": "A"}, {"value": "B"}]}),
    ],
)
def test_formulas_over_non_numbers_are_refused_with_a_reason(api, operand_type, options):
    _add(api, name="operand", label="Operand", type=operand_type, options=options)
    refused = api.post(
        FIELDS,
        json={
            "name": "calc",
            "label": "Calc",
            "type": "formula",
            "options": {"expression": "operand + 1"},
        },
    )
    assert refused.status_code == 422
    message = refused.get_json()["fields"]["options"][0]
    assert "operand" in message and operand_type.replace("_", " ") in message
    assert "calc" not in {f["name"] for f in api.get(FIELDS).get_json()["data"]}


def test_formulas_may_use_other_formulas_and_rollups(app, tenant, api):
    _deals_rollups(api)
    _add(
        api,
        name="double_total",
        label="Double",
        type="formula",
        options={"expression": "deal_total * 2"},
    )
    _add(
        api,
        name="per_deal",
        label="Per deal",
        type="formula",
        options={"expression": "double_total / deal_count"},
    )
    company = api.post(COMPANIES, json={"name": "Summed"}).get_json()
    api.post(
        "/api/v1/objects/deals", json={"name": "D", "company_id": company["id"], "amount": 120}
    )
    api.post("/api/v1/objects/deals", json={"name": "E", "company_id": company["id"], "amount": 80})
    row = api.get(f"{COMPANIES}/{company['id']}").get_json()
    assert row["double_total"] == 400 and row["per_deal"] == 200
    # Only what was asked for is returned, yet the operands are worked out.
    only = api.get(f"{COMPANIES}/{company['id']}?fields=per_deal").get_json()
    assert only["per_deal"] == 200 and "deal_total" not in only


def test_a_member_formula_over_a_rollup_hidden_from_them_is_hidden(app, tenant, api, member_api):
    _deals_rollups(api)
    _add(
        api,
        name="margin_calc",
        label="Margin calc",
        type="formula",
        options={"expression": "deal_total - deal_cost"},
    )
    company = api.post(COMPANIES, json={"name": "Chain"}).get_json()
    row = member_api.get(f"{COMPANIES}/{company['id']}").get_json()
    assert "margin_calc" not in row and "deal_cost" not in row and "deal_total" in row


def test_a_formula_with_a_retired_operand_is_empty_not_an_error(app, tenant, api):
    _add(api, name="base", label="Base", type="number")
    _add(api, name="calc", label="Calc", type="formula", options={"expression": "base * 2"})
    company = api.post(COMPANIES, json={"name": "Retiring", "base": 4}).get_json()
    assert api.get(f"{COMPANIES}/{company['id']}").get_json()["calc"] == 8
    run(app, tenant, lambda admin: schema.retire_field("companies", "base"))
    response = api.get(f"{COMPANIES}/{company['id']}")
    assert response.status_code == 200 and response.get_json()["calc"] is None


def test_the_deals_weighted_amount_still_computes(app, tenant, api):
    deal = make(app, tenant, "deals", {"name": "W", "amount": 1000})
    row = api.get(f"/api/v1/objects/deals/{deal}").get_json()
    assert row["weighted_amount"] == round(1000 * row["probability"] / 100, 2) or (
        row["probability"] is None and row["weighted_amount"] is None
    )


def test_member_tokens_are_independent(app, tenant):
    """A manager is unaffected by member-only hiding (roles are separate)."""
    from tests.conftest import add_user

    user_id = add_user(app, tenant, email="boss@acme.example.com", role="manager")
    manager = Api(app, token_for(app, tenant, user_id))
    admin = Api(app, token_for(app, tenant, tenant["admin_id"]))
    _add(admin, name="secret", label="Secret", type="number", access={"member": "hidden"})
    _add(admin, name="leak", label="Leak", type="formula", options={"expression": "secret * 1"})
    company = admin.post(COMPANIES, json={"name": "M", "secret": 3}).get_json()
    assert manager.get(f"{COMPANIES}/{company['id']}").get_json()["leak"] == 3
