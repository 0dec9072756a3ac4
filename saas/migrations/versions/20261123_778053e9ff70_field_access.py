"""field access on standard fields, per role

Revision ID: 778053e9ff70
Revises: 56fa73b58a83
Create Date: 2026-11-23 12:00:00.000000
"""

from alembic import op
import sqlalchemy as sa

from tenants.rls import enable_tenant_rls

revision = '778053e9ff70'
down_revision = '56fa73b58a83'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('field_access',
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('object_name', sa.String(length=64), nullable=False),
    sa.Column('field_name', sa.String(length=64), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('access', sa.String(length=10), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_field_access_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_field_access')),
    sa.UniqueConstraint('tenant_id', 'object_name', 'field_name', 'role', name=op.f('uq_field_access_tenant_id_object_name_field_name_role'))
    )
    enable_tenant_rls(op, 'field_access')


def downgrade() -> None:
    op.drop_table('field_access')
