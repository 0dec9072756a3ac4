"""Alembic environment: runs as the owner role (DATABASE_OWNER_URL) with the app's metadata."""

from __future__ import annotations

from alembic import context
from flask import current_app, has_app_context
from sqlalchemy import create_engine, pool

from saas.db import db


def _owner_url() -> str:
    if has_app_context():
        return current_app.config["DATABASE_OWNER_URL"]
    from saas.app import create_app

    app = create_app()
    with app.app_context():
        return app.config["DATABASE_OWNER_URL"]


if has_app_context():
    _pm = current_app.extensions["trellis_plugins"]
else:
    # The core's models and every installed plugin's (their branches are wired below).
    from saas.plugins.manager import build_manager, import_models

    _pm = build_manager(with_plugins=True)
    import_models(_pm)

from saas.migrate import wire_plugin_branches  # noqa: E402

wire_plugin_branches(context.script, _pm)
target_metadata = db.metadata


def run_migrations_offline() -> None:
    context.configure(url=_owner_url(), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    url = _owner_url()
    engine = create_engine(url, poolclass=pool.NullPool)
    with engine.connect() as connection:
        is_sqlite = connection.dialect.name == "sqlite"
        if connection.dialect.name == "postgresql":
            # Fail fast instead of queueing behind a long transaction and blocking writers.
            connection.exec_driver_sql("SET lock_timeout = '5s'")
            connection.exec_driver_sql("SET statement_timeout = '10min'")
            connection.commit()  # session settings kept; Alembic then owns the transaction
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=is_sqlite,
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
