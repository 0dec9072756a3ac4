"""The migration to stable job names renames the jobs waiting in the outbox (module paths
to the names of ``register_jobs``) and back on downgrade (SQLite scratch database; the
PostgreSQL run of the suite migrates through it under forced RLS)."""

from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa
from alembic import command

from saas.app import create_app
from saas.db import db
from saas.migrate import alembic_config
from saas.plugins.manager import build_manager, jobs
from tests.conftest import test_config

BEFORE, STABLE = "d2f7a9c41e08", "dd2e4ff5ad71"
OLD_TO_NEW = {
    "saas.billing.jobs.sync_seats_job": "billing.sync_seats",
    "saas.billing.jobs.reconcile_billing_job": "billing.reconcile",
    "saas.mail.deliver_outbox_job": "mail.deliver_outbox",
    "core.orders.jobs.expire_quotes_job": "orders.expire_quotes",
    "core.objects.purge.purge_deleted_records_job": "objects.purge_deleted",
}


def _names(engine) -> dict[str, str]:
    with engine.connect() as connection:
        rows = connection.execute(sa.text("SELECT dedup_key, job_name FROM job_outbox"))
        return dict(rows.all())


def test_every_job_of_the_old_outbox_is_renamed_to_a_registered_job(tmp_path):
    assert set(OLD_TO_NEW.values()) <= set(jobs(build_manager()))
    url = f"sqlite:///{tmp_path / 'old.db'}"
    app = create_app(test_config(url, url))
    engine = sa.create_engine(url)
    try:
        with app.app_context():
            command.upgrade(alembic_config(), BEFORE)
            outbox = sa.Table("job_outbox", sa.MetaData(), autoload_with=engine)
            with engine.begin() as connection:
                for key, name in [*((old, old) for old in OLD_TO_NEW), ("other", "some.job")]:
                    connection.execute(
                        outbox.insert().values(
                            id=uuid.uuid4().hex,
                            job_name=name,
                            for_tenant=uuid.uuid4().hex,
                            args=[],
                            dedup_key=key,
                            run_after=dt.datetime(2026, 12, 1, tzinfo=dt.UTC),
                            created_at=dt.datetime(2026, 12, 1, tzinfo=dt.UTC),
                            attempts=0,
                        )
                    )

            command.upgrade(alembic_config(), STABLE)
            assert _names(engine) == {**OLD_TO_NEW, "other": "some.job"}

            command.downgrade(alembic_config(), BEFORE)
            assert _names(engine) == {**{old: old for old in OLD_TO_NEW}, "other": "some.job"}
    finally:
        engine.dispose()
        with app.app_context():
            db.engine.dispose()
