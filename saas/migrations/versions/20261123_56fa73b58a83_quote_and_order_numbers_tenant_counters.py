"""quote and order numbers, tenant counters

Revision ID: 56fa73b58a83
Revises: b7919c99b01c
Create Date: 2026-11-23 12:20:01.425987

Every quote and order gets a human number (Q-2026-0001, SO-2026-0001), unique per
tenant, from a per-tenant counter row (``tenant_counters``). Existing rows are numbered
here, per tenant and year in created_at order, and the counters start after them.
"""

from collections import defaultdict

from alembic import op
import sqlalchemy as sa

from saas.ids import new_id
from tenants.rls import enable_tenant_rls

revision = '56fa73b58a83'
down_revision = 'b7919c99b01c'
branch_labels = None
depends_on = None

# The default prefixes of core.orders.settings (no tenant has chosen one yet).
PREFIXES = {"quotes": "Q-", "orders": "SO-"}


def _year(value) -> int:
    return value.year if hasattr(value, "year") else int(str(value)[:4])


def _backfill(connection, table_name: str) -> None:
    """Number the existing rows of ``table_name`` and set the tenant's counters."""
    table = sa.table(
        table_name,
        sa.column("tenant_id", sa.Uuid()),
        sa.column("id", sa.Uuid()),
        sa.column("created_at", sa.DateTime()),
        sa.column("number", sa.String()),
    )
    counters = sa.table(
        "tenant_counters",
        sa.column("tenant_id", sa.Uuid()),
        sa.column("id", sa.Uuid()),
        sa.column("name", sa.String()),
        sa.column("value", sa.BigInteger()),
    )
    postgres = connection.dialect.name == "postgresql"
    tenant_ids = connection.execute(sa.select(table.c.tenant_id).distinct()).scalars().all()
    for tenant_id in tenant_ids:
        if postgres:  # row-level security is forced, for the owner too
            connection.execute(
                sa.text("SELECT set_config('app.tenant_id', :tenant, true)"),
                {"tenant": str(tenant_id)},
            )
        rows = connection.execute(
            sa.select(table.c.id, table.c.created_at)
            .where(table.c.tenant_id == tenant_id)
            .order_by(table.c.created_at, table.c.id)
        ).all()
        last: dict[int, int] = defaultdict(int)
        for row_id, created_at in rows:
            year = _year(created_at)
            last[year] += 1
            connection.execute(
                table.update()
                .where(table.c.tenant_id == tenant_id, table.c.id == row_id)
                .values(number=f"{PREFIXES[table_name]}{year}-{last[year]:04d}")
            )
        for year, value in last.items():
            connection.execute(
                counters.insert().values(
                    tenant_id=tenant_id, id=new_id(), name=f"{table_name}:{year}", value=value
                )
            )
    if postgres:
        connection.execute(sa.text("SELECT set_config('app.tenant_id', '', true)"))


def upgrade() -> None:
    op.create_table('tenant_counters',
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('value', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_tenant_counters_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_tenant_counters')),
    sa.UniqueConstraint('tenant_id', 'name', name=op.f('uq_tenant_counters_tenant_id_name'))
    )
    enable_tenant_rls(op, "tenant_counters")

    for table in ("quotes", "orders"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('number', sa.String(length=40), nullable=True))
        _backfill(op.get_bind(), table)
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column('number', existing_type=sa.String(length=40), nullable=False)
            batch_op.create_unique_constraint(batch_op.f(f'uq_{table}_tenant_id_number'), ['tenant_id', 'number'])


def downgrade() -> None:
    for table in ("quotes", "orders"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f'uq_{table}_tenant_id_number'), type_='unique')
            batch_op.drop_column('number')
    op.drop_table('tenant_counters')
