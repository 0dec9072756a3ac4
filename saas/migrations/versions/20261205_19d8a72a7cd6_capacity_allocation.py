"""capacity allocation: pools of places and the holds and allocations that take them

Two tenant tables under forced row-level security (``saas/capacity``; docs/plugins.md,
"Capacity"). A pool's row is written before every change of what it holds, which is the
lock that keeps it from being oversold.

Revision ID: 19d8a72a7cd6
Revises: f1c3a5e7b9d2
Create Date: 2026-12-05 07:24:25
"""

import sqlalchemy as sa
from alembic import op

import saas.db
from tenants.rls import disable_rls, enable_tenant_rls

revision = "19d8a72a7cd6"
down_revision = "f1c3a5e7b9d2"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "capacity_pools",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("lock_seq", sa.BigInteger(), nullable=False),
        sa.Column("created_at", saas.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("capacity >= 0", name=op.f("ck_capacity_pools_capacity_not_negative")),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_capacity_pools_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_capacity_pools")),
        sa.UniqueConstraint("tenant_id", "key", name=op.f("uq_capacity_pools_tenant_id_key")),
    )
    enable_tenant_rls(op, "capacity_pools")
    op.create_table(
        "capacity_allocations",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("pool_id", sa.Uuid(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reference", sa.String(length=200), nullable=True),
        sa.Column("expires_at", saas.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", saas.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("confirmed_at", saas.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("released_at", saas.db.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_capacity_allocations_quantity_positive")),
        sa.ForeignKeyConstraint(
            ["tenant_id", "pool_id"],
            ["capacity_pools.tenant_id", "capacity_pools.id"],
            name=op.f("fk_capacity_allocations_tenant_id_pool_id_capacity_pools"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_capacity_allocations_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_capacity_allocations")),
    )
    op.create_index(
        "ix_capacity_allocations_tenant_id_pool_id_status",
        "capacity_allocations",
        ["tenant_id", "pool_id", "status"],
    )
    enable_tenant_rls(op, "capacity_allocations")


def downgrade() -> None:
    disable_rls(op, "capacity_allocations")
    op.drop_index(
        "ix_capacity_allocations_tenant_id_pool_id_status", table_name="capacity_allocations"
    )
    op.drop_table("capacity_allocations")
    disable_rls(op, "capacity_pools")
    op.drop_table("capacity_pools")
