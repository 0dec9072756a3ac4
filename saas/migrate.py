"""Running the Alembic migrations shipped inside the package, as the owner role."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from flask import current_app
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from tenants.rls import grant_app_role


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", "saas:migrations")
    config.set_main_option("file_template", "%%(year)d%%(month).2d%%(day).2d_%%(rev)s_%%(slug)s")
    return config


def upgrade_database(revision: str = "heads") -> None:
    """Migrate to ``revision``, then let the application's role use the tables (PostgreSQL)."""
    command.upgrade(alembic_config(), revision)
    owner_url = make_url(current_app.config["DATABASE_OWNER_URL"])
    app_url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    if owner_url.get_backend_name() == "postgresql" and app_url.username != owner_url.username:
        engine = create_engine(owner_url)
        with engine.begin() as connection:
            grant_app_role(connection, app_url.username)
        engine.dispose()
