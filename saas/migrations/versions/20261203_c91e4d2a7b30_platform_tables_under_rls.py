"""platform tables under forced row-level security

billing_accounts, billing_events and job_outbox hold one row per tenant (keyed by
``for_tenant``) and had no RLS: the app role with tenant B set could read and update A's
billing account. They now have forced RLS: a transaction sees its own tenant's rows, and
every row only inside ``platform_scope()`` (the outbox dispatcher, Stripe webhooks finding
the tenant, the operator console), which the tenant tables' policies ignore.

Revision ID: c91e4d2a7b30
Revises: a48f8b6d63c0
Create Date: 2026-12-03 20:40:00
"""

from alembic import op

from tenants.rls import disable_rls, enable_platform_rls

revision = "c91e4d2a7b30"
down_revision = "a48f8b6d63c0"
branch_labels = None
depends_on = None

TABLES = ("billing_accounts", "billing_events", "job_outbox")


def upgrade() -> None:
    for table in TABLES:
        enable_platform_rls(op, table)


def downgrade() -> None:
    for table in TABLES:
        disable_rls(op, table)
