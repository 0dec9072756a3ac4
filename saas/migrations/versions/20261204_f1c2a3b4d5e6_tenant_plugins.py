"""tenant plugins: the plugins each workspace enabled

One row per plugin a workspace ever enabled (``enabled`` false once disabled, so enabling
again finds its data and never loads its sample data twice). A tenant table under forced
row-level security like the core's. See docs/plugins.md, "Enabling a plugin".

Revision ID: f1c2a3b4d5e6
Revises: e4b8c2d6a1f9
Create Date: 2026-12-04 22:30:00
"""

from alembic import op
import sqlalchemy as sa

import saas.db
from tenants.rls import disable_rls, enable_tenant_rls

revision = "f1c2a3b4d5e6"
down_revision = "e4b8c2d6a1f9"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tenant_plugins",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("sample_data", sa.Boolean(), nullable=False),
        sa.Column("enabled_at", saas.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("disabled_at", saas.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_tenant_plugins_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_tenant_plugins")),
        sa.UniqueConstraint("tenant_id", "name", name=op.f("uq_tenant_plugins_tenant_id_name")),
    )
    enable_tenant_rls(op, "tenant_plugins")


def downgrade() -> None:
    disable_rls(op, "tenant_plugins")
    op.drop_table("tenant_plugins")
