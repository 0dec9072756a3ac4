"""Login failures remember the device cookie they came with

Failures of a browser with a valid device cookie are counted per device, not per IP or
account (docs/decisions/0004-login-throttling.md). Existing rows have none.

Revision ID: b5d1e2f3a4c6
Revises: c91e4d2a7b30
Create Date: 2026-12-03 20:30:00
"""

from alembic import op
import sqlalchemy as sa

revision = "b5d1e2f3a4c6"
down_revision = "c91e4d2a7b30"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("login_failures") as batch:
        batch.add_column(sa.Column("device_id", sa.String(length=43), nullable=True))
        batch.create_index(batch.f("ix_login_failures_device_id"), ["device_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("login_failures") as batch:
        batch.drop_index(batch.f("ix_login_failures_device_id"))
        batch.drop_column("device_id")
