"""The tenant admin's security log page: filters, paging, the chain check, rights, and a
CSV export whose formula-like cells are neutralised and which is logged itself."""

from __future__ import annotations

import csv
import io

from sqlalchemy import update

from saas import security_log
from saas.db import db
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
