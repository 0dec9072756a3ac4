"""The tables of capacity allocation: a pool of places per resource and what takes them.

Both are tenant tables under forced row-level security. A pool's ``lock_seq`` exists to be
written: every change of what a pool holds first increments it, which locks the pool's row
until the transaction ends (PostgreSQL) or takes the database's write lock (SQLite), so the
count that follows and the allocation written after it cannot be raced.
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from saas.db import UTCDateTime, db, utcnow
from tenants.scoping import TenantScoped

HELD, CONFIRMED, RELEASED, EXPIRED = "held", "confirmed", "released", "expired"
STATUSES = (HELD, CONFIRMED, RELEASED, EXPIRED)
# The statuses that take places (a hold only until it expires).
TAKING = (HELD, CONFIRMED)


class CapacityPool(TenantScoped, db.Model):
    """The places of one resource, named by its owner's ``key`` (``academy.session:<id>``)."""

    __tablename__ = "capacity_pools"
    __table_args__ = (
        UniqueConstraint("tenant_id", "key"),
        CheckConstraint("capacity >= 0", name="capacity_not_negative"),
    )

    key: Mapped[str] = mapped_column(String(200))
    capacity: Mapped[int] = mapped_column(Integer)
    lock_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CapacityAllocation(TenantScoped, db.Model):
    """Places taken from a pool: held until ``expires_at``, confirmed, or given back."""

    __tablename__ = "capacity_allocations"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "pool_id"],
            ["capacity_pools.tenant_id", "capacity_pools.id"],
            ondelete="CASCADE",
        ),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        Index("ix_capacity_allocations_tenant_id_pool_id_status", "tenant_id", "pool_id", "status"),
    )

    pool_id: Mapped[uuid.UUID] = mapped_column()
    quantity: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    # What the places are for, in the owner's words (a booking's id), to find them again.
    reference: Mapped[str | None] = mapped_column(String(200))
    expires_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    confirmed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    released_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
