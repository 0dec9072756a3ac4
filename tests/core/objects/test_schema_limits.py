"""An object takes 800 custom fields (requirement: ">= 800 custom fields"): the 801st is
refused with a clear error, and a record using many of them saves, reads back, lists and
filters."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from core.objects import schema
from core.objects.models import FieldDefinition
from saas.db import db
from saas.errors import Conflict
from tenants.scoping import tenant_scope

FIELDS = "/api/v1/schema/objects/companies/fields"
COMPANIES = "/api/v1/objects/companies"
LIMIT = schema.MAX_FIELDS_PER_OBJECT


def _spec(n: int) -> dict:
    """Mostly text; every 10th a number, a few filterable."""
    kind = "number" if n % 10 == 0 else "text"
    return {
        "name": f"f{n:03d}",
        "label": f"Field {n}",
        "type": kind,
        "filterable": n in (1, 2, 10),
    }


@pytest.fixture
def full_object(app, tenant):
    """Companies with 800 custom fields, added in one go through the service."""
    with app.app_context(), tenant_scope(tenant["id"]):
        added = schema.add_fields("companies", [_spec(n) for n in range(1, LIMIT + 1)])
        assert len(added) == LIMIT
        db.session.commit()


def live_fields(app, tenant) -> int:
    with app.app_context(), tenant_scope(tenant["id"]):
        return db.session.scalar(
            select(func.count())
            .select_from(FieldDefinition)
            .where(FieldDefinition.retired_at.is_(None))
        )


def test_limit_is_at_least_800():
    assert LIMIT >= 800


def test_800_fields_then_the_801st_is_refused(app, tenant, api, full_object):
    assert live_fields(app, tenant) == LIMIT
    fields = api.get(FIELDS).get_json()["data"]
    custom = [f["name"] for f in fields if f["custom"]]
    assert custom == [f"f{n:03d}" for n in range(1, LIMIT + 1)]
    refused = api.post(FIELDS, json={"name": "one_more", "label": "One more", "type": "text"})
    assert refused.status_code == 409
    message = refused.get_json()["message"]
    assert f"at most {LIMIT} custom fields" in message and "Retire a field" in message
    assert live_fields(app, tenant) == LIMIT
    # Retiring one makes room for exactly one.
    assert api.delete(f"{FIELDS}/f799").status_code == 204
    assert (
        api.post(FIELDS, json={"name": "one_more", "label": "One more", "type": "text"}).status_code
        == 201
    )
    assert (
        api.post(FIELDS, json={"name": "two_more", "label": "Two", "type": "text"}).status_code
        == 409
    )


def test_a_record_with_values_in_many_fields_saves_reads_lists_and_filters(api, full_object):
    values = {f"f{n:03d}": (n * 3 if n % 10 == 0 else f"value {n}") for n in range(1, LIMIT + 1)}
    created = api.post(COMPANIES, json={"name": "Wide Co", **values})
    assert created.status_code == 201, created.get_json()
    record = created.get_json()
    assert {name: record[name] for name in values} == values
    fetched = api.get(f"{COMPANIES}/{record['id']}").get_json()
    assert {name: fetched[name] for name in values} == values
    narrow = api.post(COMPANIES, json={"name": "Narrow Co", "f001": "other", "f010": 1})
    assert narrow.status_code == 201
    listed = api.get(f"{COMPANIES}?sort=name").get_json()["data"]
    assert [row["name"] for row in listed] == ["Narrow Co", "Wide Co"]
    assert listed[1]["f555"] == "value 555"
    for query, expected in (
        ("filter[f001]=value 1", ["Wide Co"]),
        ("filter[f010][gte]=10", ["Wide Co"]),
        ("filter[f002][is_null]=true", ["Narrow Co"]),
        ("sort=-f010", ["Wide Co", "Narrow Co"]),
    ):
        rows = api.get(f"{COMPANIES}?{query}").get_json()["data"]
        assert [row["name"] for row in rows] == expected, query
    updated = api.patch(f"{COMPANIES}/{record['id']}", json={"f400": 12, "f401": "changed"})
    assert updated.status_code == 200 and updated.get_json()["f401"] == "changed"
    assert updated.get_json()["f400"] == 12


def test_a_bulk_add_over_the_limit_adds_nothing(app, tenant):
    with app.app_context(), tenant_scope(tenant["id"]):
        schema.add_fields("companies", [_spec(n) for n in range(1, 11)])
        with pytest.raises(Conflict, match="so 790 more can be added"):
            schema.add_fields("companies", [_spec(n) for n in range(11, LIMIT + 2)])
        db.session.rollback()
    assert live_fields(app, tenant) == 0


def test_a_bulk_add_checks_names_and_slots_across_its_fields(app, tenant):
    from saas.errors import ValidationFailed

    with app.app_context(), tenant_scope(tenant["id"]):
        with pytest.raises(ValidationFailed) as refused:
            schema.add_fields("companies", [_spec(1), _spec(2), _spec(1)])
        assert refused.value.errors == {
            "fields[2].name": ["This object already has a field with this name."]
        }
        texts = [
            {"name": f"t{n}", "label": f"T{n}", "type": "text", "filterable": True}
            for n in range(9)
        ]
        with pytest.raises(Conflict, match="All 8 filterable text slots"):
            schema.add_fields("companies", texts)
        db.session.rollback()
    assert live_fields(app, tenant) == 0
