"""stable job names in the outbox

Jobs are now registered under stable names by the areas' ``register_jobs`` hooks instead of
being named by their module path, so moving a job's code no longer orphans the rows that
wait for it. The pending rows of ``job_outbox`` are renamed; the job effects and dedup keys
are untouched. ``job_outbox`` is under forced row-level security: the update runs in the
platform scope (``app.platform``) to reach every tenant's rows.

Revision ID: dd2e4ff5ad71
Revises: d2f7a9c41e08
Create Date: 2026-12-04 19:30:00
"""

from alembic import op
import sqlalchemy as sa

from tenants.rls import PLATFORM_SETTING

revision = "dd2e4ff5ad71"
down_revision = "d2f7a9c41e08"
branch_labels = None
depends_on = None

RENAMED = {
    "saas.billing.jobs.sync_seats_job": "billing.sync_seats",
    "saas.billing.jobs.reconcile_billing_job": "billing.reconcile",
    "saas.mail.deliver_outbox_job": "mail.deliver_outbox",
    "core.orders.jobs.expire_quotes_job": "orders.expire_quotes",
    "core.objects.purge.purge_deleted_records_job": "objects.purge_deleted",
}


def _rename(pairs) -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        bind.execute(sa.text("SELECT set_config(:name, 'on', true)"), {"name": PLATFORM_SETTING})
    update = sa.text("UPDATE job_outbox SET job_name = :new WHERE job_name = :old")
    for old, new in pairs:
        bind.execute(update, {"old": old, "new": new})


def upgrade() -> None:
    _rename(RENAMED.items())


def downgrade() -> None:
    _rename((new, old) for old, new in RENAMED.items())
