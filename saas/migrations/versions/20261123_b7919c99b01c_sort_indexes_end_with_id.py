"""sort indexes end with id

Every index a list may be sorted on (the slot columns, ``updated_at`` and the native sortable
columns) gets ``id`` as its last column: keyset pages order ties by id, and without it a page
deep in a list sorted on a column with many equal values had to sort all of them.

Revision ID: b7919c99b01c
Revises: d7842608d582
Create Date: 2026-11-23 12:17:41.888194
"""

from alembic import op

revision = "b7919c99b01c"
down_revision = "d7842608d582"
branch_labels = None
depends_on = None

# The record tables and the columns leading their indexes (as of this revision).
RECORD_TABLES = {
    "activities": ("tenant_id",),
    "campaign_members": ("tenant_id",),
    "campaigns": ("tenant_id",),
    "companies": ("tenant_id",),
    "contacts": ("tenant_id",),
    "custom_records": ("tenant_id", "object_id"),
    "deals": ("tenant_id",),
    "leads": ("tenant_id",),
    "orders": ("tenant_id",),
    "price_book_entries": ("tenant_id",),
    "price_books": ("tenant_id",),
    "products": ("tenant_id",),
    "quotes": ("tenant_id",),
    "relationships": ("tenant_id",),
    "tickets": ("tenant_id",),
}
SLOTS = (
    [f"s_text_{n}" for n in range(1, 9)]
    + [f"s_number_{n}" for n in range(1, 7)]
    + [f"s_date_{n}" for n in range(1, 5)]
)
NATIVE = {
    "campaigns": ["name"],
    "companies": ["name"],
    "contacts": ["email", "last_name"],
    "deals": ["close_date"],
    "leads": ["email", "last_name"],
    "products": ["name"],
    "tickets": ["sla_due_at"],
}


def _indexes():
    for table, scope in RECORD_TABLES.items():
        yield f"ix_{table}_updated", table, [*scope, "updated_at"]
        for column in [*SLOTS, *NATIVE.get(table, [])]:
            yield f"ix_{table}_{column}", table, [*scope, column]


def upgrade() -> None:
    for name, table, columns in _indexes():
        op.drop_index(name, table_name=table)
        op.create_index(name, table, [*columns, "id"])


def downgrade() -> None:
    for name, table, columns in _indexes():
        op.drop_index(name, table_name=table)
        op.create_index(name, table, columns)
