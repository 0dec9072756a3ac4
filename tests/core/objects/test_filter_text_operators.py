"""``contains`` searches text: on a number, date, checkbox or lookup field it is refused with
a message naming the field and the operator (PostgreSQL has no ILIKE on those types, so it
used to be a 500), in the API and on the list page alike."""

from __future__ import annotations

import pytest

COMPANIES = "/api/v1/objects/companies"
FIELDS = "/api/v1/schema/objects/companies/fields"


@pytest.fixture
def fields(api):
    for body in (
        {"name": "vip", "label": "VIP", "type": "boolean", "filterable": True},
        {"name": "renewal", "label": "Renewal", "type": "date", "filterable": True},
        {"name": "score", "label": "Score", "type": "number", "filterable": True},
        {"name": "code", "label": "Code", "type": "text", "filterable": True},
    ):
        assert api.post(FIELDS, json=body).status_code == 201
    created = api.post(COMPANIES, json={"name": "Initech", "employees": 50, "code": "AB-12"})
    assert created.status_code == 201


@pytest.mark.parametrize(
    ("field", "kind"),
    [
        ("employees", "number"),
        ("annual_revenue", "currency"),
        ("founded_on", "date"),
        ("parent_id", "lookup"),
        ("owner_id", "user"),
        ("vip", "checkbox"),
        ("renewal", "date"),
        ("score", "number"),
    ],
)
def test_contains_on_a_field_that_is_not_text_is_refused_naming_it(api, fields, field, kind):
    response = api.get(f"{COMPANIES}?filter[{field}][contains]=5")
    assert response.status_code == 422, response.get_data(as_text=True)
    body = response.get_json()
    assert "contains" in body["fields"][field][0] and kind in body["fields"][field][0]


@pytest.mark.parametrize(
    ("field", "value"),
    [("name", "nite"), ("code", "b-1"), ("website", ""), ("email", "x"), ("industry", "ret")],
)
def test_contains_still_searches_text_fields(api, fields, field, value):
    response = api.get(f"{COMPANIES}?filter[{field}][contains]={value}")
    assert response.status_code == 200, response.get_data(as_text=True)


def test_the_list_page_shows_the_refusal(api, fields, client):
    page = client.get("/o/companies?f=employees&op=contains&v=5")
    assert page.status_code == 422
    assert "The contains operator searches text" in page.get_data(as_text=True)


def test_the_export_refuses_it_too(api, fields):
    response = api.get(f"{COMPANIES}/export.csv?filter[score][contains]=1")
    assert response.status_code == 422
