"""API token scope and expiry

Existing tokens keep working as before: read and write, no expiry.

Revision ID: a3c5e7f9b1d2
Revises: 1f08c606cfb6
Create Date: 2026-12-03 17:40:00
"""

from alembic import op
import sqlalchemy as sa

import saas.db  # noqa: F401  (our column types as saas.db.*)

revision = 'a3c5e7f9b1d2'
down_revision = '1f08c606cfb6'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('api_tokens') as batch:
        batch.add_column(
            sa.Column('scope', sa.String(length=20), server_default='read_write', nullable=False)
        )
        batch.add_column(
            sa.Column('expires_at', saas.db.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table('api_tokens') as batch:
        batch.drop_column('expires_at')
        batch.drop_column('scope')
