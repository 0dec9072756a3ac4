"""The ORM wall: every query on a tenant-owned model is filtered to the current tenant,
and raises when no tenant scope is active (fail closed, as django-scopes does).

- ``TenantScoped``: the mixin for tenant-owned models; ``(tenant_id, id)`` is the key.
- ``tenant_scope(tenant_id)``: the block in which queries see that tenant only.
- ``unscoped(reason)``: the logged escape hatch for maintenance; no ORM filter is added
  (on PostgreSQL the row-level security wall still shows nothing without a tenant).
- ``platform_scope(reason)``: the narrow path for the platform's own cross-tenant work (the
  outbox dispatcher, Stripe webhooks finding the tenant, the operator console). It opens
  the platform tables (``billing_accounts``, ``billing_events``, ``job_outbox``) to every
  tenant's rows and nothing else: the policies of the tenant tables ignore it.

On PostgreSQL the current tenant is also handed to the database wall, per transaction,
with ``set_config('app.tenant_id', ..., true)`` (see ``tenants.rls``).
"""

from __future__ import annotations

import contextlib
import logging
import uuid
from collections.abc import Iterator
from contextvars import ContextVar
from itertools import chain

from sqlalchemy import ForeignKey, Table, event
from sqlalchemy.orm import (
    Mapped,
    ORMExecuteState,
    Session,
    declared_attr,
    mapped_column,
    with_loader_criteria,
)
from sqlalchemy.sql import visitors

from saas.ids import new_id

log = logging.getLogger(__name__)


class TenantScopeError(RuntimeError):
    """A tenant-owned table was touched outside a tenant scope, or across tenants."""


class _Unscoped:
    def __init__(self, reason: str) -> None:
        self.reason = reason

    def __repr__(self) -> str:
        return f"<unscoped: {self.reason}>"


_scope: ContextVar[uuid.UUID | _Unscoped | None] = ContextVar("trellis_tenant_scope", default=None)
_platform: ContextVar[str | None] = ContextVar("trellis_platform_scope", default=None)


class TenantScoped:
    """Mixin for tenant-owned models: ``tenant_id`` leads the primary key."""

    @declared_attr
    def tenant_id(cls) -> Mapped[uuid.UUID]:
        return mapped_column(
            ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True, sort_order=-2
        )

    @declared_attr
    def id(cls) -> Mapped[uuid.UUID]:
        return mapped_column(primary_key=True, default=new_id, sort_order=-1)


def current_tenant_id() -> uuid.UUID | None:
    """The tenant of the active scope, or None outside a scope or when unscoped."""
    value = _scope.get()
    return value if isinstance(value, uuid.UUID) else None


def require_tenant_id() -> uuid.UUID:
    tenant_id = current_tenant_id()
    if tenant_id is None:
        raise TenantScopeError("this needs an active tenant scope")
    return tenant_id


@contextlib.contextmanager
def tenant_scope(tenant_id: uuid.UUID) -> Iterator[uuid.UUID]:
    """Run the block as ``tenant_id``: the ORM filter and the database setting follow."""
    if not isinstance(tenant_id, uuid.UUID):
        raise TypeError("tenant_scope() takes the tenant's UUID")
    token = _scope.set(tenant_id)
    _sync_database_setting()
    try:
        yield tenant_id
    finally:
        _scope.reset(token)
        _sync_database_setting()


@contextlib.contextmanager
def unscoped(reason: str) -> Iterator[None]:
    """Run the block without the ORM tenant filter. Logged; give a reason a reviewer accepts."""
    if not reason:
        raise ValueError("unscoped() needs a reason")
    log.info("entering unscoped block: %s", reason)
    token = _scope.set(_Unscoped(reason))
    _sync_database_setting()
    try:
        yield
    finally:
        _scope.reset(token)
        _sync_database_setting()


def in_platform_scope() -> bool:
    return _platform.get() is not None


@contextlib.contextmanager
def platform_scope(reason: str) -> Iterator[None]:
    """Run the block with every tenant's rows of the platform tables visible.

    The platform tables hold the platform's relationship with each tenant (billing
    accounts, webhook events, the job outbox), never CRM data. Their row-level security
    policy shows a transaction its own tenant's rows, or every row inside this block; the
    tenant tables' policies ignore it. Keep the block to the lookup that needs it, and do
    the tenant's work in ``tenant_scope`` after it.
    """
    if not reason:
        raise ValueError("platform_scope() needs a reason")
    log.debug("entering platform scope: %s", reason)
    token = _platform.set(reason)
    _sync_database_setting()
    try:
        yield
    finally:
        _platform.reset(token)
        _sync_database_setting()


def _sync_database_setting() -> None:
    """Hand the new scope to an already open transaction (the next one gets it on begin)."""
    from tenants import rls

    rls.sync_open_transaction(current_tenant_id(), platform=in_platform_scope())


def _touches_tenant_tables(statement) -> bool:
    """Whether any table in the statement, in any FROM, join or subquery, is tenant-owned.

    ``ORMExecuteState.all_mappers`` only lists the entities of the columns clause, so a
    ``select(func.count()).select_from(Model)`` would slip past a check based on it.
    """
    return any(
        isinstance(element, Table) and "tenant_id" in element.c
        for element in visitors.iterate(statement)
    )


@event.listens_for(Session, "do_orm_execute")
def _filter_to_current_tenant(state: ORMExecuteState) -> None:
    if not (state.is_select or state.is_update or state.is_delete):
        return
    if not _touches_tenant_tables(state.statement):
        return
    scope = _scope.get()
    if scope is None:
        raise TenantScopeError(
            "query on a tenant-owned table outside tenant_scope(); "
            "use tenant_scope(tenant_id) or unscoped(reason)"
        )
    if isinstance(scope, _Unscoped):
        return
    tenant_id = scope
    state.statement = state.statement.options(
        with_loader_criteria(
            TenantScoped,
            lambda cls: cls.tenant_id == tenant_id,
            include_aliases=True,
            propagate_to_loaders=True,
        )
    )


@event.listens_for(Session, "before_flush")
def _stamp_and_guard_writes(session: Session, flush_context, instances) -> None:
    scope = _scope.get()
    for obj in session.new:
        if not isinstance(obj, TenantScoped):
            continue
        if scope is None:
            raise TenantScopeError(f"insert of {type(obj).__name__} outside tenant_scope()")
        if isinstance(scope, _Unscoped):
            if obj.tenant_id is None:
                raise TenantScopeError(f"{type(obj).__name__} inserted unscoped without tenant_id")
        elif obj.tenant_id is None:
            obj.tenant_id = scope
        elif obj.tenant_id != scope:
            raise TenantScopeError(f"{type(obj).__name__} written for another tenant")
    for obj in chain(session.dirty, session.deleted):
        if not isinstance(obj, TenantScoped):
            continue
        if scope is None:
            raise TenantScopeError(f"write to {type(obj).__name__} outside tenant_scope()")
        if not isinstance(scope, _Unscoped) and obj.tenant_id != scope:
            raise TenantScopeError(f"{type(obj).__name__} of another tenant changed")
