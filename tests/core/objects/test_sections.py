"""Record pages show fields by section: the object's own sections, and the ones admins give
custom fields (a new name, or a standard section's to join it)."""

from __future__ import annotations

import re

FIELDS = "/api/v1/schema/objects/companies/fields"


def _sections(page: str) -> list[str]:
    main = page.split('aria-label="Related"')[0]
    return re.findall(r'<h2 id="section-[^"]*">([^<]+)</h2>', main) or re.findall(
        r"<h2[^>]*>([^<]+)</h2>", main
    )


def test_fields_show_in_their_sections(client, api):
    added = api.post(
        FIELDS,
        json={
            "name": "payment_terms",
            "label": "Payment terms",
            "type": "text",
            "section": "Financials",
        },
    )
    assert added.status_code == 201, added.get_json()
    api.post(
        FIELDS,
        json={
            "name": "segment",
            "label": "Segment",
            "type": "text",
            "section": "  Marketing   profile ",
        },
    )
    api.post(FIELDS, json={"name": "nickname", "label": "Nickname", "type": "text"})
    listed = {f["name"]: f["section"] for f in api.get(FIELDS).get_json()["data"]}
    assert listed["name"] == "Details" and listed["credit_limit"] == "Financials"
    assert listed["payment_terms"] == "Financials"
    assert listed["segment"] == "Marketing profile" and listed["nickname"] == "Custom fields"

    company = api.post(
        "/api/v1/objects/companies", json={"name": "Acme", "payment_terms": "30 days"}
    )
    page = client.get(f"/o/companies/{company.get_json()['id']}").get_data(as_text=True)
    order = [
        name
        for name in _sections(page)
        if name in ("Details", "Financials", "Address", "Marketing profile", "Custom fields")
    ]
    assert order == ["Details", "Financials", "Address", "Marketing profile", "Custom fields"]
    financials = page.split(">Financials</h2>")[1].split("</section>")[0]
    assert "Credit limit" in financials and "Payment terms" in financials

    moved = api.patch(f"{FIELDS}/nickname", json={"section": "Details"})
    assert moved.status_code == 200 and moved.get_json()["section"] == "Details"
    cleared = api.patch(f"{FIELDS}/segment", json={"section": None})
    assert cleared.get_json()["section"] == "Custom fields"


def test_bad_sections_are_refused_and_nothing_is_written(api):
    too_long = api.post(
        FIELDS, json={"name": "x1", "label": "X", "type": "text", "section": "s" * 61}
    )
    assert too_long.status_code == 422 and "section" in too_long.get_json()["fields"]
    not_text = api.post(FIELDS, json={"name": "x2", "label": "X", "type": "text", "section": [1]})
    assert not_text.status_code == 422 and "section" in not_text.get_json()["fields"]
    names = {f["name"] for f in api.get(FIELDS).get_json()["data"]}
    assert not {"x1", "x2"} & names


def test_the_admin_form_sets_the_section(client, api):
    form = client.get("/admin/objects/companies/fields").get_data(as_text=True)
    assert 'name="section"' in form and '<option value="Financials">' in form
    response = client.post(
        "/admin/objects/companies/fields",
        data={"label": "Rating", "name": "rating", "type": "text", "section": "Scoring"},
    )
    assert response.status_code in (200, 302, 303)
    listed = {f["name"]: f["section"] for f in api.get(FIELDS).get_json()["data"]}
    assert listed["rating"] == "Scoring"
