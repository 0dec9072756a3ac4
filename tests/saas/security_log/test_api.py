"""The security log over the API: admins read pages of entries newest first, filtered,
with the hashes an outside party needs to re-check the chain; verify reports a break."""

from __future__ import annotations

from sqlalchemy import update

from saas import security_log
from saas.auth import api_tokens
from saas.auth.models import User
from saas.db import db
from saas.security_log.models import SecurityLogEntry
from saas.security_log.services import GENESIS, entry_hash
from tenants.scoping import tenant_scope
from tests.conftest import add_user

TABLE = SecurityLogEntry.__table__


def _token(app, tenant: dict, user_id) -> str:
    with app.app_context(), tenant_scope(tenant["id"]):
        user = db.session.get(User, (tenant["id"], user_id))
        raw = api_tokens.create_api_token(user=user, name="tests")[1]
        db.session.commit()
        return raw


def _get(app, raw: str, path: str, *, status: int = 200, **params):
    response = app.test_client().get(
        f"/api/v1{path}", query_string=params, headers={"Authorization": f"Bearer {raw}"}
    )
    assert response.status_code == status, response.get_data(as_text=True)
    return response.get_json()


def _record(app, tenant: dict, *events: str) -> None:
    with app.app_context(), tenant_scope(tenant["id"]):
        for event in events:
            security_log.record(event, actor=None, target=f"t-{event}", details={"to": "on"})
        db.session.commit()


def _all_pages(app, raw: str, **params) -> list[dict]:
    entries, cursor = [], None
    while True:
        page = _get(
            app, raw, "/security-log", limit=2, **({"cursor": cursor} if cursor else {}), **params
        )
        entries += page["data"]
        cursor = page["next_cursor"]
        if cursor is None:
            return entries


def test_pages_run_newest_first_and_chain_up_for_an_outside_check(app, tenant):
    _record(app, tenant, "user.role_changed", "user.deactivated", "settings.business_hours_changed")
    raw = _token(app, tenant, tenant["admin_id"])
    entries = _all_pages(app, raw)
    seqs = [e["seq"] for e in entries]
    assert seqs == sorted(seqs, reverse=True) and seqs[-1] == 1
    previous = GENESIS
    for entry in reversed(entries):
        assert entry["prev_hash"] == previous
        assert entry_hash({k: v for k, v in entry.items() if k != "hash"}) == entry["hash"]
        previous = entry["hash"]
    status = _get(app, raw, "/security-log/verify")
    assert status["ok"] and status["entries"] == len(entries)
    assert status["head"] == {"seq": entries[0]["seq"], "hash": entries[0]["hash"]}


def test_filters_by_event_and_bad_filters_are_422(app, tenant):
    _record(app, tenant, "user.role_changed", "user.deactivated", "user.role_changed")
    raw = _token(app, tenant, tenant["admin_id"])
    found = _all_pages(app, raw, event="user.role_changed")
    assert [e["event"] for e in found] == ["user.role_changed"] * 2
    assert _get(app, raw, "/security-log", status=422, event="no.such")
    assert _get(app, raw, "/security-log", status=422, **{"from": "yesterday"})
    assert _get(app, raw, "/security-log", status=422, cursor="abc")
    assert _get(app, raw, "/security-log", status=422, limit=0)
    assert _get(app, raw, "/security-log/verify", status=422, head="x")
    later = _get(app, raw, "/security-log", **{"from": "2999-01-01T00:00:00Z"})
    assert later["data"] == []


def test_only_admins_and_only_their_own_tenant(app, tenant, other_tenant):
    _record(app, other_tenant, "user.role_changed")
    member = add_user(app, tenant, email="m@acme.example.com")
    raw_member = _token(app, tenant, member)
    _get(app, raw_member, "/security-log", status=403)
    _get(app, raw_member, "/security-log/verify", status=403)
    raw = _token(app, tenant, tenant["admin_id"])
    tenant_ids = {e["tenant_id"] for e in _all_pages(app, raw)}
    assert tenant_ids == {str(tenant["id"])}


def test_verify_names_the_entry_changed_in_the_database(app, tenant, owner_engine):
    _record(app, tenant, "user.role_changed", "user.deactivated", "settings.business_hours_changed")
    raw = _token(app, tenant, tenant["admin_id"])
    with owner_engine.begin() as connection:
        connection.execute(
            update(TABLE)
            .where(TABLE.c.tenant_id == tenant["id"], TABLE.c.seq == 3)
            .values(target="someone else")
        )
    status = _get(app, raw, "/security-log/verify")
    assert (status["ok"], status["broken_at"]) == (False, 3)
    assert "does not match its hash" in status["problem"]
