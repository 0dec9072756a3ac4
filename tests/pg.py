"""PostgreSQL for the tests: a database owned by the owner role and a separate app role."""

from __future__ import annotations

import os

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

APP_ROLE_PASSWORD = "trellis_app"  # trust auth on the test machine; never used elsewhere


def worker_database(name: str) -> str:
    """``name`` for this pytest-xdist worker (``trellis_test_gw1``); ``name`` without xdist.

    Each worker truncates the tables after every test, so two workers never share one
    database.
    """
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    return f"{name}_{worker}" if worker else name


def worker_url(url: str) -> str:
    """The database URL ``url`` with the database of this pytest-xdist worker."""
    parsed = make_url(url)
    return parsed.set(database=worker_database(parsed.database)).render_as_string(
        hide_password=False
    )


def prepare_database(owner_url: str, app_url: str) -> None:
    """Create the database and the app role if needed, and start from an empty schema."""
    owner = make_url(owner_url)
    app_role = make_url(app_url).username
    admin = create_engine(owner.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.scalar(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": owner.database}
        )
        if not exists:
            connection.exec_driver_sql(f'CREATE DATABASE "{owner.database}"')
        if app_role != owner.username:
            has_role = connection.scalar(
                text("SELECT 1 FROM pg_roles WHERE rolname = :name"), {"name": app_role}
            )
            if not has_role:
                connection.exec_driver_sql(
                    f"CREATE ROLE \"{app_role}\" LOGIN PASSWORD '{APP_ROLE_PASSWORD}' "
                    "NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE"
                )
    admin.dispose()
    engine = create_engine(owner, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.exec_driver_sql("DROP SCHEMA IF EXISTS public CASCADE")
        connection.exec_driver_sql("CREATE SCHEMA public")
    engine.dispose()


def reachable(url: str) -> bool:
    try:
        engine = create_engine(make_url(url).set(database="postgres"))
        with engine.connect():
            pass
        engine.dispose()
        return True
    except Exception:
        return False
