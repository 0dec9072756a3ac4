"""How many SQL statements an API request costs (a number, not a time: issue #14).

A list, a get, a create and an update cost at most five statements on SQLite and on
PostgreSQL (where the transaction's row-level security setting is one of them), whatever
the page size, the number of custom fields and the caller's role: the token, its user, the
tenant (with its schema version) and its billing account come in one indexed read, and the
tenant's field definitions, field access and role rights from the process's schema cache,
which a schema change made through another app (another worker) invalidates at once.
"""

from __future__ import annotations

import contextlib

import pytest
from sqlalchemy import event, select

from core.objects import schema as schema_service
from core.objects.registry import object_for_tenant
from saas.auth.models import User
from saas.db import db
from tenants.models import Tenant
from tenants.schema_version import bump_schema_version, schema_version
from tenants.scoping import tenant_scope
from tests.core.objects.conftest import Api, token_for

CONTACTS = "/api/v1/objects/contacts"
MAX_STATEMENTS = 5


@contextlib.contextmanager
def counted(app):
    """The SQL statements sent to the database inside the block."""
    statements: list[str] = []
    with app.app_context():
        engine = db.engine

    def before(conn, cursor, statement, params, context, executemany):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", before)


def _add_custom_fields(api, count: int) -> None:
    types = ["text", "number", "date", "boolean", "email", "picklist"]
    for index in range(count):
        kind = types[index % len(types)]
        body = {"name": f"extra_{index}", "label": f"Extra {index}", "type": kind}
        if kind == "picklist":
            body["options"] = {"values": [{"value": "A"}, {"value": "B"}]}
        if kind in ("text", "number"):
            body["filterable"] = True
        response = api.post("/api/v1/schema/objects/contacts/fields", json=body)
        assert response.status_code == 201, response.get_json()


def _requests(record_id: str) -> list[tuple[str, str, dict | None]]:
    return [
        ("list", f"{CONTACTS}?limit=200&sort=last_name&filter[last_name][ne]=Nobody", None),
        ("get", f"{CONTACTS}/{record_id}", None),
        ("create", CONTACTS, {"first_name": "New", "last_name": "Person"}),
        ("update", f"{CONTACTS}/{record_id}", {"title": "Buyer"}),
    ]


def _send(api, kind: str, path: str, body):
    method = {"list": "GET", "get": "GET", "create": "POST", "update": "PATCH"}[kind]
    response = api.client.open(path, method=method, json=body, headers=api.headers)
    assert response.status_code in (200, 201), (kind, response.get_json())
    return response


@pytest.mark.parametrize(("records", "custom_fields"), [(1, 0), (60, 0), (60, 18), (200, 18)])
@pytest.mark.parametrize("role", ["admin", "member"])
def test_api_requests_cost_at_most_five_statements(app, tenant, api, records, custom_fields, role):
    _add_custom_fields(api, custom_fields)
    # A role with rights of its own, so that the rights are read (from the cache) too.
    assert (
        api.put(
            "/api/v1/permissions/member/contacts",
            json={"create": True, "read": True, "update": True, "delete": False},
        ).status_code
        == 200
    )
    values = {f"extra_{i}": "x" for i in range(0, custom_fields, 6)}
    rows = [{"first_name": f"P{i}", "last_name": f"L{i}", **values} for i in range(records)]
    response = api.post(f"{CONTACTS}/bulk", json={"records": rows})
    assert response.status_code == 200, response.get_json()
    record_id = response.get_json()["data"][0]["id"]
    if role == "member":
        user_id = db_user_id(app, tenant, "member")
        api = Api(app, token_for(app, tenant, user_id))

    for kind, path, body in _requests(record_id):
        _send(api, kind, path, body)  # the first use of the token and of the cache
    for kind, path, body in _requests(record_id):
        with counted(app) as statements:
            response = _send(api, kind, path, body)
        if kind == "list":
            assert len(response.get_json()["data"]) == min(records + 1, 200)
        assert len(statements) <= MAX_STATEMENTS, (kind, statements)


def db_user_id(app, tenant, role: str):
    from tests.conftest import add_user

    return add_user(app, tenant, email=f"{role}@acme.example.com", role=role)


def test_the_token_user_tenant_and_billing_cost_one_statement(app, tenant, api):
    api.get("/api/v1/me")  # the first use writes the token's last use
    with counted(app) as statements:
        assert api.get("/api/v1/me").status_code == 200
    reads = [s for s in statements if "set_config" not in s]
    assert len(reads) == 1, statements
    assert "api_tokens" in reads[0] and "users" in reads[0] and "tenants" in reads[0]


def test_a_schema_change_through_one_app_is_seen_by_another_on_its_next_request(
    app, tenant, api, build_app
):
    other_worker = build_app()
    other = Api(other_worker, token_for(app, tenant, tenant["admin_id"]))
    before = other.get("/api/v1/schema/objects/contacts/fields").get_json()["data"]
    assert "rating" not in [f["name"] for f in before]
    response = api.post(
        "/api/v1/schema/objects/contacts/fields",
        json={"name": "rating", "label": "Rating", "type": "number"},
    )
    assert response.status_code == 201
    after = other.get("/api/v1/schema/objects/contacts/fields").get_json()["data"]
    assert "rating" in [f["name"] for f in after]
    # ... and its records carry the field at once.
    created = other.post(CONTACTS, json={"last_name": "Rated", "rating": 4})
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["rating"] == 4


def test_rights_changed_through_one_app_apply_in_another_at_once(app, tenant, api, build_app):
    other_worker = build_app()
    member = Api(other_worker, token_for(app, tenant, db_user_id(app, tenant, "member")))
    assert member.get(CONTACTS).status_code == 200
    response = api.put(
        "/api/v1/permissions/member/contacts",
        json={"create": False, "read": False, "update": False, "delete": False},
    )
    assert response.status_code == 200, response.get_json()
    assert member.get(CONTACTS).status_code == 403


def test_a_schema_change_rolled_back_is_never_cached(app, tenant, api):
    api.get(CONTACTS)
    with app.test_request_context(), tenant_scope(tenant["id"]):
        schema_service.add_field("contacts", name="ghost", label="Ghost", type="text")
        assert "ghost" in object_for_tenant("contacts").fields
        db.session.rollback()
        assert "ghost" not in object_for_tenant("contacts").fields
    fields = api.get("/api/v1/schema/objects/contacts/fields").get_json()["data"]
    assert "ghost" not in [f["name"] for f in fields]


def test_bump_schema_version_counts_with_the_transaction(app, tenant):
    with app.app_context(), tenant_scope(tenant["id"]):
        start = schema_version()
        bump_schema_version(tenant["id"])
        assert schema_version() == start + 1
        db.session.rollback()
        assert schema_version() == start
        bump_schema_version()
        db.session.commit()
        stored = select(Tenant.schema_version).where(Tenant.id == tenant["id"])
        assert db.session.scalar(stored) == start + 1


def test_writing_a_schema_row_bumps_the_version(app, tenant):
    with app.app_context(), tenant_scope(tenant["id"]):
        start = schema_version()
        schema_service.add_field("companies", name="tier", label="Tier", type="text")
        db.session.commit()
        assert schema_version() > start
        middle = schema_version()
        admin = db.session.get(User, (tenant["id"], tenant["admin_id"]))
        admin.name = "Renamed"  # not part of the schema
        db.session.commit()
        assert schema_version() == middle


def test_the_openapi_document_is_found_by_the_schema_version(app, tenant, api, monkeypatch):
    from core.objects import openapi

    first = api.get("/api/v1/openapi.json")
    assert first.status_code == 200 and first.headers["ETag"]
    etag = first.headers["ETag"]

    def no_digest(*args, **kwargs):
        raise AssertionError("the document was digested again although nothing changed")

    monkeypatch.setattr(openapi, "metadata_fingerprint", no_digest)
    with counted(app) as statements:
        again = api.get("/api/v1/openapi.json", headers={"If-None-Match": etag})
    assert again.status_code == 304 and len(statements) <= 2, statements
    monkeypatch.undo()

    response = api.post(
        "/api/v1/schema/objects/contacts/fields",
        json={"name": "rating", "label": "Rating", "type": "number"},
    )
    assert response.status_code == 201
    changed = api.get("/api/v1/openapi.json", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert "rating" in changed.get_json()["components"]["schemas"]["contacts"]["properties"]
