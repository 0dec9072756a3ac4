"""Per-tenant counters: the next number of a named sequence, such as the quotes of 2026.

One row per (tenant, name) holds the last number given. ``next_value`` increments it with
a single ``UPDATE ... RETURNING``: on PostgreSQL the row stays locked until the caller's
transaction ends, so concurrent writers of the same tenant queue up and each gets its own
number; if the transaction rolls back, so does the increment (no gap). SQLite serialises
writers anyway. Unlike ``MAX(number) + 1`` this never hands out a number twice, and
unlike a database sequence it is per tenant and transactional.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, String, UniqueConstraint, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, mapped_column

from saas.db import db
from saas.ids import new_id
from tenants.scoping import TenantScoped, require_tenant_id


class TenantCounter(TenantScoped, db.Model):
    __tablename__ = "tenant_counters"
    __table_args__ = (UniqueConstraint("tenant_id", "name"),)

    name: Mapped[str] = mapped_column(String(100))
    value: Mapped[int] = mapped_column(BigInteger, default=0)


def _insert_missing(name: str) -> None:
    """Create the counter at 0 unless it exists (a concurrent creator wins quietly)."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(TenantCounter)
        .values(tenant_id=require_tenant_id(), id=new_id(), name=name, value=0)
        .on_conflict_do_nothing(index_elements=["tenant_id", "name"])
    )
    db.session.execute(statement)


def next_value(name: str) -> int:
    """The next number of the current tenant's counter ``name`` (1 for a new counter),
    counted in the caller's transaction."""
    tenant_id = require_tenant_id()
    statement = (
        update(TenantCounter)
        .where(TenantCounter.tenant_id == tenant_id, TenantCounter.name == name)
        .values(value=TenantCounter.value + 1)
        .returning(TenantCounter.value)
        .execution_options(synchronize_session=False)
    )
    value = db.session.scalar(statement)
    if value is None:
        _insert_missing(name)
        value = db.session.scalar(statement)
    return int(value)


def peek_value(name: str) -> int:
    """The last number given by ``name`` (0 if none), without taking one."""
    value = db.session.scalar(select(TenantCounter.value).where(TenantCounter.name == name))
    return int(value or 0)
