"""The security log's chain: entries are written with the transaction that records them,
numbered per tenant, and any edit, removal or reordering made behind the application's
back (here straight in the database) is reported at the first entry it breaks."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import delete, select, update

from saas import security_log
from saas.db import db
from saas.security_log.models import SecurityLogEntry
from saas.security_log.services import GENESIS, canonical_form, entry_hash, export_fields
from tenants.scoping import tenant_scope

TABLE = SecurityLogEntry.__table__


def _record(app, tenant: dict, *events: str, **kwargs) -> None:
    with app.app_context(), tenant_scope(tenant["id"]):
        for event in events:
            security_log.record(event, **kwargs)
        db.session.commit()


def _entries(app, tenant: dict) -> list[dict]:
    with app.app_context(), tenant_scope(tenant["id"]):
        rows = db.session.scalars(select(SecurityLogEntry).order_by(SecurityLogEntry.seq))
        return [export_fields(row) for row in rows]


def _verify(app, tenant: dict, **kwargs):
    with app.app_context():
        return security_log.verify(tenant["id"], **kwargs)


def _tamper(owner_engine, tenant: dict, statement) -> None:
    """Change the table as someone with database access would: no application code."""
    with owner_engine.begin() as connection:
        connection.execute(statement.where(TABLE.c.tenant_id == tenant["id"]))


@pytest.fixture
def logged(app, tenant):
    """Acme's log after five more events (the workspace's creation is entry 1)."""
    _record(
        app,
        tenant,
        "user.role_changed",
        "settings.credit_check_changed",
        "api_token.created",
        "user.deactivated",
        "settings.business_hours_changed",
        actor=None,
        target="something",
        details={"from": "warn", "to": "block", "count": 3, "ratio": 0.5},
    )
    return tenant


def test_entries_are_numbered_and_each_links_to_the_one_before(app, logged):
    entries = _entries(app, logged)
    assert [entry["seq"] for entry in entries] == list(range(1, len(entries) + 1))
    assert entries[0]["prev_hash"] == GENESIS
    for before, after in zip(entries, entries[1:], strict=False):
        assert after["prev_hash"] == before["hash"]
    for entry in entries:
        assert entry_hash(entry) == entry["hash"]
    # JSON read back from the database hashes the same (a float is kept as its text).
    assert entries[-1]["details"] == {"from": "warn", "to": "block", "count": 3, "ratio": "0.5"}
    status = _verify(app, logged)
    assert status.ok and status.entries == len(entries)
    assert (status.head_seq, status.head_hash) == (entries[-1]["seq"], entries[-1]["hash"])


def test_an_event_is_written_only_if_its_transaction_commits(app, tenant):
    before = len(_entries(app, tenant))
    with app.app_context(), tenant_scope(tenant["id"]):
        security_log.record("user.role_changed", actor=None)
        db.session.rollback()
        security_log.record("user.deactivated", actor=None)
        with db.session.begin_nested() as savepoint:
            security_log.record("user.reactivated", actor=None)
            savepoint.rollback()
        with db.session.begin_nested():
            security_log.record("team.created", actor=None)
        db.session.commit()
    events = [entry["event"] for entry in _entries(app, tenant)[before:]]
    assert events == ["user.deactivated", "team.created"]
    assert _verify(app, tenant).ok


def test_an_unknown_event_name_is_a_programming_error(app, tenant):
    with app.app_context(), tenant_scope(tenant["id"]), pytest.raises(ValueError):
        security_log.record("user.renamed_by_typo")


def test_an_edited_entry_breaks_the_chain_at_that_entry(app, logged, owner_engine):
    _tamper(owner_engine, logged, update(TABLE).where(TABLE.c.seq == 3).values(actor="someone"))
    status = _verify(app, logged)
    assert not status.ok and status.broken_at == 3
    assert "does not match its hash" in status.problem
    assert status.entries == 2


def test_an_edited_entry_with_a_new_hash_breaks_the_link_of_the_next(app, logged, owner_engine):
    third = _entries(app, logged)[2]
    forged = third | {"details": {"to": "off"}}
    _tamper(
        owner_engine,
        logged,
        update(TABLE)
        .where(TABLE.c.seq == 3)
        .values(details=forged["details"], hash=entry_hash(forged)),
    )
    status = _verify(app, logged)
    assert (status.ok, status.broken_at) == (False, 4)
    assert "does not link" in status.problem


def test_a_removed_entry_is_reported(app, logged, owner_engine):
    _tamper(owner_engine, logged, delete(TABLE).where(TABLE.c.seq == 4))
    status = _verify(app, logged)
    assert (status.ok, status.broken_at) == (False, 4)
    assert status.problem == "entry 4 is missing (removed)"


def test_removing_the_last_entries_is_reported_too(app, logged, owner_engine):
    _tamper(owner_engine, logged, delete(TABLE).where(TABLE.c.seq >= 5))
    status = _verify(app, logged)
    assert (status.ok, status.broken_at) == (False, 5)
    assert status.problem == "entries 5 to 6 are missing (removed)"


def test_reordered_entries_are_reported(app, logged, owner_engine):
    _tamper(owner_engine, logged, update(TABLE).where(TABLE.c.seq == 2).values(seq=-2))
    _tamper(owner_engine, logged, update(TABLE).where(TABLE.c.seq == 3).values(seq=2))
    _tamper(owner_engine, logged, update(TABLE).where(TABLE.c.seq == -2).values(seq=3))
    status = _verify(app, logged)
    assert (status.ok, status.broken_at) == (False, 2)


def test_a_chain_rewritten_from_the_start_is_caught_by_a_head_kept_earlier(
    app, logged, owner_engine
):
    with app.app_context():
        kept = security_log.head(logged["id"])
    previous = GENESIS
    for entry in _entries(app, logged):  # the attacker recomputes every hash
        forged = entry | {"prev_hash": previous}
        if entry["seq"] == 2:
            forged["actor"] = "nobody"
        previous = entry_hash(forged)
        _tamper(
            owner_engine,
            logged,
            update(TABLE)
            .where(TABLE.c.seq == entry["seq"])
            .values(actor=forged["actor"], prev_hash=forged["prev_hash"], hash=previous),
        )
    assert _verify(app, logged).ok  # consistent: the chain alone cannot tell
    status = _verify(app, logged, expected_head=kept)
    assert (status.ok, status.broken_at) == (False, kept[0])
    assert "head hash kept earlier" in status.problem


def test_each_tenant_has_its_own_chain_and_sees_only_its_entries(app, logged, other_tenant):
    _record(app, other_tenant, "user.role_changed", actor=None)
    theirs = _entries(app, other_tenant)
    assert [entry["seq"] for entry in theirs] == [1, 2]
    assert {entry["tenant_id"] for entry in theirs} == {str(other_tenant["id"])}
    assert len(_entries(app, logged)) == 6
    assert _verify(app, other_tenant).ok and _verify(app, logged).ok


def test_an_entry_moved_to_another_tenant_does_not_verify_there(
    app, logged, other_tenant, owner_engine
):
    _tamper(owner_engine, other_tenant, delete(TABLE).where(TABLE.c.seq == 1))
    with owner_engine.begin() as connection:
        connection.execute(
            update(TABLE)
            .where(TABLE.c.tenant_id == logged["id"], TABLE.c.seq == 1)
            .values(tenant_id=other_tenant["id"])
        )
    status = _verify(app, other_tenant)
    assert (status.ok, status.broken_at) == (False, 1)


def _record_many(app, tenant, count, start, errors) -> None:
    try:
        start.wait()
        for _ in range(count):
            with app.app_context(), tenant_scope(tenant["id"]):
                security_log.record("auth.sign_in", actor=None)
                db.session.commit()
    except Exception as exc:  # pragma: no cover (reported by the test)
        errors.append(exc)


def test_concurrent_writers_make_one_unbroken_chain(app, tenant):
    """On PostgreSQL the counter row's lock orders the writers; SQLite serialises them."""
    threads, per_thread = 6, 5
    errors: list[Exception] = []
    start = threading.Barrier(threads)
    workers = [
        threading.Thread(target=_record_many, args=(app, tenant, per_thread, start, errors))
        for _ in range(threads)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert not errors, errors
    status = _verify(app, tenant)
    assert status.ok and status.entries == 1 + threads * per_thread


def test_the_verify_command_reports_each_tenant_and_fails_on_a_break(
    app, logged, other_tenant, owner_engine
):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["security-log", "verify"])
    assert result.exit_code == 0, result.output
    assert "acme: verified, 6 entries, head 6:" in result.output
    assert "globex: verified, 1 entries" in result.output
    with app.app_context():
        seq, digest = security_log.head(logged["id"])
    kept = runner.invoke(
        args=["security-log", "verify", "--tenant", "acme", "--head", f"{seq}:{digest}"]
    )
    assert kept.exit_code == 0, kept.output

    _tamper(owner_engine, logged, update(TABLE).where(TABLE.c.seq == 2).values(target="x"))
    result = runner.invoke(args=["security-log", "verify", "--tenant", "acme"])
    assert result.exit_code == 1
    assert "acme: BROKEN at entry 2: its content does not match its hash" in result.output
    refused = runner.invoke(args=["security-log", "verify", "--tenant", "acme", "--head", "x"])
    assert refused.exit_code == 2 and "Give the head as" in refused.output
    unknown = runner.invoke(args=["security-log", "verify", "--tenant", "nope"])
    assert unknown.exit_code == 2 and "No tenant 'nope'" in unknown.output


def test_the_user_agent_is_hashed_and_entries_without_one_keep_the_first_form(
    app, tenant, owner_engine
):
    _record(app, tenant, "user.role_changed", actor=None, user_agent="Firefox/140")
    _record(app, tenant, "user.role_changed", actor=None)
    entries = _entries(app, tenant)
    with_agent, without = entries[-2], entries[-1]
    assert with_agent["user_agent"] == "Firefox/140" and without["user_agent"] is None
    assert b'"user_agent"' not in canonical_form(without) and b'"v":1' in canonical_form(without)
    assert b'"v":2' in canonical_form(with_agent)
    assert _verify(app, tenant).ok
    _tamper(
        owner_engine,
        tenant,
        update(TABLE).where(TABLE.c.seq == with_agent["seq"]).values(user_agent=None),
    )
    status = _verify(app, tenant)
    assert not status.ok and status.broken_at == with_agent["seq"]


def test_changes_name_each_changed_value_before_and_after():
    before = {"mode": "warn", "week": {"mon": [1], "tue": [2]}, "gone": 1, "same": [1]}
    after = {"mode": "block", "week": {"mon": [1], "tue": [3]}, "new": "x", "same": [1]}
    assert security_log.changes(before, after) == {
        "mode": {"from": "warn", "to": "block"},
        "week.tue": {"from": [2], "to": [3]},
        "gone": {"from": 1, "to": None},
        "new": {"from": None, "to": "x"},
    }
