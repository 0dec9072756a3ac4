"""Keyset pagination visits every record once, in the documented order, whatever the sort
field, direction, page size and share of empty values: records with a value in sort order
(ties by id), then the empty ones by id. Checked against an order computed in Python."""

from __future__ import annotations

import random
import uuid

import pytest

from core.objects import records, schema
from saas.auth.models import User
from saas.db import db
from tenants.scoping import tenant_scope


@pytest.fixture
def dataset(app, tenant) -> list[dict]:
    """29 companies; employees (native), score (custom number slot) and code (custom text
    slot) with ties and empty values."""
    rng = random.Random(7)
    with app.app_context(), tenant_scope(tenant["id"]):
        admin = db.session.get(User, (tenant["id"], tenant["admin_id"]))
        schema.add_field("companies", name="score", label="Score", type="number", filterable=True)
        schema.add_field("companies", name="code", label="Code", type="text", filterable=True)
        rows = []
        for i in range(29):
            values = {
                "name": f"Company {i:02}",
                "employees": rng.choice([None, 1, 2, 2, 3, 50]),
                "score": rng.choice([None, -1.5, 0, 2.25, 2.25, 1e12 + 0.01]),
                "code": rng.choice([None, "a", "b", "B", "zz"]),
            }
            record = records.create_record("companies", values, actor=admin)
            rows.append({**values, "id": record.id})
        db.session.commit()
    return rows


def _expected(rows: list[dict], field: str, descending: bool) -> list[uuid.UUID]:
    if field == "created_at":
        ordered = sorted(rows, key=lambda row: row["id"], reverse=descending)
        return [row["id"] for row in ordered]
    valued = [row for row in rows if row[field] is not None]
    empty = sorted((row for row in rows if row[field] is None), key=lambda row: row["id"])
    # Ties follow the sort's direction (so one index on (tenant, column, id) serves both).
    valued.sort(key=lambda row: (row[field], row["id"]), reverse=descending)
    return [row["id"] for row in valued + empty]


def _walk(app, tenant, sort: str | None, limit: int) -> list[uuid.UUID]:
    seen, cursor = [], None
    with app.app_context(), tenant_scope(tenant["id"]):
        admin = db.session.get(User, (tenant["id"], tenant["admin_id"]))
        for _ in range(100):
            page, cursor = records.list_records(
                "companies", sort=sort, limit=limit, cursor=cursor, actor=admin
            )
            seen += [record.id for record in page]
            if cursor is None:
                return seen
    raise AssertionError("pagination did not end")


@pytest.mark.parametrize("field", ["employees", "score", "code", "created_at"])
@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("limit", [1, 4, 7, 29, 30])
def test_pages_visit_every_record_once_in_order(app, tenant, dataset, field, descending, limit):
    if field == "code":  # the database's collation orders text; Python's may differ in case
        distinct = {row["code"] for row in dataset if row["code"]}
        assert distinct == {"a", "b", "B", "zz"}
        with app.app_context(), tenant_scope(tenant["id"]):
            admin = db.session.get(User, (tenant["id"], tenant["admin_id"]))
            page, _ = records.list_records("companies", sort="code", limit=100, actor=admin)
            order = [v for v in dict.fromkeys(r.custom.get("code") for r in page) if v]
        rank = {value: index for index, value in enumerate(order)}
        dataset = [{**row, "code": rank.get(row["code"])} for row in dataset]
    sort = ("-" if descending else "") + field
    assert _walk(app, tenant, sort, limit) == _expected(dataset, field, descending)


def test_default_order_is_creation_order(app, tenant, dataset):
    assert _walk(app, tenant, None, 5) == [row["id"] for row in dataset]
