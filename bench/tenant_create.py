"""Benchmark: tenant creation (sign-up to usable tenant) on PostgreSQL, SQLite side by side.

What is timed: ``tenants.provisioning.create_tenant(...)`` + ``db.session.commit()``, i.e.
the checks and the INSERTs of the tenant, its first admin and its defaults, in one
transaction, as the application's role (no table ownership, no BYPASSRLS, so row-level
security is in force). The admin's password is hashed before the transaction, as a real
sign-up can do it, and passed as ``admin_password_hash=``; the Argon2id hash (deliberately
slow) is measured and printed on its own.

PostgreSQL and SQLite creations are interleaved in one loop so that the noise of a shared
machine falls on both alike. The goal (GOALS.md) is p95 <= 50 ms on PostgreSQL.

The script creates its own database and app role (through ``--database-url``, a role that
may create databases and roles, e.g. ``postgres``), runs the real migrations, and drops the
database (and the role, if it created it) at the end.

    .venv/bin/python bench/tenant_create.py [--n 300] [--database-url URL]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import URL, make_url

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# Keep load_config() from writing instance/secret_key in the working directory.
os.environ.setdefault("SECRET_KEY", "bench-secret-key-" + "x" * 32)

from flask import Flask  # noqa: E402

from saas.app import create_app  # noqa: E402
from saas.auth.passwords import hash_password  # noqa: E402
from saas.db import db  # noqa: E402
from saas.migrate import upgrade_database  # noqa: E402
from tenants.provisioning import create_tenant  # noqa: E402

GOAL_P95_MS = 50.0
PASSWORD = "correct horse battery staple"
DEFAULT_DATABASE_URL = (
    f"postgresql+psycopg://postgres@{os.environ.get('PG_HOST', '127.0.0.1')}:5432/trellis_bench"
)
DDL_WORDS = ("CREATE", "ALTER", "DROP", "GRANT", "REVOKE", "TRUNCATE", "COMMENT")


# PostgreSQL set-up and clean-up --------------------------------------------------------------


class BenchDatabase:
    """A fresh database owned by the ``--database-url`` role, and an app role that owns nothing.

    Refuses to touch a database that already exists, so it never drops someone's data.
    """

    def __init__(self, owner_url: str, app_role: str) -> None:
        self.owner_url = make_url(owner_url)
        self.app_role = app_role
        self.created_database = False
        self.created_role = False
        if not self.owner_url.database:
            raise SystemExit("--database-url must name the database to create, e.g. /trellis_bench")
        if self.owner_url.username == app_role:
            raise SystemExit("--app-role must differ from the owner role of --database-url")
        self._server = create_engine(
            self.owner_url.set(database="postgres"), isolation_level="AUTOCOMMIT"
        )

    @property
    def app_url(self) -> URL:
        return self.owner_url.set(username=self.app_role, password=None)

    def create(self) -> None:
        name = self.owner_url.database
        with self._server.connect() as connection:
            exists = connection.scalar(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
            )
            if exists:
                raise SystemExit(
                    f"Database {name!r} already exists; the benchmark only uses a database it "
                    f"creates. Drop it (DROP DATABASE {name}) or pass another --database-url."
                )
            role = connection.execute(
                text("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = :name"),
                {"name": self.app_role},
            ).first()
            if role is not None and (role.rolsuper or role.rolbypassrls):
                raise SystemExit(
                    f"Role {self.app_role!r} bypasses row-level security; choose another --app-role"
                )
            if role is None:
                connection.exec_driver_sql(
                    f'CREATE ROLE "{self.app_role}" LOGIN '
                    "NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE"
                )
                self.created_role = True
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
            self.created_database = True

    def check_app_role(self) -> str:
        """Fail unless the app role is really under RLS: no ownership, no superuser/BYPASSRLS."""
        engine = create_engine(self.owner_url)
        with engine.connect() as connection:
            owned = connection.scalar(
                text("SELECT count(*) FROM pg_tables WHERE tableowner = :name"),
                {"name": self.app_role},
            )
            forced = connection.scalar(
                text(
                    "SELECT count(*) FROM pg_class WHERE relkind = 'r' "
                    "AND relrowsecurity AND relforcerowsecurity"
                )
            )
            version = connection.scalar(text("SHOW server_version"))
            durability = ", ".join(
                f"{name}={connection.scalar(text(f'SHOW {name}'))}"
                for name in ("fsync", "synchronous_commit")
            )
        engine.dispose()
        if owned:
            raise SystemExit(f"Role {self.app_role!r} owns {owned} tables; RLS would not bind it")
        return (
            f"PostgreSQL {version} ({durability}); {forced} tables with forced RLS;\n"
            f"app role {self.app_role}: no superuser, no BYPASSRLS, owns 0 tables"
        )

    def drop(self) -> None:
        with self._server.connect() as connection:
            if self.created_database:
                connection.exec_driver_sql(
                    f'DROP DATABASE IF EXISTS "{self.owner_url.database}" WITH (FORCE)'
                )
            if self.created_role:
                connection.exec_driver_sql(f'DROP ROLE IF EXISTS "{self.app_role}"')
        self._server.dispose()


# The measurements --------------------------------------------------------------------------


def build_app(app_url: str, owner_url: str) -> Flask:
    """The real app and engine options, on the given database, migrated to the head."""
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": app_url,
            "DATABASE_OWNER_URL": owner_url,
            "MAIL_BACKEND": "memory",
            "TRELLIS_BASE_URL": "http://localhost:5000",
        }
    )
    with app.app_context():
        upgrade_database()
    return app


class TenantFactory:
    """Creates numbered tenants in one app; returns the seconds each create + commit took."""

    def __init__(self, app: Flask, label: str, password_hash: str) -> None:
        self.app = app
        self.label = label
        self.password_hash = password_hash
        self.count = 0

    def create(self) -> float:
        self.count += 1
        slug = f"bench-{self.count:06d}"
        with self.app.app_context():
            start = time.perf_counter()
            create_tenant(
                slug=slug,
                name=f"Bench Company {self.count}",
                admin_email=f"admin@{slug}.example.com",
                admin_name="Bench Admin",
                admin_password_hash=self.password_hash,
            )
            db.session.commit()
            return time.perf_counter() - start

    def statements_of_one_creation(self) -> list[str]:
        """The SQL of one more creation (not timed: the listener would add to the time)."""
        statements: list[str] = []

        def record(conn, cursor, statement, parameters, context, executemany) -> None:
            statements.append(" ".join(statement.split()))

        with self.app.app_context():
            engine = db.engine
        event.listen(engine, "before_cursor_execute", record)
        try:
            self.create()
        finally:
            event.remove(engine, "before_cursor_execute", record)
        return statements

    def dispose(self) -> None:
        with self.app.app_context():
            db.engine.dispose()


def measure_hashing(app: Flask, n: int) -> tuple[str, list[float]]:
    with app.app_context():
        password_hash = hash_password(PASSWORD)  # builds the hasher; not counted
        timings = []
        for _ in range(n):
            start = time.perf_counter()
            hash_password(PASSWORD)
            timings.append(time.perf_counter() - start)
        return password_hash, timings


def interleave(factories: list[TenantFactory], n: int) -> dict[str, list[float]]:
    """n creations per factory, alternating which one goes first."""
    timings: dict[str, list[float]] = {f.label: [] for f in factories}
    for i in range(n):
        order = factories if i % 2 == 0 else list(reversed(factories))
        for factory in order:
            timings[factory.label].append(factory.create())
    return timings


# Reporting -----------------------------------------------------------------------------------


def summary(seconds: list[float]) -> dict[str, float]:
    ms = [s * 1000 for s in seconds]
    cuts = statistics.quantiles(ms, n=100, method="inclusive")
    return {
        "n": len(ms),
        "p50": statistics.median(ms),
        "p95": cuts[94],
        "p99": cuts[98],
        "mean": statistics.fmean(ms),
        "max": max(ms),
    }


def row(label: str, s: dict[str, float]) -> str:
    return (
        f"{label:<12}{s['n']:>6}{s['p50']:>9.2f}{s['p95']:>9.2f}{s['p99']:>9.2f}"
        f"{s['mean']:>9.2f}{s['max']:>9.2f}"
    )


def header() -> str:
    return f"{'':<12}{'n':>6}{'p50':>9}{'p95':>9}{'p99':>9}{'mean':>9}{'max':>9}   (ms)"


def describe_statements(statements: list[str]) -> str:
    ddl = [s for s in statements if s.split(" ", 1)[0].upper() in DDL_WORDS]
    inserts = sum(1 for s in statements if s.upper().startswith("INSERT"))
    return f"{len(statements)} statements ({inserts} INSERT, {len(ddl)} DDL)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=300, help="tenants per engine (default 300)")
    parser.add_argument(
        "--database-url",
        default=DEFAULT_DATABASE_URL,
        help="a role that may create databases and roles, and the name of the database to "
        "create and drop (default %(default)s)",
    )
    parser.add_argument(
        "--app-role",
        default="trellis_bench_app",
        help="the application's role (created and dropped if missing; default %(default)s)",
    )
    parser.add_argument("--warmup", type=int, default=20, help="untimed creations per engine")
    parser.add_argument("--hash-n", type=int, default=30, help="password hashes to time")
    args = parser.parse_args(argv)
    if args.n < 20:
        parser.error("--n must be at least 20 for a p95/p99 to mean something")

    pg = BenchDatabase(args.database_url, args.app_role)
    factories: list[TenantFactory] = []
    with tempfile.TemporaryDirectory(prefix="trellis-bench-") as tmp:
        try:
            pg.create()
            sqlite_url = f"sqlite:///{Path(tmp) / 'bench.db'}"
            pg_app = build_app(
                pg.app_url.render_as_string(hide_password=False),
                pg.owner_url.render_as_string(hide_password=False),
            )
            sqlite_app = build_app(sqlite_url, sqlite_url)
            setup = pg.check_app_role()

            password_hash, hash_timings = measure_hashing(pg_app, args.hash_n)
            factories = [
                TenantFactory(pg_app, "PostgreSQL", password_hash),
                TenantFactory(sqlite_app, "SQLite", password_hash),
            ]
            interleave(factories, args.warmup)
            timings = interleave(factories, args.n)
            statements = {f.label: f.statements_of_one_creation() for f in factories}
        finally:
            for factory in factories:
                factory.dispose()
            pg.drop()

    report(args, setup, timings, hash_timings, statements)
    return 0


def report(
    args: argparse.Namespace,
    setup: str,
    timings: dict[str, list[float]],
    hash_timings: list[float],
    statements: dict[str, list[str]],
) -> None:
    pg, lite = summary(timings["PostgreSQL"]), summary(timings["SQLite"])
    out = print
    out(f"Tenant creation: create_tenant() + commit, password hash excluded ({args.n} each,")
    out(f"interleaved, after {args.warmup} warm-up creations each)")
    out(f"{platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} CPUs")
    out(setup)
    out("")
    out(header())
    out(row("PostgreSQL", pg))
    out(row("SQLite", lite))
    out(
        f"{'PG/SQLite':<12}{'':>6}{pg['p50'] / lite['p50']:>8.2f}x{pg['p95'] / lite['p95']:>8.2f}x"
        f"{pg['p99'] / lite['p99']:>8.2f}x"
    )
    out("")
    for label, sql in statements.items():
        out(f"SQL of one creation on {label}: {describe_statements(sql)}")
    hashing = summary(hash_timings) if len(hash_timings) >= 2 else None
    if hashing:
        out("")
        out("Argon2id password hash, before the transaction (not in the figures above):")
        out(header())
        out(row("hash", hashing))
    out("")
    verdict = "PASS" if pg["p95"] <= GOAL_P95_MS else "FAIL"
    out(f"Goal: PostgreSQL p95 <= {GOAL_P95_MS:.0f} ms: {verdict} (p95 = {pg['p95']:.2f} ms)")


if __name__ == "__main__":
    sys.exit(main())
