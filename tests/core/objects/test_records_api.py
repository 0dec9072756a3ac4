"""The generic record API: CRUD, validation, filters, sort, pagination, audit, recycle bin,
optimistic concurrency, bulk writes and field-level access."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from core.objects.audit import AuditEntry
from saas import clock
from saas.db import db
from tenants.scoping import tenant_scope

COMPANIES = "/api/v1/objects/companies"


def _create(api, path=COMPANIES, **values):
    response = api.post(path, json=values)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_create_read_update_delete_company(api):
    created = _create(
        api,
        name="Initech",
        industry="Retail",
        credit_limit="5000",
        founded_on="1999-02-03",
        address={"city": "Austin"},
    )
    assert created["name"] == "Initech" and created["credit_limit"] == "5000.00"
    assert created["address"] == {"city": "Austin"} and created["version"] == 1
    path = f"{COMPANIES}/{created['id']}"
    fetched = api.get(path)
    assert fetched.status_code == 200 and fetched.headers["ETag"] == 'W/"1"'
    assert fetched.get_json() == created

    updated = api.patch(path, json={"industry": "Wholesale", "employees": 120})
    assert updated.status_code == 200
    assert updated.get_json()["industry"] == "Wholesale" and updated.get_json()["version"] == 2

    assert api.delete(path).status_code == 204
    assert api.get(path).status_code == 404
    assert api.get(COMPANIES).get_json()["data"] == []
    binned = api.get(f"{COMPANIES}?deleted=true").get_json()["data"]
    assert [row["id"] for row in binned] == [created["id"]]
    restored = api.post(f"{path}/restore")
    assert restored.status_code == 200 and api.get(path).status_code == 200


def test_validation_errors_are_per_field_and_write_nothing(api):
    response = api.post(
        COMPANIES,
        json={"industry": "Space piracy", "credit_limit": "lots", "nonsense": 1, "website": "x"},
    )
    assert response.status_code == 422
    body = response.get_json()
    assert body["error"] == "validation_failed"
    assert set(body["fields"]) == {"name", "industry", "credit_limit", "nonsense", "website"}
    assert body["fields"]["name"] == ["This field is required."]
    assert api.get(COMPANIES).get_json()["data"] == []


def test_non_json_body_is_a_clear_400(api):
    response = api.client.post(COMPANIES, data="name=x", headers=api.headers)
    assert response.status_code == 422
    assert "JSON" in response.get_json()["message"]


def test_unknown_object_and_bad_id_are_404(api):
    assert api.get("/api/v1/objects/spaceships").status_code == 404
    assert api.get(f"{COMPANIES}/not-a-uuid").status_code == 404
    assert api.get(f"{COMPANIES}/01a20777-c2d7-7571-bbcb-b383aa9c6385").status_code == 404


def test_lookups_must_point_to_an_existing_record(api):
    parent = _create(api, name="Parent Group")
    child = _create(api, name="Child Ltd", parent_id=parent["id"])
    assert child["parent_id"] == parent["id"]
    contact = _create(api, "/api/v1/objects/contacts", last_name="Lovelace", company_id=child["id"])
    expanded = api.get(f"/api/v1/objects/contacts/{contact['id']}?expand=company_id").get_json()
    assert expanded["company_id"]["name"] == "Child Ltd"
    bad = api.post(
        COMPANIES, json={"name": "Orphan", "parent_id": "01a20777-c2d7-7571-bbcb-b383aa9c6385"}
    )
    assert bad.status_code == 422 and bad.get_json()["fields"]["parent_id"]


def test_lookup_to_another_tenants_record_is_refused(api, other_api):
    theirs = _create(other_api, name="Globex Secret")
    response = api.post(COMPANIES, json={"name": "Mine", "parent_id": theirs["id"]})
    assert response.status_code == 422
    assert response.get_json()["fields"]["parent_id"] == ["There is no such record."]


def test_filters_and_operators(api):
    for name, employees, industry in [
        ("Alpha", 10, "Retail"),
        ("Beta", 50, "Energy"),
        ("Gamma", 200, "Retail"),
        ("Delta", None, None),
    ]:
        _create(api, name=name, employees=employees, industry=industry)

    def names(query):
        response = api.get(f"{COMPANIES}?{query}&sort=name")
        assert response.status_code == 200, response.get_json()
        return [row["name"] for row in response.get_json()["data"]]

    assert names("filter[industry]=Retail") == ["Alpha", "Gamma"]
    assert names("filter[industry][ne]=Retail") == ["Beta", "Delta"]  # empty is "not Retail"
    assert names("filter[employees][gt]=10") == ["Beta", "Gamma"]
    assert names("filter[employees][gte]=10&filter[employees][lt]=200") == ["Alpha", "Beta"]
    assert names("filter[employees][lte]=50") == ["Alpha", "Beta"]
    assert names("filter[name][in]=Alpha,Delta") == ["Alpha", "Delta"]
    assert names("filter[name][contains]=ELT") == ["Delta"]
    assert names("filter[industry][is_null]=true") == ["Delta"]
    assert names("filter[name][contains]=%25") == []  # a literal %, not a wildcard


def test_bad_filters_are_400s_with_the_field(api):
    for query, field in [
        ("filter[nope]=1", "nope"),
        ("filter[employees][like]=1", "employees"),
        ("filter[employees]=many", "employees"),
        ("filter[address]=x", "address"),
        ("sort=nope", "sort"),
        ("limit=0", "limit"),
        ("limit=x", "limit"),
        ("cursor=%%%", "cursor"),
        ("filter=1", None),
    ]:
        response = api.get(f"{COMPANIES}?{query}")
        assert response.status_code == 422, query
        if field:
            assert field in response.get_json().get("fields", {}), query


def test_sort_and_cursor_pagination_visit_every_record_once(api):
    for i in range(7):
        _create(api, name=f"Company {i}", employees=(i * 37) % 5 if i != 3 else None)
    seen, cursor = [], None
    while True:
        query = "sort=-employees&limit=3" + (f"&cursor={cursor}" if cursor else "")
        page = api.get(f"{COMPANIES}?{query}").get_json()
        seen += [(row["employees"], row["name"]) for row in page["data"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert len(seen) == 7 and len({name for _, name in seen}) == 7
    numbers = [employees for employees, _ in seen if employees is not None]
    assert numbers == sorted(numbers, reverse=True)
    assert seen[-1][0] is None  # empty values last


def test_field_selection(api):
    _create(api, name="Only Name", industry="Retail")
    row = api.get(f"{COMPANIES}?fields=name").get_json()["data"][0]
    assert row["name"] == "Only Name" and "industry" not in row and "id" in row


def test_optimistic_concurrency(api):
    created = _create(api, name="Versioned")
    path = f"{COMPANIES}/{created['id']}"
    assert api.patch(path, json={"employees": 1}, headers={"If-Match": 'W/"1"'}).status_code == 200
    stale = api.patch(path, json={"employees": 2}, headers={"If-Match": 'W/"1"'})
    assert stale.status_code == 412 and stale.get_json()["error"] == "precondition_failed"
    assert api.patch(path, json={"employees": 3, "version": 1}).status_code == 412
    assert api.get(path).get_json()["employees"] == 1
    anything = api.patch(path, json={"employees": 4}, headers={"If-Match": "*"})
    assert anything.status_code == 200 and anything.headers["ETag"] == 'W/"3"'
    bad = api.patch(path, json={"employees": 5}, headers={"If-Match": '"abc"'})
    assert bad.status_code in (412, 422) and api.get(path).get_json()["employees"] == 4


def test_audit_trail_records_who_when_and_old_to_new(app, tenant, api):
    created = _create(api, name="Audited", employees=5)
    path = f"{COMPANIES}/{created['id']}"
    api.patch(path, json={"employees": 6, "name": "Audited Inc"})
    api.patch(path, json={"employees": 6})  # no change, no entry
    api.delete(path)
    history = api.get(f"{path}/history").get_json()["data"]
    assert [entry["action"] for entry in history] == ["delete", "update", "create"]
    assert history[1]["changes"] == {"employees": [5, 6], "name": ["Audited", "Audited Inc"]}
    assert history[2]["changes"]["name"] == [None, "Audited"]
    assert history[1]["actor_id"] == str(tenant["admin_id"])
    with app.app_context(), tenant_scope(tenant["id"]):
        assert len(db.session.scalars(select(AuditEntry)).all()) == 3


def test_restore_only_within_30_days(app, tenant, api):
    created = _create(api, name="Old News")
    path = f"{COMPANIES}/{created['id']}"
    api.delete(path)
    from core.companies.models import Company

    with app.app_context(), tenant_scope(tenant["id"]):
        company = db.session.scalar(select(Company))
        company.deleted_at = clock.now() - dt.timedelta(days=31)
        db.session.commit()
    response = api.post(f"{path}/restore")
    assert response.status_code == 404 and "30 days" in response.get_json()["message"]


def test_bulk_create_is_all_or_nothing(api):
    response = api.post(f"{COMPANIES}/bulk", json={"records": [{"name": "One"}, {"industry": "x"}]})
    assert response.status_code == 422
    assert set(response.get_json()["records"]) == {"1"}
    assert api.get(COMPANIES).get_json()["data"] == []
    ok = api.post(f"{COMPANIES}/bulk", json={"records": [{"name": "One"}, {"name": "Two"}]})
    assert ok.status_code == 200 and len(ok.get_json()["data"]) == 2
    first = ok.get_json()["data"][0]
    again = api.post(f"{COMPANIES}/bulk", json={"records": [{"id": first["id"], "name": "Uno"}]})
    assert again.get_json()["data"][0]["name"] == "Uno"
    too_many = api.post(f"{COMPANIES}/bulk", json={"records": [{"name": "x"}] * 201})
    assert too_many.status_code == 422


def test_owner_defaults_to_the_creator(tenant, api):
    assert _create(api, name="Mine")["owner_id"] == str(tenant["admin_id"])


def test_other_tenant_cannot_see_or_touch_records(api, other_api):
    created = _create(api, name="Acme Only")
    path = f"{COMPANIES}/{created['id']}"
    assert other_api.get(path).status_code == 404
    assert other_api.patch(path, json={"name": "x"}).status_code == 404
    assert other_api.delete(path).status_code == 404
    assert other_api.get(COMPANIES).get_json()["data"] == []
    assert api.get(path).get_json()["name"] == "Acme Only"


def test_null_for_a_column_that_cannot_be_empty_is_a_field_error_not_a_crash(api):
    # Found by the contract test: a null checkbox reached a NOT NULL column (500).
    created = api.post(
        "/api/v1/objects/activities", json={"type": "note", "subject": "Hi", "done": None}
    )
    assert created.status_code == 201 and created.get_json()["done"] is False


def test_null_for_a_column_the_rules_must_fill_is_a_field_error(app, tenant, api):
    product = api.post("/api/v1/objects/products", json={"name": "Widget", "code": "W-1"})
    path = f"/api/v1/objects/products/{product.get_json()['id']}"
    response = api.patch(path, json={"currency": None})
    assert response.status_code == 422 and response.get_json()["fields"]["currency"]
    assert api.get(path).get_json()["currency"]

    # What the rules of an object leave empty is refused before the database sees it.
    import pytest

    from core.objects import records
    from core.objects.registry import object_for_tenant
    from saas.errors import ValidationFailed

    with app.app_context(), tenant_scope(tenant["id"]):
        deals = object_for_tenant("deals")
        with pytest.raises(ValidationFailed) as refused:
            records._refuse_empty_columns(deals, {"stage_id": None, "amount": None})
        assert set(refused.value.errors) == {"stage_id"}
