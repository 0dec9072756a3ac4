"""The tenant admin's security log page: filters, paging, the chain check, rights, and a
CSV export whose formula-like cells are neutralised and which is logged itself."""

from __future__ import annotations

import csv
import io
import json

from sqlalchemy import update

from saas import security_log
from saas.db import db
from saas.security_log import services
from saas.security_log.models import SecurityLogEntry
from tenants.scoping import tenant_scope
from tests.conftest import add_user

TABLE = SecurityLogEntry.__table__
PAGE = "/admin/security-log/"


def _record(app, tenant: dict, event: str, *, times: int = 1, target: str = "x") -> None:
    with app.app_context(), tenant_scope(tenant["id"]):
        for _ in range(times):
            security_log.record(
                event,
                actor=None,
                target=target,
                details={"role": {"from": "member", "to": "admin"}},
            )
        db.session.commit()


def _admin(login_as, tenant):
    return login_as(tenant, "admin@acme.example.com", "correct horse battery")


def test_the_page_shows_entries_readably_filters_and_pages(app, tenant, login_as):
    _record(app, tenant, "user.role_changed", times=55, target="bob@example.com")
    client = _admin(login_as, tenant)
    page = client.get(PAGE)
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Chain intact" in text and "role: member → admin" in text
    assert 'rel="next"' in text
    filtered = client.get(PAGE + "?event=workspace.created").get_data(as_text=True)
    assert "Workspace created" in filtered and "bob@example.com" not in filtered
    assert "Give the date" in client.get(PAGE + "?from=nope").get_data(as_text=True)
    second = client.get(PAGE + "?cursor=6").get_data(as_text=True)
    assert "Workspace created" in second and 'rel="next"' not in second


def test_only_admins_see_it_and_only_their_tenant(app, tenant, other_tenant, login_as):
    _record(app, other_tenant, "user.role_changed", target="globex-secret")
    add_user(app, tenant, email="m@acme.example.com")
    member = login_as(tenant, "m@acme.example.com", "member password 1")
    assert member.get(PAGE).status_code == 403
    assert member.get(PAGE + "export.csv").status_code == 403
    assert "globex-secret" not in _admin(login_as, tenant).get(PAGE).get_data(as_text=True)


def test_a_tampered_entry_is_named_on_the_page(app, tenant, login_as, owner_engine):
    _record(app, tenant, "user.role_changed", times=3)
    with owner_engine.begin() as connection:
        connection.execute(
            update(TABLE)
            .where(TABLE.c.tenant_id == tenant["id"], TABLE.c.seq == 2)
            .values(target="forged")
        )
    text = _admin(login_as, tenant).get(PAGE).get_data(as_text=True)
    assert "Chain broken" in text and "at entry 2" in text


def test_the_csv_export_neutralises_formulas_and_is_logged(app, tenant, login_as):
    _record(app, tenant, "user.role_changed", target="=HYPERLINK(1)")
    client = _admin(login_as, tenant)
    response = client.get(PAGE + "export.csv?event=user.role_changed")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) == 1 and rows[0]["target"] != "=HYPERLINK(1)"
    assert rows[0]["target"].endswith("=HYPERLINK(1)") and rows[0]["hash"]
    assert "Security log exported" in client.get(PAGE).get_data(as_text=True)


def test_the_json_lines_export_gives_the_chain_as_the_api_does(app, tenant, login_as):
    _record(app, tenant, "user.role_changed", times=3, target="bob@example.com")
    client = _admin(login_as, tenant)
    response = client.get(PAGE + "export.jsonl")
    assert response.status_code == 200 and response.mimetype == "application/jsonl"
    entries = [json.loads(line) for line in response.get_data(as_text=True).splitlines()]
    # Up to the admin's sign-in (5): the export's own entry comes after what it counted.
    assert [e["seq"] for e in entries] == [1, 2, 3, 4, 5]
    with app.app_context(), tenant_scope(tenant["id"]):
        assert services.verify_entries(entries).ok  # re-checked from the export alone
    assert entries[1]["target"] == "bob@example.com" and len(entries[1]["hash"]) == 64
    assert set(entries[1]) == {
        "tenant_id", "seq", "at", "event", "actor_id", "actor", "target", "ip",
        "user_agent", "details", "prev_hash", "hash",
    }  # fmt: skip


def test_exports_are_read_a_page_at_a_time_and_stop_at_the_counted_entries(
    app, tenant, login_as, monkeypatch
):
    _record(app, tenant, "user.role_changed", times=6)
    monkeypatch.setattr(services, "EXPORT_PAGE", 2)
    pages = []
    real_scalars = db.session.scalars

    def counting(statement, *args, **kwargs):
        pages.append(statement)
        return real_scalars(statement, *args, **kwargs)

    client = _admin(login_as, tenant)
    monkeypatch.setattr(db.session, "scalars", counting)
    response = client.get(PAGE + "export.csv?event=user.role_changed")
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [int(r["seq"]) for r in rows] == [2, 3, 4, 5, 6, 7]
    assert len([p for p in pages if "security_log_entries" in str(p)]) >= 3


def test_the_text_filter_finds_targets_and_names_and_takes_wildcards_literally(
    app, tenant, login_as
):
    _record(app, tenant, "user.role_changed", target="Bob@Example.com")
    _record(app, tenant, "user.role_changed", target="50% off")
    _record(app, tenant, "user.role_changed", target="500 off")
    client = _admin(login_as, tenant)
    found = client.get(PAGE + "?q=bob%40example").get_data(as_text=True)
    assert "Bob@Example.com" in found and "50% off" not in found
    percent = client.get(PAGE + "?q=50%25").get_data(as_text=True)
    assert "50% off" in percent and "500 off" not in percent
    assert "at most 200" in client.get(PAGE + "?q=" + "x" * 201).get_data(as_text=True)
    exported = client.get(PAGE + "export.csv?q=50%25").get_data(as_text=True)
    assert "50% off" in exported and "500 off" not in exported


def test_the_actor_is_picked_from_the_workspaces_users(app, tenant, login_as):
    client = _admin(login_as, tenant)  # signing in is logged with the admin as actor
    page = client.get(PAGE).get_data(as_text=True)
    assert '<select id="sl-actor" name="actor">' in page
    assert f'<option value="{tenant["admin_id"]}" >' in page and "admin@acme.example.com" in page
    mine = client.get(PAGE + f"?actor={tenant['admin_id']}").get_data(as_text=True)
    table = mine.split('data-testid="security-log"')[1]
    assert "Signed in" in table and "Workspace created" not in table
    assert "selected" in mine.split('name="actor"')[1].split("</select>")[0]


def test_an_export_too_large_is_refused_before_anything_is_sent_or_logged(
    app, tenant, login_as, monkeypatch, logged_events
):
    _record(app, tenant, "user.role_changed", times=3)
    monkeypatch.setattr(services, "MAX_EXPORT_ROWS", 2)
    client = _admin(login_as, tenant)
    for export in ("export.csv", "export.jsonl"):
        response = client.get(PAGE + export)
        assert response.status_code == 422
        assert "at most 2 entries" in response.get_data(as_text=True)
    assert "security_log.exported" not in [e["event"] for e in logged_events(tenant)]
