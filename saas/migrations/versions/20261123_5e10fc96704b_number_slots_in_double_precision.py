"""number slots in double precision

PostgreSQL's numeric comparison functions are not LEAKPROOF, so under row-level security a
filter on a numeric slot could not be an index condition: a filter on a number field read
the tenant's whole slot index (bench/custom_field_filter.py, 13x the native column on a
tenant of 95,000 records). float8's comparisons are LEAKPROOF. The exact values stay in
``custom``.

Every table with number slots is changed, whichever migration created it. On SQLite the
declared type is only a label (NUMERIC affinity stores the doubles as REAL); nothing to do.

Revision ID: 5e10fc96704b
Revises: 0e99ccb17e9f
Create Date: 2026-11-23 09:31:11.977194
"""

from alembic import op
import sqlalchemy as sa

revision = '5e10fc96704b'
down_revision = '0e99ccb17e9f'
branch_labels = None
depends_on = None

SLOTS = [f"s_number_{n}" for n in range(1, 7)]


def _tables_with_number_slots() -> list[str]:
    inspector = sa.inspect(op.get_bind())
    return sorted(
        table
        for table in inspector.get_table_names()
        if {"s_number_1"} <= {column["name"] for column in inspector.get_columns(table)}
    )


def _retype(type_: str) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in _tables_with_number_slots():
        changes = ", ".join(
            f"ALTER COLUMN {slot} TYPE {type_} USING {slot}::{type_}" for slot in SLOTS
        )
        op.execute(f'ALTER TABLE "{table}" {changes}')


def upgrade() -> None:
    _retype("double precision")


def downgrade() -> None:
    _retype("numeric(20, 4)")
