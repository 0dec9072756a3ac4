"""Running the Alembic migrations shipped inside the package, as the owner role."""

from __future__ import annotations

from dataclasses import dataclass

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from flask import current_app
from sqlalchemy import create_engine, pool
from sqlalchemy.engine import make_url

from tenants.rls import grant_app_role


@dataclass(frozen=True)
class UpgradeResult:
    """The schema's revisions before and after an upgrade, to say what it did."""

    before: tuple[str, ...]
    after: tuple[str, ...]
    database: str

    @property
    def created(self) -> bool:
        return not self.before and bool(self.after)

    @property
    def changed(self) -> bool:
        return set(self.before) != set(self.after)

    def describe(self) -> str:
        revision = ", ".join(sorted(self.after)) or "none"
        if self.created:
            return f"Created the database schema in {self.database} (revision {revision})."
        if self.changed:
            return f"Upgraded the database schema in {self.database} to revision {revision}."
        return f"Database is up to date ({self.database}, revision {revision})."


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", "saas:migrations")
    config.set_main_option("file_template", "%%(year)d%%(month).2d%%(day).2d_%%(rev)s_%%(slug)s")
    return config


def current_revisions(url) -> tuple[str, ...]:
    """The revisions the database at ``url`` is at; empty for a database without a schema."""
    engine = create_engine(url, poolclass=pool.NullPool)
    try:
        with engine.connect() as connection:
            return tuple(sorted(MigrationContext.configure(connection).get_current_heads()))
    finally:
        engine.dispose()


def upgrade_database(revision: str = "heads") -> UpgradeResult:
    """Migrate to ``revision``, then let the application's role use the tables (PostgreSQL)."""
    owner_url = make_url(current_app.config["DATABASE_OWNER_URL"])
    before = current_revisions(owner_url)
    command.upgrade(alembic_config(), revision)
    app_url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    if owner_url.get_backend_name() == "postgresql" and app_url.username != owner_url.username:
        engine = create_engine(owner_url)
        with engine.begin() as connection:
            grant_app_role(connection, app_url.username)
        engine.dispose()
    return UpgradeResult(
        before=before,
        after=current_revisions(owner_url),
        database=app_url.render_as_string(hide_password=True),
    )
