"""Shared fixtures.

The schema is built once per run by the real migrations. By default the suite runs on
SQLite; set TRELLIS_TEST_DATABASE_URL (the app's role) and TRELLIS_TEST_DATABASE_OWNER_URL
(the owner) to run it on PostgreSQL, as `.ci/run` does. Every test starts from empty tables.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import tempfile
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from flask import Flask
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine

from saas import clock
from saas import config as saas_config
from saas.app import create_app
from saas.db import db
from tests import factories, pg

# The run's own instance directory (one per pytest-xdist worker): every create_app reads
# or writes the development secret key there, and CLI commands default to its SQLite
# database. Two workers never race on one file, and the suite never writes into the
# repository's instance/ (nor into a shell's TRELLIS_INSTANCE_DIR). Subprocesses inherit it.
_INSTANCE_DIR = Path(tempfile.mkdtemp(prefix="trellis-test-instance-"))
saas_config.INSTANCE_DIR = _INSTANCE_DIR
os.environ["TRELLIS_INSTANCE_DIR"] = str(_INSTANCE_DIR)

REQUIRE_SERVICES = os.environ.get("CI", "").lower() == "true" or bool(
    os.environ.get("TRELLIS_REQUIRE_SERVICES")
)
REDIS_DATABASES_PER_WORKER = 2


def worker_index() -> int:
    """This pytest-xdist worker's number (``gw1`` is 1); 0 without xdist."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    return int(worker.removeprefix("gw") or 0)


def redis_test_url(offset: int = 0) -> str:
    """The Redis database for this worker's tests: ``offset`` 0 or 1 of its own two.

    From TRELLIS_TEST_REDIS_URL's database (15 by default) down, each pytest-xdist worker
    has the next two (``gw0``: 15 and 14, ``gw1``: 13 and 12, modulo Redis's 16): the jobs
    tests flush theirs and share RQ's queue name, so two workers must never meet in one.
    Counting down keeps the run away from database 0, every app's default.
    """
    if not 0 <= offset < REDIS_DATABASES_PER_WORKER:
        raise ValueError(f"offset {offset} is not one of this worker's databases")
    parts = urlsplit(os.environ.get("TRELLIS_TEST_REDIS_URL", "redis://127.0.0.1:6379/15"))
    base = int(parts.path.strip("/") or 0)
    number = (base - REDIS_DATABASES_PER_WORKER * worker_index() - offset) % 16
    return urlunsplit(parts._replace(path=f"/{number}"))


@event.listens_for(Engine, "connect")
def _sqlite_without_fsync(dbapi_connection, connection_record) -> None:
    """The suite's SQLite databases are thrown away: no fsync at each of its commits."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA synchronous=OFF")
        cursor.close()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--clock",
        default=os.environ.get("TRELLIS_TEST_CLOCK") or None,
        metavar="ISO",
        help=(
            "start the clock at this instant (e.g. 2026-12-05T03:00+00:00, a Saturday night) "
            "for the whole run; it ticks from there. Also TRELLIS_TEST_CLOCK. CI runs the "
            "time-sensitive tests twice this way so the suite cannot depend on the real hour."
        ),
    )


def pytest_configure(config: pytest.Config) -> None:
    start = config.getoption("--clock")
    if not start:
        return
    import time_machine

    try:
        when = dt.datetime.fromisoformat(start)
    except ValueError as exc:
        raise pytest.UsageError(f"--clock {start!r} is not an ISO date and time") from exc
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    traveller = time_machine.travel(when, tick=True)
    traveller.start()
    config.add_cleanup(traveller.stop)


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(_INSTANCE_DIR, ignore_errors=True)


def pytest_report_header(config: pytest.Config) -> str | None:
    start = config.getoption("--clock")
    return f"clock started at {start}" if start else None


class MovingClock:
    """The one clock (``saas.clock``) for a test that moves it: ``advance(days=15)``."""

    def now(self) -> dt.datetime:
        return clock.now()

    def today(self, tz: str | None = None) -> dt.date:
        return clock.today(tz)

    def advance(self, **kwargs) -> None:
        clock.advance(dt.timedelta(**kwargs))


@pytest.fixture
def moving_clock():
    """The clock ticks from where it is, and ``advance()`` moves it for everything (column
    defaults, billing, tokens, jobs) until the test ends."""
    with clock.travel(clock.now()):
        yield MovingClock()


def test_config(database_url: str, owner_url: str, **extra) -> dict:
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-" + "x" * 32,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "DATABASE_OWNER_URL": owner_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {},
        "TRELLIS_BASE_DOMAIN": "localhost",
        "TRELLIS_BASE_URL": "http://localhost",
        "MAIL_BACKEND": "memory",
        "WTF_CSRF_ENABLED": False,
        "SERVER_NAME": None,
        # The suite signs up from 127.0.0.1 many times; the throttle's tests set their own.
        "SIGNUPS_PER_IP_PER_HOUR": 10_000,
        "FIND_WORKSPACE_PER_IP_PER_HOUR": 10_000,
        # Argon2id at its minimum (8 KiB, one pass): a production hash costs ~50 ms and the
        # suite hashes and verifies thousands of passwords. The production parameters are
        # checked by tests/saas/auth/test_password_hashing.py.
        "ARGON2_MEMORY_KIB": 8,
        "ARGON2_TIME_COST": 1,
        "ARGON2_PARALLELISM": 1,
    }
    config.update(extra)
    return config


test_config.__test__ = False  # a helper, not a test


@pytest.fixture(scope="session")
def database_urls(tmp_path_factory) -> tuple[str, str]:
    app_url = os.environ.get("TRELLIS_TEST_DATABASE_URL")
    if app_url:
        owner_url = os.environ.get("TRELLIS_TEST_DATABASE_OWNER_URL", app_url)
        # Under pytest-xdist each worker has its own database (trellis_test_gw0, ...).
        app_url, owner_url = pg.worker_url(app_url), pg.worker_url(owner_url)
        pg.prepare_database(owner_url, app_url)
        return app_url, owner_url
    path = tmp_path_factory.mktemp("db") / "trellis.db"
    url = f"sqlite:///{path}"
    return url, url


@pytest.fixture(scope="session")
def app(database_urls) -> Flask:
    app_url, owner_url = database_urls
    application = create_app(test_config(app_url, owner_url))
    with application.app_context():
        from saas.migrate import upgrade_database

        upgrade_database()
    factories.use_app(application)  # the app tests/factories.py builds in by default
    yield application
    factories.use_app(None)
    with application.app_context():
        db.engine.dispose()


@pytest.fixture
def build_app(database_urls):
    """Build extra apps on the suite's database: ``build_app(TRELLIS_ENV="production")``.

    Every app built is disposed of at the end of the test, so no database connection of
    it outlives the test (an open psycopg connection collected later fails whichever
    test happens to be running then, with an unraisable ResourceWarning).
    """
    built: list[Flask] = []

    def build(**extra) -> Flask:
        application = create_app(test_config(*database_urls, **extra))
        built.append(application)
        return application

    yield build
    for application in built:
        with application.app_context():
            db.engine.dispose()


@pytest.fixture(scope="session")
def owner_engine(database_urls):
    engine = create_engine(database_urls[1])
    yield engine
    engine.dispose()


@pytest.fixture(autouse=True)
def _empty_tables(request, owner_engine):
    """Each test starts with empty tables (only for tests that use the database)."""
    yield
    if "app" not in request.fixturenames:
        return
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    with owner_engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql(f"TRUNCATE {', '.join(tables)} CASCADE")
        else:
            for table in tables:
                connection.exec_driver_sql(f'DELETE FROM "{table}"')


@pytest.fixture
def app_ctx(app):
    with app.app_context():
        yield
        db.session.rollback()


@pytest.fixture
def production_hashing(app, monkeypatch) -> None:
    """The app hashes passwords at the production cost (the suite's config sets the minimum)."""
    from saas.config import load_config

    for name in ("ARGON2_MEMORY_KIB", "ARGON2_TIME_COST"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TRELLIS_ENV", "production")  # no development secret written
    defaults = load_config()
    for key in ("ARGON2_MEMORY_KIB", "ARGON2_TIME_COST", "ARGON2_PARALLELISM"):
        monkeypatch.setitem(app.config, key, defaults[key])


@pytest.fixture
def mail(app) -> list[dict]:
    sent = app.extensions.setdefault("trellis_mail_sent", [])
    sent.clear()
    return sent


def make_tenant(
    app,
    slug: str,
    *,
    name: str | None = None,
    email: str | None = None,
    password: str = "correct horse battery",
    plan: str | None = None,
) -> dict:
    """A tenant with its admin; returns plain values (no ORM objects cross sessions).

    ``plan``: the plan it starts on (by default the sign-up trial)."""
    from tenants.provisioning import create_tenant

    with app.app_context():
        tenant, admin = create_tenant(
            slug=slug,
            name=name or slug.title() + " Ltd",
            admin_email=email or f"admin@{slug}.example.com",
            admin_name=f"{slug.title()} Admin",
            admin_password=password,
            plan=plan,
        )
        values = {
            "id": tenant.id,
            "slug": tenant.slug,
            "name": tenant.name,
            "admin_id": admin.id,
            "admin_email": admin.email,
            "password": password,
            "host": f"http://{slug}.localhost",
        }
        db.session.commit()
        return values


def run_as_admin(app, tenant: dict, action):
    """Run ``action(admin)`` in the tenant's scope as its admin, commit, and return its result."""
    from saas.auth.models import User
    from tenants.scoping import tenant_scope

    with app.app_context(), tenant_scope(tenant["id"]):
        admin = db.session.get(User, (tenant["id"], tenant["admin_id"]))
        result = action(admin)
        db.session.commit()
        return result


def add_user(
    app,
    tenant: dict,
    *,
    email: str,
    role: str = "member",
    password: str = "member password 1",
    name: str | None = None,
) -> uuid.UUID:
    from saas.auth import services as accounts
    from tenants.scoping import tenant_scope

    with app.app_context(), tenant_scope(tenant["id"]):
        user = accounts.create_user(
            email=email, name=name or email.split("@")[0].title(), role=role, password=password
        )
        user_id = user.id
        db.session.commit()
        return user_id


@pytest.fixture
def tenant(app) -> dict:
    return make_tenant(app, "acme", name="Acme Corp")


@pytest.fixture
def other_tenant(app) -> dict:
    return make_tenant(app, "globex", name="Globex Inc")


class TenantClient:
    """A test client bound to one tenant's host."""

    def __init__(self, app, tenant: dict) -> None:
        self.client = app.test_client()
        self.tenant = tenant
        self.base_url = tenant["host"]

    def get(self, path, **kwargs):
        return self.client.get(path, base_url=self.base_url, **kwargs)

    def post(self, path, **kwargs):
        return self.client.post(path, base_url=self.base_url, **kwargs)

    def open(self, path, method, **kwargs):
        return self.client.open(path, method=method, base_url=self.base_url, **kwargs)

    def login(self, email: str, password: str):
        response = self.post("/login", data={"email": email, "password": password})
        assert response.status_code == 303, response.get_data(as_text=True)
        return response


@pytest.fixture
def client(app, tenant) -> TenantClient:
    """Acme's admin, signed in."""
    tenant_client = TenantClient(app, tenant)
    tenant_client.login(tenant["admin_email"], tenant["password"])
    return tenant_client


@pytest.fixture
def login_as(app):
    def _login(tenant: dict, email: str, password: str) -> TenantClient:
        tenant_client = TenantClient(app, tenant)
        tenant_client.login(email, password)
        return tenant_client

    return _login


def link_in(message: dict) -> str:
    """The path of the first link in an e-mail body."""
    match = re.search(r"https?://[^/\s]+(/\S+)", message["body"])
    assert match, message["body"]
    return match.group(1)
