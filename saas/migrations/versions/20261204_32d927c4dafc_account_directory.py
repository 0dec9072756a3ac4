"""account directory: which workspaces have a user with a given address

"Find my workspace" on the base host must learn, before any workspace is known, which
workspaces have a user with an address; ``users`` is a tenant table under forced RLS, so
a platform table holds just that (a SHA-256 digest of the address and the workspace), under
the platform policy like billing_accounts. Existing users are listed here.

Revision ID: 32d927c4dafc
Revises: d3a9c1e5f7b2
Create Date: 2026-12-04 06:29:39
"""

import hashlib
import uuid

from alembic import op
import sqlalchemy as sa

from saas.ids import new_id
from tenants.rls import disable_rls, enable_platform_rls

revision = "32d927c4dafc"
down_revision = "d3a9c1e5f7b2"
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table(
        "account_directory",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("email_digest", sa.String(length=64), nullable=False),
        sa.Column("for_tenant", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["for_tenant"],
            ["tenants.id"],
            name=op.f("fk_account_directory_for_tenant_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_directory")),
        sa.UniqueConstraint(
            "email_digest",
            "for_tenant",
            name=op.f("uq_account_directory_email_digest_for_tenant"),
        ),
    )
    with op.batch_alter_table("account_directory", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_account_directory_email_digest"), ["email_digest"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_account_directory_for_tenant"), ["for_tenant"], unique=False
        )
    enable_platform_rls(op, "account_directory")
    _list_existing_users(table)


def _list_existing_users(table) -> None:
    """One row per existing user, read workspace by workspace (the users' policy shows a
    transaction the rows of the workspace it names, even to the owner under FORCE)."""
    bind = op.get_bind()
    postgres = bind.dialect.name == "postgresql"
    tenant_ids = [row[0] for row in bind.execute(sa.text("SELECT id FROM tenants"))]
    for tenant_id in tenant_ids:
        tenant_id = tenant_id if isinstance(tenant_id, uuid.UUID) else uuid.UUID(str(tenant_id))
        if postgres:
            bind.execute(
                sa.text(
                    "SELECT set_config('app.tenant_id', :tenant, true), "
                    "set_config('app.platform', 'on', true)"
                ),
                {"tenant": str(tenant_id)},
            )
        emails = bind.execute(
            sa.text("SELECT email FROM users WHERE tenant_id = :tenant"),
            {"tenant": tenant_id if postgres else tenant_id.hex},
        ).scalars()
        rows = [
            {
                "id": new_id(),
                "email_digest": hashlib.sha256(email.strip().lower().encode()).hexdigest(),
                "for_tenant": tenant_id,
            }
            for email in emails
        ]
        if rows:
            op.bulk_insert(table, rows)
    if postgres:
        bind.execute(
            sa.text("SELECT set_config('app.tenant_id', '', true), set_config('app.platform', '', true)")
        )


def downgrade() -> None:
    disable_rls(op, "account_directory")
    with op.batch_alter_table("account_directory", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_account_directory_for_tenant"))
        batch_op.drop_index(batch_op.f("ix_account_directory_email_digest"))
    op.drop_table("account_directory")
