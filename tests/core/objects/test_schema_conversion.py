"""Type changes: refused, naming the records, while some values would not fit; previewed
with old -> new; and when made, every converted record is rewritten with an audit entry."""

from __future__ import annotations

from sqlalchemy import select

from core.objects.audit import AuditEntry
from saas.db import db
from tenants.scoping import tenant_scope

FIELDS = "/api/v1/schema/objects/companies/fields"
COMPANIES = "/api/v1/objects/companies"


def create(api, **values) -> dict:
    response = api.post(COMPANIES, json=values)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def add_code(api, **extra):
    body = {"name": "code", "label": "Code", "type": "text", "filterable": True, **extra}
    assert api.post(FIELDS, json=body).status_code == 201


def field(api, name="code") -> dict:
    return next(f for f in api.get(FIELDS).get_json()["data"] if f["name"] == name)


def updates(app, tenant) -> list[tuple]:
    """(record id, actor id, changes) of every update audit entry."""
    with app.app_context(), tenant_scope(tenant["id"]):
        return [
            (str(e.record_id), str(e.actor_id) if e.actor_id else None, e.changes)
            for e in db.session.scalars(select(AuditEntry).where(AuditEntry.action == "update"))
        ]


def test_a_change_that_does_not_fit_is_refused_naming_the_records(app, tenant, api):
    add_code(api)
    twelve = create(api, name="Twelve", code="12")
    bad = create(api, name="Bad", code="x9")
    worse = create(api, name="Worse", code="n/a")
    create(api, name="Empty")
    refused = api.patch(f"{FIELDS}/code", json={"type": "number"})
    assert refused.status_code == 409
    body = refused.get_json()
    assert "2 record(s) hold values that do not fit a number field" in body["message"]
    assert bad["id"] in body["message"] and worse["id"] in body["message"]
    assert sorted(body["fields"]["type"]) == sorted(
        [f"{bad['id']}: Enter a number.", f"{worse['id']}: Enter a number."]
    )
    # Nothing changed: the field, the values, the audit trail.
    assert field(api)["type"] == "text"
    for before in (twelve, bad, worse):
        assert api.get(f"{COMPANIES}/{before['id']}").get_json() == before
    assert updates(app, tenant) == []


def test_the_preview_lists_the_records_that_would_not_fit(app, tenant, api):
    add_code(api)
    create(api, name="Twelve", code="12")
    bad = create(api, name="Bad", code="x9")
    preview = api.patch(f"{FIELDS}/code?preview=true", json={"type": "number"})
    assert preview.status_code == 200
    report = preview.get_json()["preview"]
    assert report["convertible"] == 1 and report["failure_count"] == 1
    assert report["failures"] == [{"id": bad["id"], "value": "x9", "problem": "Enter a number."}]
    assert field(api)["type"] == "text"
    assert updates(app, tenant) == []


def test_a_convertible_change_previews_old_to_new_then_converts_with_audit(app, tenant, api):
    add_code(api)
    twelve = create(api, name="Twelve", code="12")
    half = create(api, name="Half", code=" 7.5")
    empty = create(api, name="Empty")
    preview = api.patch(f"{FIELDS}/code?preview=true", json={"type": "number"})
    report = preview.get_json()["preview"]
    assert report["failure_count"] == 0 and report["convertible"] == 2
    assert report["change_count"] == 2
    assert sorted(report["changes"], key=lambda c: c["new"]) == [
        {"id": half["id"], "old": "7.5", "new": 7.5},
        {"id": twelve["id"], "old": "12", "new": 12},
    ]
    assert field(api)["type"] == "text" and updates(app, tenant) == []

    done = api.patch(f"{FIELDS}/code", json={"type": "number"})
    assert done.status_code == 200
    assert (
        done.get_json()["type"] == "number" and done.get_json()["conversion"]["change_count"] == 2
    )
    after = api.get(f"{COMPANIES}/{twelve['id']}").get_json()
    assert after["code"] == 12 and after["version"] == twelve["version"] + 1
    assert api.get(f"{COMPANIES}/{half['id']}").get_json()["code"] == 7.5
    assert api.get(f"{COMPANIES}/{empty['id']}").get_json() == empty  # nothing to convert
    admin = str(tenant["admin_id"])
    assert sorted(updates(app, tenant)) == sorted(
        [
            (twelve["id"], admin, {"code": ["12", 12]}),
            (half["id"], admin, {"code": ["7.5", 7.5]}),
        ]
    )
    history = api.get(f"{COMPANIES}/{twelve['id']}/history").get_json()["data"]
    assert history[0]["action"] == "update" and history[0]["changes"] == {"code": ["12", 12]}
    assert history[0]["actor_id"] == admin
    # The field now filters and sorts as a number (moved to a number slot).
    found = api.get(f"{COMPANIES}?filter[code][gt]=8").get_json()["data"]
    assert [row["id"] for row in found] == [twelve["id"]]
    by_code = api.get(f"{COMPANIES}?sort=code").get_json()["data"]
    assert [row["id"] for row in by_code][:2] == [half["id"], twelve["id"]]


def test_values_that_stay_the_same_are_not_rewritten(app, tenant, api):
    add_code(api)
    gold = create(api, name="Gold Co", code="Gold")
    changed = api.patch(
        f"{FIELDS}/code",
        json={"type": "picklist", "options": {"values": [{"value": "Gold"}, {"value": "Silver"}]}},
    )
    assert changed.status_code == 200, changed.get_json()
    assert changed.get_json()["conversion"]["change_count"] == 0
    assert api.get(f"{COMPANIES}/{gold['id']}").get_json() == gold
    assert updates(app, tenant) == []
    assert [r["id"] for r in api.get(f"{COMPANIES}?filter[code]=Gold").get_json()["data"]] == [
        gold["id"]
    ]


def test_a_conversion_in_the_same_slot_refreshes_it(app, tenant, api):
    add_code(api)
    mixed = create(api, name="Mixed", code="Ann@Example.COM")
    assert api.patch(f"{FIELDS}/code", json={"type": "email"}).status_code == 200
    assert api.get(f"{COMPANIES}/{mixed['id']}").get_json()["code"] == "ann@example.com"
    found = api.get(f"{COMPANIES}?filter[code]=ann@example.com").get_json()["data"]
    assert [row["id"] for row in found] == [mixed["id"]]
    assert updates(app, tenant) == [
        (mixed["id"], str(tenant["admin_id"]), {"code": ["Ann@Example.COM", "ann@example.com"]})
    ]


def test_options_that_round_values_convert_them_with_audit(app, tenant, api):
    assert (
        api.post(
            FIELDS, json={"name": "score", "label": "Score", "type": "number", "filterable": True}
        ).status_code
        == 201
    )
    company = create(api, name="Scored", score=2.345)
    done = api.patch(f"{FIELDS}/score", json={"options": {"scale": 1}})
    assert done.status_code == 200 and done.get_json()["conversion"]["change_count"] == 1
    assert api.get(f"{COMPANIES}/{company['id']}").get_json()["score"] == 2.3
    assert updates(app, tenant) == [
        (company["id"], str(tenant["admin_id"]), {"score": [2.345, 2.3]})
    ]
    # Options every value already fits convert nothing.
    assert (
        api.patch(f"{FIELDS}/score", json={"options": {"scale": 1, "max": 10}}).status_code == 200
    )
    assert len(updates(app, tenant)) == 1


def test_the_old_default_must_fit_the_new_type(api):
    add_code(api, default="abc")
    refused = api.patch(f"{FIELDS}/code", json={"type": "number"})
    assert refused.status_code == 422 and "default" in refused.get_json()["fields"]
    assert field(api)["type"] == "text"
    done = api.patch(f"{FIELDS}/code", json={"type": "number", "default": "5"})
    assert done.status_code == 200 and done.get_json()["default"] == 5


def test_a_type_without_an_index_drops_filterable_unless_asked(api):
    add_code(api)
    company = create(api, name="Noted", code="hello")
    refused = api.patch(f"{FIELDS}/code", json={"type": "long_text", "filterable": True})
    assert refused.status_code == 422
    done = api.patch(f"{FIELDS}/code", json={"type": "long_text"})
    assert done.status_code == 200 and done.get_json()["filterable"] is False
    assert api.get(f"{COMPANIES}/{company['id']}").get_json()["code"] == "hello"


def test_the_admin_page_previews_old_to_new_and_converts_on_confirm(app, tenant, api, client):
    add_code(api)
    twelve = create(api, name="Twelve", code="12")
    form = {"label": "Code", "type": "number", "filterable": "on"}
    page = client.post("/admin/objects/companies/fields/code", data=form)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Change the type and convert" in html and "<td>12</td>" in html
    assert field(api)["type"] == "text"
    done = client.post("/admin/objects/companies/fields/code", data={**form, "confirmed": "number"})
    assert done.status_code == 303
    assert api.get(f"{COMPANIES}/{twelve['id']}").get_json()["code"] == 12
    assert updates(app, tenant) == [(twelve["id"], str(tenant["admin_id"]), {"code": ["12", 12]})]


def test_the_admin_page_lists_the_records_that_would_not_fit(api, client):
    add_code(api)
    bad = create(api, name="Bad", code="x9")
    form = {"label": "Code", "type": "number", "filterable": "on", "confirmed": "number"}
    page = client.post("/admin/objects/companies/fields/code", data=form)
    assert page.status_code == 409
    html = page.get_data(as_text=True)
    assert "The change was not made" in html and f"/o/companies/{bad['id']}" in html
