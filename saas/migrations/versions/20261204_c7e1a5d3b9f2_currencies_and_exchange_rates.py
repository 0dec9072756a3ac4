"""Currencies and exchange rates: the currencies a workspace has enabled, and its dated
rates to the corporate currency (see docs/money.md and decision 0022)

Revision ID: c7e1a5d3b9f2
Revises: f1c2a3b4d5e6
Create Date: 2026-12-04 22:40:00
"""

from alembic import op
import sqlalchemy as sa

import saas.db  # noqa: F401  (our column types)
from tenants.rls import disable_rls, enable_tenant_rls

revision = "c7e1a5d3b9f2"
down_revision = "f1c2a3b4d5e6"
branch_labels = None
depends_on = None

TABLES = ("tenant_currencies", "exchange_rates")


def upgrade() -> None:
    op.create_table(
        "tenant_currencies",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.String(length=3), nullable=False),
        sa.Column("created_at", saas.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_tenant_currencies_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_tenant_currencies")),
        sa.UniqueConstraint("tenant_id", "code", name=op.f("uq_tenant_currencies_tenant_id_code")),
    )
    op.create_table(
        "exchange_rates",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("rate", sa.Numeric(precision=20, scale=10), nullable=False),
        sa.Column("created_at", saas.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("rate > 0", name=op.f("ck_exchange_rates_rate_positive")),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_exchange_rates_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_exchange_rates")),
        sa.UniqueConstraint(
            "tenant_id",
            "currency",
            "valid_from",
            name=op.f("uq_exchange_rates_tenant_id_currency_valid_from"),
        ),
    )
    for table in TABLES:
        enable_tenant_rls(op, table)


def downgrade() -> None:
    for table in TABLES:
        disable_rls(op, table)
    op.drop_table("exchange_rates")
    op.drop_table("tenant_currencies")
