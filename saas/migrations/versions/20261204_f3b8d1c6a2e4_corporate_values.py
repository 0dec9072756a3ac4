"""Corporate values: a deal's currency and its amount in the corporate currency, a quote's
and an order's total in the corporate currency (decision 0022)

Existing deals are in the workspace's currency (the only one there was), so their currency
is filled in with it and their corporate amount is their amount; quotes and orders in the
workspace's currency get their total, the others none until their currency has a rate.

Revision ID: f3b8d1c6a2e4
Revises: c7e1a5d3b9f2
Create Date: 2026-12-04 22:50:00
"""

from alembic import op
import sqlalchemy as sa

revision = "f3b8d1c6a2e4"
down_revision = "c7e1a5d3b9f2"
branch_labels = None
depends_on = None

SALES = ("quotes", "orders")


def _backfill(connection) -> None:
    tenants = sa.table("tenants", sa.column("id", sa.Uuid()), sa.column("settings", sa.JSON()))
    deals = sa.table(
        "deals",
        sa.column("tenant_id", sa.Uuid()),
        sa.column("amount", sa.Numeric(18, 2)),
        sa.column("currency", sa.String()),
        sa.column("amount_corporate", sa.Numeric(18, 2)),
    )
    postgres = connection.dialect.name == "postgresql"
    for tenant_id, settings in connection.execute(sa.select(tenants.c.id, tenants.c.settings)).all():
        currency = (settings or {}).get("currency") or "USD"
        if postgres:  # row-level security is forced, for the owner too
            connection.execute(
                sa.text("SELECT set_config('app.tenant_id', :tenant, true)"),
                {"tenant": str(tenant_id)},
            )
        connection.execute(
            deals.update()
            .where(deals.c.tenant_id == tenant_id)
            .values(currency=currency, amount_corporate=deals.c.amount)
        )
        for name in SALES:
            table = sa.table(
                name,
                sa.column("tenant_id", sa.Uuid()),
                sa.column("currency", sa.String()),
                sa.column("total", sa.Numeric(18, 2)),
                sa.column("total_corporate", sa.Numeric(18, 2)),
            )
            connection.execute(
                table.update()
                .where(table.c.tenant_id == tenant_id, table.c.currency == currency)
                .values(total_corporate=table.c.total)
            )
    if postgres:
        connection.execute(sa.text("SELECT set_config('app.tenant_id', '', true)"))


def upgrade() -> None:
    with op.batch_alter_table("deals") as batch:
        batch.add_column(sa.Column("currency", sa.String(length=3), nullable=True))
        batch.add_column(sa.Column("amount_corporate", sa.Numeric(18, 2), nullable=True))
    for name in SALES:
        with op.batch_alter_table(name) as batch:
            batch.add_column(sa.Column("total_corporate", sa.Numeric(18, 2), nullable=True))
    _backfill(op.get_bind())


def downgrade() -> None:
    for name in SALES:
        with op.batch_alter_table(name) as batch:
            batch.drop_column("total_corporate")
    with op.batch_alter_table("deals") as batch:
        batch.drop_column("amount_corporate")
        batch.drop_column("currency")
