"""Languages: a user's own language and time zone, and a workspace's default language

``users.locale`` and ``users.timezone`` are the person's choice (empty: the workspace's);
``tenants.default_locale`` is the workspace's default language (empty: each browser's own).
See docs/i18n.md.

Revision ID: e4b8c2d6a1f9
Revises: dd2e4ff5ad71
Create Date: 2026-12-04 19:20:00
"""

from alembic import op
import sqlalchemy as sa

revision = "e4b8c2d6a1f9"
down_revision = "dd2e4ff5ad71"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("locale", sa.String(length=20), nullable=True))
        batch.add_column(sa.Column("timezone", sa.String(length=64), nullable=True))
    with op.batch_alter_table("tenants") as batch:
        batch.add_column(sa.Column("default_locale", sa.String(length=20), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("tenants") as batch:
        batch.drop_column("default_locale")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("timezone")
        batch.drop_column("locale")
