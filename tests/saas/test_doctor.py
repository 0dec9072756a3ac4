"""``trellis doctor`` reads the configuration itself and reports every problem."""

from __future__ import annotations

import json
import os
import uuid

import pytest
from alembic.script import ScriptDirectory
from click.testing import CliRunner
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from saas import config as config_module
from saas.app import create_app
from saas.cli import main
from saas.migrate import alembic_config, upgrade_database
from tests import pg
from tests.conftest import REQUIRE_SERVICES, test_config

PG_HOST = os.environ.get("PG_HOST", "127.0.0.1")
PG_ADMIN_URL = f"postgresql+psycopg://postgres@{PG_HOST}:5432/postgres"
DOCTOR_DB = "trellis_test_ops_doctor"
GOOD_KEY = "k" * 48
SETTING_PREFIXES = (
    "TRELLIS_",
    "SECRET_KEY",
    "DATABASE_",
    "REDIS_URL",
    "RATELIMIT_",
    "MAIL_",
    "SMTP_",
    "STRIPE_",
    "BILLING_",
    "SESSION_",
)


@pytest.fixture
def env(monkeypatch, tmp_path):
    """A clean environment: only the settings a test sets are seen by the doctor."""
    for name in list(os.environ):
        if name.startswith(SETTING_PREFIXES):
            monkeypatch.delenv(name)
    monkeypatch.setattr(config_module, "INSTANCE_DIR", tmp_path / "instance")

    def setenv(**values):
        for name, value in values.items():
            monkeypatch.setenv(name, value)

    return setenv


def _doctor(*args):
    result = CliRunner().invoke(main, ["doctor", "--json", *args])
    return result.exit_code, json.loads(result.output)


def _by_name(report) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for check in report["checks"]:
        found.setdefault(check["name"], []).append(check)
    return found


def _status(report, name) -> set[str]:
    return {check["status"] for check in _by_name(report)[name]}


def _messages(report, name) -> str:
    return " ".join(check["message"] for check in _by_name(report)[name])


@pytest.fixture
def sqlite_at_head(tmp_path):
    url = f"sqlite:///{tmp_path / 'doctor.db'}"
    application = create_app(test_config(url, url))
    with application.app_context():
        upgrade_database()
    return url


def test_a_good_sqlite_development_config_passes(env, sqlite_at_head):
    env(DATABASE_URL=sqlite_at_head)
    code, report = _doctor()
    assert code == 0, report
    assert report["ok"] is True
    assert _status(report, "migrations") == {"OK"}
    assert not [c for c in report["checks"] if c["status"] == "FAIL"]


def test_the_plain_output_has_one_line_per_check(env, sqlite_at_head):
    env(DATABASE_URL=sqlite_at_head)
    result = CliRunner().invoke(main, ["doctor"])
    assert result.exit_code == 0
    lines = result.output.strip().splitlines()
    assert lines[0].startswith("WARN  TRELLIS_ENV: development")
    assert any(line.startswith("OK    migrations: at head") for line in lines)


def test_production_without_secret_key_fails_with_what_to_set(env, sqlite_at_head):
    # create_app refuses this configuration; the doctor still runs and says everything.
    env(TRELLIS_ENV="production", DATABASE_URL=sqlite_at_head)
    code, report = _doctor()
    assert code == 1
    assert _status(report, "SECRET_KEY") == {"FAIL"}
    assert "SECRET_KEY is not set" in _messages(report, "SECRET_KEY")
    assert "token_urlsafe" in _messages(report, "SECRET_KEY")
    # not only the first problem: the http base URL, the cookie and SQLite are reported too
    assert _status(report, "TRELLIS_BASE_URL") == {"FAIL"}
    assert _status(report, "session cookie") == {"FAIL"}
    assert "FAIL" in _status(report, "DATABASE_URL")


def test_a_short_or_placeholder_key_fails_in_production(env, sqlite_at_head):
    env(TRELLIS_ENV="production", SECRET_KEY="changeme", DATABASE_URL=sqlite_at_head)
    code, report = _doctor()
    assert code == 1
    assert "8 characters" in _messages(report, "SECRET_KEY")


def test_an_unknown_environment_fails(env):
    env(TRELLIS_ENV="staging")
    code, report = _doctor()
    assert code == 1
    assert "TRELLIS_ENV is 'staging'" in _messages(report, "TRELLIS_ENV")


def test_migrations_behind_head_are_reported(env, tmp_path):
    script = ScriptDirectory.from_config(alembic_config())
    (head,) = script.get_heads()
    previous = script.get_revision(head).down_revision
    url = f"sqlite:///{tmp_path / 'behind.db'}"
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32))"))
        connection.execute(text("INSERT INTO alembic_version VALUES (:v)"), {"v": previous})
    engine.dispose()
    env(DATABASE_URL=url)
    code, report = _doctor()
    assert code == 1
    message = _messages(report, "migrations")
    assert f"at {previous}, the code is at {head}" in message
    assert "trellis db upgrade" in message


def test_a_database_without_schema_is_reported(env, tmp_path):
    env(DATABASE_URL=f"sqlite:///{tmp_path / 'empty.db'}")
    code, report = _doctor()
    assert code == 1
    assert "no schema" in _messages(report, "migrations")


def test_redis_down_is_reported(env, sqlite_at_head):
    env(DATABASE_URL=sqlite_at_head, REDIS_URL="redis://127.0.0.1:1/0")
    code, report = _doctor()
    assert code == 1
    assert _status(report, "REDIS_URL") == {"FAIL"}
    assert "cannot reach Redis at redis://127.0.0.1:1/0" in _messages(report, "REDIS_URL")


def test_stripe_without_webhook_secret_fails(env, sqlite_at_head):
    env(DATABASE_URL=sqlite_at_head, STRIPE_API_KEY="sk_test_x")
    code, report = _doctor()
    assert code == 1
    assert "STRIPE_WEBHOOK_SECRET" in _messages(report, "billing")


def test_smtp_down_is_reported(env, sqlite_at_head):
    env(DATABASE_URL=sqlite_at_head, MAIL_BACKEND="smtp", SMTP_HOST="127.0.0.1", SMTP_PORT="1")
    code, report = _doctor()
    assert code == 1
    assert "cannot use SMTP at 127.0.0.1:1" in _messages(report, "mail")


# PostgreSQL: the app role must not own the tables nor bypass row-level security.


@pytest.fixture
def pg_database():
    if not pg.reachable(PG_ADMIN_URL):
        if REQUIRE_SERVICES:
            pytest.fail(f"PostgreSQL is required in CI and is not reachable at {PG_HOST}:5432")
        pytest.skip("PostgreSQL is not reachable")
    # A name of its own per test: concurrent runs of the suite (two checkouts on one
    # machine) must not drop each other's database.
    suffix = uuid.uuid4().hex[:8]
    database = f"{DOCTOR_DB}_{suffix}"
    roles = {"bypass": f"trellis_test_ops_bypass_{suffix}", "app": f"trellis_test_ops_app_{suffix}"}
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        connection.exec_driver_sql(f'CREATE DATABASE "{database}"')
        connection.exec_driver_sql(
            f"CREATE ROLE {roles['bypass']} LOGIN PASSWORD 'x' NOSUPERUSER BYPASSRLS"
        )
        connection.exec_driver_sql(
            f"CREATE ROLE {roles['app']} LOGIN PASSWORD 'x' NOSUPERUSER NOBYPASSRLS"
        )
    owner_url = make_url(PG_ADMIN_URL).set(database=database)
    owner = create_engine(owner_url, isolation_level="AUTOCOMMIT")
    with owner.connect() as connection:
        connection.exec_driver_sql(f"GRANT ALL ON SCHEMA public TO {roles['bypass']}")
    owner.dispose()
    urls = {
        "owner": owner_url.render_as_string(hide_password=False),
        **{
            key: owner_url.set(username=role, password="x").render_as_string(hide_password=False)
            for key, role in roles.items()
        },
    }
    bypass = create_engine(urls["bypass"])
    with bypass.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE notes (tenant_id uuid, body text)")
    bypass.dispose()
    yield urls
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        for role in roles.values():
            connection.exec_driver_sql(f"DROP ROLE IF EXISTS {role}")
    admin.dispose()


def test_an_app_role_that_owns_tables_and_bypasses_rls_fails(env, pg_database):
    env(DATABASE_URL=pg_database["bypass"], DATABASE_OWNER_URL=pg_database["owner"])
    code, report = _doctor()
    assert code == 1
    message = _messages(report, "app role")
    assert _status(report, "app role") == {"FAIL"}
    assert "has BYPASSRLS" in message
    assert "owns 1 table(s) (notes)" in message
    assert "row-level security does not apply" in message


def test_a_superuser_app_role_fails(env, pg_database):
    env(DATABASE_URL=pg_database["owner"], DATABASE_OWNER_URL=pg_database["owner"])
    code, report = _doctor()
    assert code == 1
    assert "is a superuser" in _messages(report, "app role")
    assert "DATABASE_OWNER_URL" in _by_name(report)


def test_a_plain_app_role_passes_and_unforced_rls_is_reported(env, pg_database):
    env(DATABASE_URL=pg_database["app"], DATABASE_OWNER_URL=pg_database["owner"])
    code, report = _doctor()
    assert _status(report, "app role") == {"OK"}
    assert _status(report, "DATABASE_OWNER_URL") == {"OK"}
    # no schema yet: migrations are reported, the RLS check waits for them
    assert "no schema" in _messages(report, "migrations")
    assert code == 1


def test_runtime_checks_a_pods_environment_without_the_owner(env, app, database_urls):
    """A web pod has the app role only: --runtime reads the schema version and the RLS
    flags as that role, and passes on a healthy deployment (warnings do not fail it)."""
    app_url, owner_url = database_urls
    if not app_url.startswith("postgresql"):
        pytest.skip("a PostgreSQL deployment (the suite's PostgreSQL run)")
    env(DATABASE_URL=app_url, TRELLIS_ENV="development")
    code, report = _doctor()
    assert code == 1 and _status(report, "DATABASE_OWNER_URL") == {"FAIL"}
    code, report = _doctor("--runtime")
    assert _status(report, "DATABASE_OWNER_URL") == {"OK"}
    assert _status(report, "app role") == {"OK"}
    assert "at head" in _messages(report, "migrations")
    assert _status(report, "row-level security") == {"OK"}
    assert code == 0, report


def test_runtime_still_fails_a_schema_behind_head(env, tmp_path):
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    env(DATABASE_URL=url)
    code, report = _doctor("--runtime")
    assert code == 1 and "no schema" in _messages(report, "migrations")
