"""The database wall: forced row-level security on every tenant table (PostgreSQL).

These tests run in every run of the suite: on the PostgreSQL run they use its database; on
the SQLite run they build their own PostgreSQL database. Only outside CI, on a machine
without PostgreSQL, are they skipped.
"""

from __future__ import annotations

import os
import re
import uuid
from pathlib import Path

import pytest
import sqlalchemy
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.exc import ProgrammingError

from saas.app import create_app
from saas.db import db
from tests import pg
from tests.conftest import REQUIRE_SERVICES, add_user, make_tenant, test_config

PG_HOST = os.environ.get("PG_HOST", "127.0.0.1")
# On the SQLite run these tests build their own database (another name: TRELLIS_TEST_RLS_DB).
# Under pytest-xdist, one per worker (trellis_test_rls_gw0, ...).
RLS_DB = pg.worker_database(os.environ.get("TRELLIS_TEST_RLS_DB", "trellis_test_rls"))
OWNER_URL = f"postgresql+psycopg://postgres@{PG_HOST}:5432/{RLS_DB}"
APP_URL = f"postgresql+psycopg://trellis_app:trellis_app@{PG_HOST}:5432/{RLS_DB}"
OPERATIONS_DOC = Path(__file__).resolve().parents[2] / "docs" / "operations.md"

# The only tables without row-level security, each with the reason it needs none. A new
# table without RLS fails the test below until it is under RLS or listed here (and in
# docs/operations.md, "Tables without row-level security") with a reason a reviewer accepts.
TABLES_WITHOUT_RLS = {
    "tenants": "the registry of workspaces: a request's host is matched to its tenant "
    "before any tenant is known; slug, name, plan and status only, no CRM data",
    "login_failures": "the sign-in throttle counts failures per IP across tenants; no "
    "tenant id and no e-mail in clear (account_key is a keyed hash)",
    "operator_audit_entries": "the platform operator's own actions in the operator "
    "console, not any tenant's; no tenant id",
    "alembic_version": "the migration history: written by the owner only; the app role may "
    "only read it (so a pod's `trellis doctor --runtime` sees the schema is at head)",
}
# Platform tables: one row per tenant in ``for_tenant``, readable across tenants only in
# platform_scope() (the outbox dispatcher, Stripe webhooks, the operator console).
PLATFORM_TABLES = ("billing_accounts", "billing_events", "job_outbox", "account_directory")


@pytest.fixture(scope="module")
def pg_urls(database_urls, app):
    if database_urls[0].startswith("postgresql"):
        yield database_urls
        return
    if not pg.reachable(OWNER_URL):
        if REQUIRE_SERVICES:
            pytest.fail(f"PostgreSQL is required in CI and is not reachable at {PG_HOST}:5432")
        pytest.skip("PostgreSQL is not reachable; the RLS wall is tested on PostgreSQL only")
    pg.prepare_database(OWNER_URL, APP_URL)
    application = create_app(test_config(APP_URL, OWNER_URL))
    with application.app_context():
        from saas.migrate import upgrade_database

        upgrade_database()
        db.engine.dispose()
    yield APP_URL, OWNER_URL


@pytest.fixture
def pg_app(pg_urls, app):
    if pg_urls[0] == app.config["SQLALCHEMY_DATABASE_URI"]:
        yield app
        return
    application = create_app(test_config(*pg_urls))
    yield application
    with application.app_context():
        db.engine.dispose()
    owner = create_engine(pg_urls[1])
    with owner.begin() as connection:
        tables = ", ".join(t.name for t in db.metadata.sorted_tables)
        connection.exec_driver_sql(f"TRUNCATE {tables} CASCADE")
    owner.dispose()


@pytest.fixture
def owner(pg_urls):
    engine = create_engine(pg_urls[1])
    with engine.connect() as connection:
        yield connection
    engine.dispose()


@pytest.fixture
def app_role(pg_urls):
    """A raw connection as the application's role: no ORM, so no ORM wall."""
    engine = create_engine(pg_urls[0])
    with engine.connect() as connection:
        yield connection
    engine.dispose()


def _tenant_tables(connection) -> list[str]:
    return list(
        connection.scalars(
            text(
                "SELECT table_name FROM information_schema.columns "
                "WHERE table_schema = 'public' AND column_name = 'tenant_id' ORDER BY table_name"
            )
        )
    )


def _forced_rls_policy(owner, table: str):
    """The one policy of ``table`` (qual, with_check), asserting RLS is enabled and forced."""
    enabled, forced = owner.execute(
        text("SELECT relrowsecurity, relforcerowsecurity FROM pg_class WHERE relname = :t"),
        {"t": table},
    ).one()
    assert enabled and forced, table
    policy = owner.execute(
        text("SELECT qual, with_check FROM pg_policies WHERE tablename = :t"), {"t": table}
    ).all()
    assert len(policy) == 1, table
    return policy[0]


def test_every_tenant_table_has_forced_rls_and_the_policy(owner):
    tables = _tenant_tables(owner)
    assert "users" in tables and len(tables) >= 5
    for table in tables:
        policy = _forced_rls_policy(owner, table)
        assert "app.tenant_id" in policy.qual and "app.tenant_id" in policy.with_check


def test_every_tenant_table_in_the_metadata_is_covered(owner, pg_app):
    in_database = set(_tenant_tables(owner))
    in_models = {t.name for t in db.metadata.sorted_tables if "tenant_id" in t.c}
    assert in_models == in_database


def test_app_role_owns_nothing_and_cannot_bypass_rls(app_role):
    row = app_role.execute(
        text("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")
    ).one()
    assert row == (False, False)
    owned = app_role.scalar(
        text(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' "
            "AND tableowner = current_user"
        )
    )
    assert owned == 0


def test_app_role_reads_the_migration_history_and_cannot_change_it(pg_app, app_role):
    assert app_role.scalar(text("SELECT count(*) FROM alembic_version")) >= 1
    for statement in (
        "DELETE FROM alembic_version",
        "UPDATE alembic_version SET version_num = 'x'",
    ):
        with pytest.raises(sqlalchemy.exc.ProgrammingError, match="permission denied"):
            with app_role.begin_nested():
                app_role.execute(text(statement))


def test_rls_alone_shows_no_foreign_rows(pg_app, app_role):
    acme = make_tenant(pg_app, "acme")
    globex = make_tenant(pg_app, "globex")
    add_user(pg_app, acme, email="a2@acme.example.com")
    add_user(pg_app, globex, email="g2@globex.example.com")
    tables = _tenant_tables(app_role)
    app_role.rollback()

    with app_role.begin():
        for table in tables:
            assert app_role.scalar(text(f'SELECT count(*) FROM "{table}"')) == 0, table

    with app_role.begin():
        app_role.execute(
            text("SELECT set_config('app.tenant_id', :t, true)"), {"t": str(acme["id"])}
        )
        for table in tables:
            foreign = app_role.scalar(
                text(f'SELECT count(*) FROM "{table}" WHERE tenant_id <> :t'),
                {"t": acme["id"]},
            )
            assert foreign == 0, table
        assert app_role.scalar(text("SELECT count(*) FROM users")) == 2
        # Updates and deletes cannot reach the other tenant either.
        assert app_role.execute(text("UPDATE users SET name = 'x'")).rowcount == 2
        assert (
            app_role.execute(
                text("DELETE FROM users WHERE tenant_id = :t"), {"t": globex["id"]}
            ).rowcount
            == 0
        )

    # The setting is transaction-local: the next transaction sees nothing again.
    with app_role.begin():
        assert app_role.scalar(text("SELECT count(*) FROM users")) == 0


def test_rls_refuses_writing_a_row_for_another_tenant(pg_app, app_role):
    acme = make_tenant(pg_app, "acme")
    globex = make_tenant(pg_app, "globex")
    transaction = app_role.begin()
    app_role.execute(text("SELECT set_config('app.tenant_id', :t, true)"), {"t": str(acme["id"])})
    with pytest.raises(ProgrammingError, match="row-level security"):
        app_role.execute(
            text(
                "INSERT INTO users (tenant_id, id, email, name, role, is_active, created_at) "
                "VALUES (:t, :id, 'x@globex.example.com', 'X', 'admin', true, now())"
            ),
            {"t": globex["id"], "id": uuid.uuid4()},
        )
    transaction.rollback()


def _tables_without_rls(connection) -> set[str]:
    return set(
        connection.scalars(
            text(
                "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') "
                "AND NOT (c.relrowsecurity AND c.relforcerowsecurity)"
            )
        )
    )


def test_only_the_allow_listed_tables_have_no_rls(owner):
    without = _tables_without_rls(owner)
    unexpected = without - set(TABLES_WITHOUT_RLS)
    assert not unexpected, (
        f"tables without forced row-level security: {sorted(unexpected)}; call "
        "tenants.rls.enable_tenant_rls (or enable_platform_rls) in the migration, or add "
        "the table to TABLES_WITHOUT_RLS with its reason"
    )
    assert without == set(TABLES_WITHOUT_RLS), "stale entries in TABLES_WITHOUT_RLS"


def test_the_operations_guide_lists_the_same_tables_without_rls():
    text_ = OPERATIONS_DOC.read_text()
    section = text_.split("### Tables without row-level security", 1)[1].split("\n#", 1)[0]
    listed = set(re.findall(r"^- `([a-z_]+)`", section, flags=re.M))
    assert listed == set(TABLES_WITHOUT_RLS)


def test_platform_tables_have_forced_rls_and_the_platform_policy(owner):
    for table in PLATFORM_TABLES:
        policy = _forced_rls_policy(owner, table)
        for clause in policy:
            assert "for_tenant" in clause and "app.tenant_id" in clause, table
            assert "app.platform" in clause, table


def test_the_tenant_tables_ignore_the_platform_setting(pg_app, app_role):
    make_tenant(pg_app, "acme")
    with app_role.begin():
        app_role.execute(text("SELECT set_config('app.platform', 'on', true)"))
        assert app_role.scalar(text("SELECT count(*) FROM users")) == 0


def _as_tenant(connection, tenant_id) -> None:
    connection.execute(text("SELECT set_config('app.tenant_id', :t, true)"), {"t": str(tenant_id)})


def test_another_tenant_cannot_read_or_change_a_billing_account(pg_app, app_role):
    """The attack of issue 10: as the app role with tenant B set, A's billing row was read
    and its plan updated."""
    from saas.billing import services
    from saas.jobs.core import enqueue
    from saas.mail import deliver_outbox_job
    from tenants.scoping import tenant_scope

    acme = make_tenant(pg_app, "acme")
    globex = make_tenant(pg_app, "globex")
    with pg_app.app_context():
        for tenant in (acme, globex):
            with tenant_scope(tenant["id"]):
                services.get_account()
                enqueue(deliver_outbox_job, tenant["id"], dedup_key=f"mail:{tenant['id']}")
                db.session.commit()
    owner_engine = create_engine(pg_urls_of(pg_app)[1])
    with owner_engine.begin() as owner_connection:
        owner_connection.execute(
            text(
                "INSERT INTO billing_events (id, event_ref, event_type, for_tenant, outcome, "
                "received_at) VALUES (:id, 'evt_acme', 'invoice.paid', :t, 'handled', now())"
            ),
            {"id": uuid.uuid4(), "t": acme["id"]},
        )
    owner_engine.dispose()

    with app_role.begin():
        _as_tenant(app_role, globex["id"])
        for table in PLATFORM_TABLES:
            seen = app_role.scalar(
                text(f'SELECT count(*) FROM "{table}" WHERE for_tenant = :a'), {"a": acme["id"]}
            )
            assert seen == 0, table
        changed = app_role.execute(
            text("UPDATE billing_accounts SET plan = 'enterprise' WHERE for_tenant = :a"),
            {"a": acme["id"]},
        )
        assert changed.rowcount == 0
        assert (
            app_role.execute(
                text("DELETE FROM job_outbox WHERE for_tenant = :a"), {"a": acme["id"]}
            ).rowcount
            == 0
        )
        # Its own account stays visible and writable.
        assert app_role.scalar(text("SELECT count(*) FROM billing_accounts")) == 1
        assert app_role.scalar(text("SELECT count(*) FROM job_outbox")) == 1

    transaction = app_role.begin()
    _as_tenant(app_role, globex["id"])
    with pytest.raises(ProgrammingError, match="row-level security"):
        app_role.execute(
            text("UPDATE billing_accounts SET for_tenant = :a WHERE for_tenant = :g"),
            {"a": acme["id"], "g": globex["id"]},
        )
    transaction.rollback()

    with app_role.begin():  # no tenant: nothing at all
        for table in PLATFORM_TABLES:
            assert app_role.scalar(text(f'SELECT count(*) FROM "{table}"')) == 0, table

    with app_role.begin():
        app_role.execute(text("SELECT set_config('app.platform', 'on', true)"))
        assert app_role.scalar(text("SELECT count(*) FROM billing_accounts")) == 2
        assert app_role.scalar(text("SELECT count(*) FROM job_outbox")) == 2
        assert app_role.scalar(text("SELECT count(*) FROM billing_events")) == 1
        assert app_role.scalar(text("SELECT count(*) FROM account_directory")) == 2

    with pg_app.app_context(), tenant_scope(globex["id"]):  # and through the ORM
        from saas.billing.models import BillingAccount

        plans = db.session.scalars(select(BillingAccount.for_tenant)).all()
        assert plans == [globex["id"]]
        db.session.rollback()


def test_the_platform_scope_is_what_the_dispatcher_and_webhooks_use(pg_app):
    from saas.billing.models import BillingAccount
    from saas.billing.services import get_account
    from tenants.scoping import platform_scope, tenant_scope

    tenants = [make_tenant(pg_app, "acme"), make_tenant(pg_app, "globex")]
    with pg_app.app_context():
        for tenant in tenants:
            with tenant_scope(tenant["id"]):
                get_account()
                db.session.commit()
        count = select(func.count()).select_from(BillingAccount)
        assert db.session.scalar(count) == 0
        with platform_scope("test"):
            assert db.session.scalar(count) == 2
        assert db.session.scalar(count) == 0  # the open transaction forgot it again
        db.session.rollback()


def pg_urls_of(application) -> tuple[str, str]:
    return (
        application.config["SQLALCHEMY_DATABASE_URI"],
        application.config["DATABASE_OWNER_URL"],
    )
