"""Capacity allocation: hold, allocate, confirm and release places of a pool, never more
than its capacity.

A pool is the places of one resource, named by a key its owner chooses
(``academy.session:<id>``, ``tourism.departure:<id>``), in the current tenant. Places are
taken by allocations: a **hold** (a booking being paid for) takes them until it expires by
the clock (``saas.clock``) or is confirmed or released; a **confirmed** allocation takes
them until it is released. What counts against the capacity is every confirmed allocation
and every hold that has not expired: an expired hold gives its places back by itself, no
job needed (the next change of the pool marks it ``expired``).

Never oversold: every function that changes what a pool holds first writes the pool's row
(``lock_seq + 1``), which on PostgreSQL locks that row until the caller's transaction ends
and on SQLite takes the database's write lock; only then does it count the places taken and
write. Two concurrent holds of the last place are therefore ordered: the second counts the
first and is refused with ``CapacityExceeded`` (409). The lock is per pool, so other pools
are not held up. Like every service, these flush and never commit: the boundary (request,
job, command) commits, which is also when the lock is let go.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from saas import clock
from saas.capacity.models import (
    CONFIRMED,
    EXPIRED,
    HELD,
    RELEASED,
    TAKING,
    CapacityAllocation,
    CapacityPool,
)
from saas.db import db
from saas.errors import Conflict, NotFound, ValidationFailed
from saas.i18n import _
from saas.ids import new_id
from tenants.scoping import require_tenant_id

# How long a hold may last at most: a hold is a moment of a sale, not a reservation.
LONGEST_HOLD = dt.timedelta(days=30)


class CapacityExceeded(Conflict):
    """Fewer places are free than asked for; ``available`` says how many are."""

    code = "capacity_exceeded"

    def __init__(self, message: str, *, available: int) -> None:
        super().__init__(message, field="quantity")
        self.available = available


@dataclass(frozen=True)
class Availability:
    """A pool's places at one instant: ``capacity`` = ``confirmed`` + ``held`` + ``available``
    (``available`` is never negative)."""

    key: str
    capacity: int
    confirmed: int
    held: int

    @property
    def available(self) -> int:
        return max(self.capacity - self.confirmed - self.held, 0)


def _clean_key(key: object) -> str:
    if not isinstance(key, str) or not key.strip() or len(key) > 200:
        raise ValidationFailed(_("A capacity key is a text of 1 to 200 characters."), field="key")
    return key


def _whole(value: object, minimum: int) -> bool:
    return not isinstance(value, bool) and isinstance(value, int) and value >= minimum


def _lock(pool_filter) -> tuple[uuid.UUID, str, int]:
    """Write the pool's row (its lock until the transaction ends): (id, key, capacity)."""
    statement = (
        update(CapacityPool)
        .where(CapacityPool.tenant_id == require_tenant_id(), pool_filter)
        .values(lock_seq=CapacityPool.lock_seq + 1)
        .returning(CapacityPool.id, CapacityPool.key, CapacityPool.capacity)
        .execution_options(synchronize_session=False)
    )
    row = db.session.execute(statement).first()
    if row is None:
        raise NotFound(_("There is no such capacity."))
    return row.id, row.key, row.capacity


def _expire_holds(pool_id: uuid.UUID, now: dt.datetime) -> None:
    db.session.execute(
        update(CapacityAllocation)
        .where(
            CapacityAllocation.pool_id == pool_id,
            CapacityAllocation.status == HELD,
            CapacityAllocation.expires_at <= now,
        )
        .values(status=EXPIRED)
        .execution_options(synchronize_session="fetch")
    )


def _taken(pool_id: uuid.UUID, now: dt.datetime) -> tuple[int, int]:
    """(confirmed, held and not expired) places of the pool."""
    quantity = func.coalesce(func.sum(CapacityAllocation.quantity), 0)
    rows = db.session.execute(
        select(CapacityAllocation.status, quantity)
        .where(
            CapacityAllocation.pool_id == pool_id,
            or_(
                CapacityAllocation.status == CONFIRMED,
                and_(CapacityAllocation.status == HELD, CapacityAllocation.expires_at > now),
            ),
        )
        .group_by(CapacityAllocation.status)
    ).all()
    by_status = {status: int(total) for status, total in rows}
    return by_status.get(CONFIRMED, 0), by_status.get(HELD, 0)


def set_capacity(key: str, capacity: int) -> Availability:
    """Create the pool ``key`` with ``capacity`` places, or change its capacity. Fewer places
    than are taken now is refused (409): release some first."""
    key = _clean_key(key)
    if not _whole(capacity, 0):
        raise ValidationFailed(
            _("The capacity is a whole number of places, 0 or more."), field="capacity"
        )
    tenant_id = require_tenant_id()
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    db.session.execute(
        insert(CapacityPool)
        .values(
            tenant_id=tenant_id,
            id=new_id(),
            key=key,
            capacity=capacity,
            lock_seq=0,
            created_at=clock.now(),
        )
        .on_conflict_do_nothing(index_elements=["tenant_id", "key"])
    )
    pool_id, key, _old = _lock(CapacityPool.key == key)
    now = clock.now()
    _expire_holds(pool_id, now)
    confirmed, held = _taken(pool_id, now)
    if confirmed + held > capacity:
        raise Conflict(
            _(
                "%(taken)s places are taken: the capacity cannot be less.",
                taken=confirmed + held,
            ),
            field="capacity",
        )
    db.session.execute(
        update(CapacityPool)
        .where(CapacityPool.tenant_id == tenant_id, CapacityPool.id == pool_id)
        .values(capacity=capacity)
        .execution_options(synchronize_session="fetch")
    )
    return Availability(key=key, capacity=capacity, confirmed=confirmed, held=held)


def availability(key: str) -> Availability:
    """The pool's places now (a read: no lock; a change may follow before you act on it)."""
    pool = db.session.scalar(select(CapacityPool).where(CapacityPool.key == _clean_key(key)))
    if pool is None:
        raise NotFound(_("There is no such capacity."))
    confirmed, held = _taken(pool.id, clock.now())
    return Availability(key=pool.key, capacity=pool.capacity, confirmed=confirmed, held=held)


def _take(key: str, quantity: int, status: str, expires_at, reference) -> CapacityAllocation:
    key = _clean_key(key)
    if not _whole(quantity, 1):
        raise ValidationFailed(_("Ask for a whole number of places, 1 or more."), field="quantity")
    if reference is not None and (not isinstance(reference, str) or len(reference) > 200):
        raise ValidationFailed(
            _("A reference is a text of at most 200 characters."), field="reference"
        )
    pool_id, key, capacity = _lock(CapacityPool.key == key)
    now = clock.now()
    _expire_holds(pool_id, now)
    confirmed, held = _taken(pool_id, now)
    free = max(capacity - confirmed - held, 0)
    if quantity > free:
        raise CapacityExceeded(
            _(
                "Only %(available)s of %(capacity)s places are free.",
                available=free,
                capacity=capacity,
            ),
            available=free,
        )
    allocation = CapacityAllocation(
        pool_id=pool_id,
        quantity=quantity,
        status=status,
        reference=reference,
        expires_at=expires_at,
        created_at=now,
        confirmed_at=now if status == CONFIRMED else None,
    )
    db.session.add(allocation)
    db.session.flush()
    return allocation


def hold(
    key: str, quantity: int = 1, *, expires_in: dt.timedelta, reference: str | None = None
) -> CapacityAllocation:
    """Hold ``quantity`` places of ``key`` for ``expires_in`` (at most 30 days): they count as
    taken until then, unless confirmed or released before. ``CapacityExceeded`` (409) when
    fewer are free; NotFound for an unknown key."""
    if not isinstance(expires_in, dt.timedelta) or not (
        dt.timedelta(0) < expires_in <= LONGEST_HOLD
    ):
        raise ValidationFailed(
            _("A hold lasts more than no time and at most 30 days."), field="expires_in"
        )
    return _take(key, quantity, HELD, clock.now() + expires_in, reference)


def allocate(key: str, quantity: int = 1, *, reference: str | None = None) -> CapacityAllocation:
    """Take ``quantity`` places of ``key`` at once (confirmed), or ``CapacityExceeded``."""
    return _take(key, quantity, CONFIRMED, None, reference)


def _locked_allocation(allocation_id) -> CapacityAllocation:
    """The allocation as it is once its pool is locked (another transaction may have
    changed it while we waited)."""
    try:
        allocation_id = uuid.UUID(str(allocation_id))
    except ValueError:
        raise NotFound(_("There is no such allocation.")) from None
    pool_id = db.session.scalar(
        select(CapacityAllocation.pool_id).where(CapacityAllocation.id == allocation_id)
    )
    if pool_id is None:
        raise NotFound(_("There is no such allocation."))
    _lock(CapacityPool.id == pool_id)
    _expire_holds(pool_id, clock.now())
    return db.session.scalars(
        select(CapacityAllocation)
        .where(CapacityAllocation.id == allocation_id)
        .execution_options(populate_existing=True)
    ).one()


def confirm(allocation_id) -> CapacityAllocation:
    """Turn a hold into a confirmed allocation (confirming a confirmed one changes nothing).
    A hold that expired or was released is refused (409): hold again."""
    allocation = _locked_allocation(allocation_id)
    if allocation.status == CONFIRMED:
        return allocation
    if allocation.status != HELD:
        raise Conflict(
            _("This hold has expired.")
            if allocation.status == EXPIRED
            else _("These places were released.")
        )
    allocation.status = CONFIRMED
    allocation.expires_at = None
    allocation.confirmed_at = clock.now()
    db.session.flush()
    return allocation


def release(allocation_id) -> CapacityAllocation:
    """Give the places back (a hold or a confirmed allocation). Releasing what is already
    released or expired changes nothing."""
    allocation = _locked_allocation(allocation_id)
    if allocation.status in TAKING:
        allocation.status = RELEASED
        allocation.released_at = clock.now()
        db.session.flush()
    return allocation


def allocations(key: str, *, reference: str | None = None) -> list[CapacityAllocation]:
    """The allocations of ``key`` that take places now (confirmed, or held and not expired),
    oldest first; only those of ``reference`` when given."""
    now = clock.now()
    query = (
        select(CapacityAllocation)
        .join(
            CapacityPool,
            and_(
                CapacityPool.tenant_id == CapacityAllocation.tenant_id,
                CapacityPool.id == CapacityAllocation.pool_id,
            ),
        )
        .where(
            CapacityPool.key == _clean_key(key),
            or_(
                CapacityAllocation.status == CONFIRMED,
                and_(CapacityAllocation.status == HELD, CapacityAllocation.expires_at > now),
            ),
        )
        .order_by(CapacityAllocation.created_at, CapacityAllocation.id)
    )
    if reference is not None:
        query = query.where(CapacityAllocation.reference == reference)
    return list(db.session.scalars(query))
