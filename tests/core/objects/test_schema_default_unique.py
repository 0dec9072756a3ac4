"""An admin changes a field's default (new records only) and turns unique on (refused,
naming the records, while some share a value) or off (always)."""

from __future__ import annotations

from sqlalchemy import func, select

from core.objects.audit import AuditEntry
from saas.db import db
from tenants.scoping import tenant_scope

FIELDS = "/api/v1/schema/objects/companies/fields"
COMPANIES = "/api/v1/objects/companies"


def create(api, **values) -> dict:
    response = api.post(COMPANIES, json=values)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def field(api, name: str) -> dict:
    return next(f for f in api.get(FIELDS).get_json()["data"] if f["name"] == name)


def audit_count(app, tenant) -> int:
    with app.app_context(), tenant_scope(tenant["id"]):
        return db.session.scalar(select(func.count()).select_from(AuditEntry))


def add(api, **body):
    response = api.post(FIELDS, json=body)
    assert response.status_code == 201, response.get_json()


def test_a_new_default_is_for_new_records_only(app, tenant, api):
    add(api, name="seats", label="Seats", type="number", default=10)
    old = create(api, name="Old")
    blank = create(api, name="Blank", seats=None)
    assert old["seats"] == 10 and blank["seats"] is None
    audits = audit_count(app, tenant)
    changed = api.patch(f"{FIELDS}/seats", json={"default": "25"})
    assert changed.status_code == 200 and changed.get_json()["default"] == 25
    assert audit_count(app, tenant) == audits
    assert api.get(f"{COMPANIES}/{old['id']}").get_json() == old
    assert api.get(f"{COMPANIES}/{blank['id']}").get_json() == blank
    assert create(api, name="New")["seats"] == 25
    cleared = api.patch(f"{FIELDS}/seats", json={"default": None})
    assert cleared.status_code == 200 and cleared.get_json()["default"] is None
    assert create(api, name="Newer")["seats"] is None


def test_a_bad_default_is_a_422(api):
    add(api, name="seats", label="Seats", type="number", options={"max": 100})
    for bad in ("many", 500, True):
        refused = api.patch(f"{FIELDS}/seats", json={"default": bad})
        assert refused.status_code == 422 and "default" in refused.get_json()["fields"]
    assert field(api, "seats")["default"] is None


def test_unique_is_refused_while_records_share_a_value_naming_them(app, tenant, api):
    add(api, name="code", label="Code", type="text")
    first = create(api, name="First", code="X1")
    second = create(api, name="Second", code="X1")
    other = create(api, name="Other", code="X2")
    gone = create(api, name="Gone", code="X2")
    assert api.delete(f"{COMPANIES}/{gone['id']}").status_code == 204  # the bin does not count
    preview = api.patch(f"{FIELDS}/code?preview=true", json={"unique": True})
    assert preview.status_code == 200
    report = preview.get_json()["preview"]
    assert report["duplicate_count"] == 1
    assert report["duplicates"] == [{"value": "X1", "ids": [first["id"], second["id"]]}]
    refused = api.patch(f"{FIELDS}/code", json={"unique": True, "label": "Code number"})
    assert refused.status_code == 409
    body = refused.get_json()
    assert first["id"] in body["message"] and second["id"] in body["message"]
    assert other["id"] not in body["message"]
    assert body["fields"]["unique"] == [
        f"{first['id']}: holds 'X1', as do 1 other record(s)",
        f"{second['id']}: holds 'X1', as do 1 other record(s)",
    ]
    unchanged = field(api, "code")
    assert (unchanged["unique"], unchanged["filterable"], unchanged["label"]) == (
        False,
        False,
        "Code",
    )
    # Once the values differ, it works, and the field becomes filterable (indexed).
    assert api.patch(f"{COMPANIES}/{second['id']}", json={"code": "X3"}).status_code == 200
    done = api.patch(f"{FIELDS}/code", json={"unique": True})
    assert done.status_code == 200
    assert done.get_json()["unique"] is True and done.get_json()["filterable"] is True
    found = api.get(f"{COMPANIES}?filter[code]=X1").get_json()["data"]
    assert [row["id"] for row in found] == [first["id"]]
    taken = api.post(COMPANIES, json={"name": "Copy", "code": "X1"})
    assert taken.status_code == 422
    assert taken.get_json()["fields"]["code"] == ["Another record already has this value."]
    moved = api.patch(f"{COMPANIES}/{other['id']}", json={"code": "X3"})
    assert moved.status_code == 422


def test_unique_can_always_be_turned_off(api):
    add(api, name="code", label="Code", type="text", unique=True)
    create(api, name="First", code="X1")
    assert api.post(COMPANIES, json={"name": "Copy", "code": "X1"}).status_code == 422
    off = api.patch(f"{FIELDS}/code", json={"unique": False})
    assert off.status_code == 200 and off.get_json()["unique"] is False
    assert off.get_json()["filterable"] is True  # still indexed until un-ticked
    create(api, name="Copy", code="X1")
    # And back on: refused now that two records share X1.
    assert api.patch(f"{FIELDS}/code", json={"unique": True}).status_code == 409


def test_unique_needs_a_type_with_an_index(api):
    add(api, name="notes2", label="Notes", type="long_text")
    refused = api.patch(f"{FIELDS}/notes2", json={"unique": True})
    assert refused.status_code == 422 and "unique" in refused.get_json()["fields"]


def test_a_type_change_of_a_unique_field_checks_the_converted_values(api):
    add(api, name="code", label="Code", type="text", unique=True)
    first = create(api, name="First", code="Ann@Example.com")
    second = create(api, name="Second", code="ann@example.com")
    refused = api.patch(f"{FIELDS}/code", json={"type": "email"})
    assert refused.status_code == 409
    assert first["id"] in refused.get_json()["message"]
    assert second["id"] in refused.get_json()["message"]
    assert field(api, "code")["type"] == "text"


def test_the_admin_edit_form_changes_default_and_unique(app, tenant, api, client):
    add(api, name="code", label="Code", type="text", default="A1")
    first = create(api, name="First", code="X1")
    second = create(api, name="Second", code="X1")
    page = client.get("/admin/objects/companies/fields/code").get_data(as_text=True)
    assert 'name="unique"' in page and 'name="default"' in page and 'value="A1"' in page
    form = {"label": "Code", "default": "B2", "unique": "on"}
    refused = client.post("/admin/objects/companies/fields/code", data=form)
    assert refused.status_code == 409
    html = refused.get_data(as_text=True)
    assert "The change was not made" in html
    assert f"/o/companies/{first['id']}" in html and f"/o/companies/{second['id']}" in html
    assert field(api, "code")["default"] == "A1"
    saved = client.post(
        "/admin/objects/companies/fields/code", data={"label": "Code", "default": "B2"}
    )
    assert saved.status_code == 303
    assert (field(api, "code")["default"], field(api, "code")["unique"]) == ("B2", False)
    assert api.patch(f"{COMPANIES}/{second['id']}", json={"code": "X2"}).status_code == 200
    saved = client.post("/admin/objects/companies/fields/code", data=form)
    assert saved.status_code == 303 and field(api, "code")["unique"] is True
