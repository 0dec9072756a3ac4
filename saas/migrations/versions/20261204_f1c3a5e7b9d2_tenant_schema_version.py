"""A schema version per tenant: the key of the metadata caches

``tenants.schema_version`` is bumped in the transaction of every change to a tenant's
field definitions, custom objects, field access, role rights and pipelines (see
``tenants/schema_version.py``), so every worker sees the change on its next request.

Revision ID: f1c3a5e7b9d2
Revises: dd5f982dcb12
Create Date: 2026-12-04 22:20:00
"""

from alembic import op
import sqlalchemy as sa

revision = "f1c3a5e7b9d2"
down_revision = "dd5f982dcb12"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tenants") as batch:
        batch.add_column(
            sa.Column("schema_version", sa.Integer(), nullable=False, server_default="0")
        )


def downgrade() -> None:
    with op.batch_alter_table("tenants") as batch:
        batch.drop_column("schema_version")
