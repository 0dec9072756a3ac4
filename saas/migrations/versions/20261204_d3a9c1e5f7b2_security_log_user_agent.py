"""Security log entries keep the browser or client (User-Agent) that made the request

An admin reading a sign-in or a settings change wants to know from what it came, not only
from which address. Existing entries have none (and their hashes, computed without it,
stay valid: see docs/decisions/0016-security-log-hash-chain.md).

Revision ID: d3a9c1e5f7b2
Revises: b5d1e2f3a4c6
Create Date: 2026-12-04 06:35:00
"""

from alembic import op
import sqlalchemy as sa

revision = "d3a9c1e5f7b2"
down_revision = "b5d1e2f3a4c6"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("security_log_entries") as batch:
        batch.add_column(sa.Column("user_agent", sa.String(length=400), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("security_log_entries") as batch:
        batch.drop_column("user_agent")
