"""two-factor sign-in: authenticator apps (TOTP) and recovery codes per user

Both tables are tenant tables under forced row-level security. Login failures also say
whether they were a wrong code at the second step (counted per account from everywhere,
docs/decisions/0004-login-throttling.md); existing rows were all password failures.

Revision ID: d2f7a9c41e08
Revises: 32d927c4dafc
Create Date: 2026-12-04 07:00:00
"""

from alembic import op
import sqlalchemy as sa

import saas.db  # noqa: F401  (our column types)
from tenants.rls import disable_rls, enable_tenant_rls

revision = "d2f7a9c41e08"
down_revision = "32d927c4dafc"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "two_factor_credentials",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("secret_encrypted", sa.String(length=500), nullable=False),
        sa.Column("created_at", saas.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("confirmed_at", saas.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_used_step", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["tenant_id", "user_id"],
            ["users.tenant_id", "users.id"],
            name=op.f("fk_two_factor_credentials_tenant_id_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_two_factor_credentials_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_two_factor_credentials")),
        sa.UniqueConstraint(
            "tenant_id", "user_id", name=op.f("uq_two_factor_credentials_tenant_id_user_id")
        ),
    )
    op.create_table(
        "two_factor_recovery_codes",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("code_hash", sa.String(length=255), nullable=False),
        sa.Column("created_at", saas.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("used_at", saas.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["tenant_id", "user_id"],
            ["users.tenant_id", "users.id"],
            name=op.f("fk_two_factor_recovery_codes_tenant_id_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_two_factor_recovery_codes_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_two_factor_recovery_codes")),
    )
    with op.batch_alter_table("two_factor_recovery_codes") as batch:
        batch.create_index("ix_two_factor_recovery_codes_user", ["tenant_id", "user_id"])
    for table in ("two_factor_credentials", "two_factor_recovery_codes"):
        enable_tenant_rls(op, table)
    with op.batch_alter_table("login_failures") as batch:
        batch.add_column(
            sa.Column("second_factor", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("login_failures") as batch:
        batch.drop_column("second_factor")
    for table in ("two_factor_recovery_codes", "two_factor_credentials"):
        disable_rls(op, table)
    with op.batch_alter_table("two_factor_recovery_codes") as batch:
        batch.drop_index("ix_two_factor_recovery_codes_user")
    op.drop_table("two_factor_recovery_codes")
    op.drop_table("two_factor_credentials")
