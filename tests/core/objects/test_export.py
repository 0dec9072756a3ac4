"""CSV export: the list as the user sees it (filters, sort, rights, visibility, hidden
fields), for people from the web UI and for programs from the API."""

from __future__ import annotations

import csv
import io

from core.objects import schema
from tests.core.objects.conftest import Api, token_for
from tests.core.objects.test_views import make, member_client, run, set_rights


def _table(response) -> list[list[str]]:
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    body = response.get_data(as_text=True)
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def test_web_export_follows_the_lists_filters_and_sort_with_titles(app, tenant, client):
    parent = make(app, tenant, "companies", {"name": "Holding AG", "industry": "Energy"})
    for name, employees in (("Alpha", 5), ("Bravo", 50), ("Charlie", 500)):
        make(
            app,
            tenant,
            "companies",
            {
                "name": name,
                "industry": "Retail",
                "employees": employees,
                "parent_id": parent,
                "roles": ["customer", "partner"],
                "address": {"city": "Graz", "country": "AT"},
            },
        )
    table = _table(client.get("/o/companies/export.csv?f=industry&op=eq&v=Retail&sort=-name"))
    header, rows = table[0], table[1:]
    assert header[0] == "ID" and "Name" in header and "Parent company" in header
    assert header[-2:] == ["Created", "Last updated"]
    column = {label: index for index, label in enumerate(header)}
    assert [row[column["Name"]] for row in rows] == ["Charlie", "Bravo", "Alpha"]
    first = rows[0]
    assert first[column["Parent company"]] == "Holding AG"  # a title, not an id
    assert first[column["Roles"]] == "customer; partner"
    assert first[column["Address"]] == "Graz, AT"
    assert first[column["Employees"]] == "500"


def test_cells_a_spreadsheet_would_run_are_defused(app, tenant, client):
    make(app, tenant, "companies", {"name": '=HYPERLINK("http://evil")', "industry": "Retail"})
    table = _table(client.get("/o/companies/export.csv"))
    assert table[1][table[0].index("Name")] == '\'=HYPERLINK("http://evil")'


def test_exports_respect_visibility_hidden_fields_and_rights(app, tenant, login_as):
    run(
        app,
        tenant,
        lambda admin: schema.add_field(
            "companies",
            name="margin",
            label="Secret margin",
            type="number",
            access={"member": "hidden"},
        ),
    )
    member, member_id = member_client(app, tenant, login_as)
    set_rights(app, tenant, "companies", visibility="own")
    make(app, tenant, "companies", {"name": "Mine Ltd"}, owner_id=member_id)
    make(app, tenant, "companies", {"name": "Hidden Holdings", "margin": 9})
    table = _table(member.get("/o/companies/export.csv"))
    assert "Secret margin" not in table[0]
    assert [row[table[0].index("Name")] for row in table[1:]] == ["Mine Ltd"]

    set_rights(app, tenant, "contacts", read=False)
    assert member.get("/o/contacts/export.csv").status_code == 403
    refused = member.get("/o/companies/export.csv?f=margin&op=eq&v=3")
    assert refused.status_code == 422  # a hidden field cannot be filtered on either


def test_api_export_has_api_names_and_raw_values(app, tenant, api):
    created = api.post(
        "/api/v1/objects/companies",
        json={"name": "Initech", "credit_limit": "5000", "roles": ["supplier"]},
    ).get_json()
    response = api.get("/api/v1/objects/companies/export.csv?filter[name]=Initech")
    table = _table(response)
    header, (row,) = table[0], table[1:]
    assert header[:2] == ["id", "name"]
    values = dict(zip(header, row, strict=True))
    assert values["id"] == created["id"] and values["credit_limit"] == "5000.00"
    assert values["roles"] == '["supplier"]'

    bad = api.get("/api/v1/objects/companies/export.csv?filter[nosuch]=1")
    assert bad.status_code == 422 and bad.get_json()["fields"]
    assert api.get("/api/v1/objects/nothing/export.csv").status_code == 404


def test_api_export_needs_a_token_of_this_workspace(app, tenant, other_tenant):
    assert app.test_client().get("/api/v1/objects/companies/export.csv").status_code == 401
    other = Api(app, token_for(app, other_tenant, other_tenant["admin_id"]))
    make(app, tenant, "companies", {"name": "Acme only"})
    table = _table(other.get("/api/v1/objects/companies/export.csv"))
    assert table[1:] == []


def test_list_page_links_to_the_export_of_what_it_shows(app, tenant, client):
    make(app, tenant, "companies", {"name": "Alpha", "industry": "Retail"})
    page = client.get("/o/companies?f=industry&op=eq&v=Retail&sort=-name").get_data(as_text=True)
    link = page.split("Export CSV")[0].rsplit('href="', 1)[1].split('"')[0].replace("&amp;", "&")
    assert link.startswith("/o/companies/export.csv?") and "sort=-name" in link
    table = _table(client.get(link))
    assert [row[table[0].index("Name")] for row in table[1:]] == ["Alpha"]


FORMULAS = [
    '=HYPERLINK("http://evil","x")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
]


def test_api_export_defuses_formula_cells_like_the_web_export(app, tenant, api, client):
    fields = "/api/v1/schema/objects/companies/fields"
    body = {"name": "code", "label": "Code", "type": "text"}
    assert api.post(fields, json=body).status_code == 201
    for index, formula in enumerate(FORMULAS):
        values = {"name": f"Company {index}", "code": formula, "description": formula}
        assert api.post("/api/v1/objects/companies", json=values).status_code == 201
    negative = {"name": "Debtor", "annual_revenue": "-12.50", "employees": 3}
    assert api.post("/api/v1/objects/companies", json=negative).status_code == 201

    table = _table(api.get("/api/v1/objects/companies/export.csv?sort=name"))
    rows = [dict(zip(table[0], row, strict=True)) for row in table[1:]]
    for row, formula in zip(rows, FORMULAS, strict=False):
        # Text values are stored trimmed: the tab and CR cases arrive as "=1+1".
        assert row["code"] == row["description"] == "'" + formula.strip()
    debtor = rows[-1]
    assert debtor["annual_revenue"] == "-12.50" and debtor["employees"] == "3"

    web = _table(client.get("/o/companies/export.csv?sort=name"))
    web_rows = [dict(zip(web[0], row, strict=True)) for row in web[1:]]
    assert [r["Code"] for r in web_rows[: len(FORMULAS)]] == ["'" + f.strip() for f in FORMULAS]


def test_api_export_can_write_cells_as_stored_on_request(app, tenant, api):
    assert api.post("/api/v1/objects/companies", json={"name": "=1+1"}).status_code == 201
    raw = _table(api.get("/api/v1/objects/companies/export.csv?escape_formulas=false"))
    assert raw[1][raw[0].index("name")] == "=1+1"
    bad = api.get("/api/v1/objects/companies/export.csv?escape_formulas=maybe")
    assert bad.status_code == 422
