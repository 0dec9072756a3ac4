"""The database wall: forced row-level security on every tenant table (PostgreSQL).

These tests run in every run of the suite: on the PostgreSQL run they use its database; on
the SQLite run they build their own PostgreSQL database. Only outside CI, on a machine
without PostgreSQL, are they skipped.
"""

from __future__ import annotations

import os
import uuid

import pytest
from sqlalchemy import create_engine, text

from saas.app import create_app
from saas.db import db
from tests import pg
from tests.conftest import REQUIRE_SERVICES, add_user, make_tenant, test_config

PG_HOST = os.environ.get("PG_HOST", "127.0.0.1")
OWNER_URL = f"postgresql+psycopg://postgres@{PG_HOST}:5432/trellis_test_rls"
APP_URL = f"postgresql+psycopg://trellis_app:trellis_app@{PG_HOST}:5432/trellis_test_rls"


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


def test_every_tenant_table_has_forced_rls_and_the_policy(owner):
    tables = _tenant_tables(owner)
    assert "users" in tables and len(tables) >= 5
    for table in tables:
        enabled, forced = owner.execute(
            text("SELECT relrowsecurity, relforcerowsecurity FROM pg_class WHERE relname = :t"),
            {"t": table},
        ).one()
        assert enabled and forced, table
        policy = owner.execute(
            text("SELECT qual, with_check FROM pg_policies WHERE tablename = :t"), {"t": table}
        ).all()
        assert len(policy) == 1, table
        assert "app.tenant_id" in policy[0].qual and "app.tenant_id" in policy[0].with_check


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
    from sqlalchemy.exc import ProgrammingError

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
