"""``eq`` and ``ne`` are complements for every field type: "is not X" includes the records
with no value at all, as people expect (and as other CRMs do)."""

from __future__ import annotations

import pytest
from sqlalchemy.dialects import postgresql, sqlite

from core.objects import records
from core.objects.registry import object_for_tenant
from tests.core.objects.test_views import run

COMPANIES = "/api/v1/objects/companies"

CUSTOM = [
    {
        "name": "tier",
        "type": "picklist",
        "options": {"values": [{"value": "Gold"}, {"value": "Silver"}]},
    },
    {"name": "score", "type": "number"},
    {"name": "vip", "type": "boolean"},
    {"name": "since", "type": "date"},
    {"name": "code", "type": "text"},
    {"name": "seen_at", "type": "datetime"},
]


@pytest.fixture
def companies(api):
    for field in CUSTOM:
        body = {**field, "label": field["name"].title(), "filterable": True}
        assert api.post("/api/v1/schema/objects/companies/fields", json=body).status_code == 201
    parent = api.post(COMPANIES, json={"name": "Parent"}).get_json()["id"]
    rows = [
        {
            "name": "Full",
            "industry": "Retail",
            "employees": 10,
            "founded_on": "2020-01-01",
            "email": "a@full.example",
            "parent_id": parent,
            "roles": ["customer"],
            "tier": "Gold",
            "score": 5,
            "vip": True,
            "since": "2021-05-05",
            "code": "X1",
            "seen_at": "2024-01-01T10:00:00Z",
        },
        {
            "name": "Other",
            "industry": "Energy",
            "employees": 20,
            "founded_on": "2019-01-01",
            "email": "b@other.example",
            "roles": ["supplier"],
            "tier": "Silver",
            "score": 7,
            "vip": False,
            "since": "2022-06-06",
            "code": "Y2",
            "seen_at": "2024-02-02T10:00:00Z",
        },
        {"name": "Empty"},
    ]
    for row in rows:
        response = api.post(COMPANIES, json=row)
        assert response.status_code == 201, response.get_json()
    return parent


def _names(api, query: str) -> set[str]:
    response = api.get(f"{COMPANIES}?limit=200&{query}")
    assert response.status_code == 200, (query, response.get_json())
    return {row["name"] for row in response.get_json()["data"]}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("industry", "Retail"),
        ("employees", "10"),
        ("founded_on", "2020-01-01"),
        ("email", "a@full.example"),
        ("roles", "customer"),
        ("tier", "Gold"),
        ("score", "5"),
        ("vip", "true"),
        ("vip", "false"),
        ("since", "2021-05-05"),
        ("code", "X1"),
        ("seen_at", "2024-01-01T10:00:00Z"),
        ("name", "Full"),
    ],
)
def test_eq_and_ne_split_every_record_between_them(api, companies, field, value):
    everyone = _names(api, "")
    equal = _names(api, f"filter[{field}][eq]={value}")
    different = _names(api, f"filter[{field}][ne]={value}")
    assert equal and not equal & different, (equal, different)
    assert equal | different == everyone
    if field != "name":
        assert "Empty" in different  # no value is "not X"


def test_a_lookup_ne_includes_records_without_one(api, companies):
    assert _names(api, f"filter[parent_id][eq]={companies}") == {"Full"}
    assert _names(api, f"filter[parent_id][ne]={companies}") == {"Parent", "Other", "Empty"}


def test_ne_adds_the_empty_records_only_where_a_column_can_be_empty(app, tenant):
    """Two plain conditions (no function around the column), so an index still serves;
    a column that is never empty keeps the single comparison."""

    def compile_both(admin):
        obj = object_for_tenant("companies")
        out = {}
        for field in ("industry", "name"):
            condition = records._condition(obj, records.Filter(field, "ne", "Retail"))
            out[field] = [
                str(condition.compile(dialect=dialect)).lower()
                for dialect in (postgresql.dialect(), sqlite.dialect())
            ]
        return out

    compiled = run(app, tenant, compile_both)
    for sql in compiled["industry"]:
        assert "companies.industry != " in sql and "companies.industry is null" in sql
        assert "coalesce" not in sql and "distinct" not in sql
    for sql in compiled["name"]:
        assert "is null" not in sql
