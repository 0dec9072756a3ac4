"""A tenant's schema version: the key of the per-process metadata caches.

A tenant's schema (its custom fields and objects, field access, role rights, pipelines,
enabled plugins) is read by nearly every request and changes rarely. Each process keeps
what it read in a cache keyed by the tenant and ``tenants.schema_version``, which every
request reads anyway with the tenant's row (the API's token lookup, the web UI's host). A
change bumps the version in its own transaction, so the other workers see it on their next
request: no timeout, no message between processes.

- ``bump_schema_version(tenant_id)``: the one invalidation function. Call it in the
  transaction of a change the caches cannot see by themselves (a tenant's enabled plugins).
- A model whose rows are part of the schema sets ``__trellis_schema__ = True``: every ORM
  insert, update or delete of one (and every bulk ``update()`` / ``delete()`` through the
  session) bumps its tenant's version in the same transaction, without a call.
- ``schema_cache()``: the process's cache (a dict) of the current tenant at its current
  version, or None while the session holds uncommitted schema changes (then read from the
  database: a cache must never keep what a rollback may undo).
"""

from __future__ import annotations

import threading
import uuid
from collections import OrderedDict
from itertools import chain

from flask import current_app, has_app_context
from sqlalchemy import event, update
from sqlalchemy.orm import ORMExecuteState, Session

from saas.db import db
from tenants.models import Tenant
from tenants.scoping import current_tenant_id

# How many tenants' schemas a process keeps (the least recently used goes first).
CACHE_SIZE = 2000
_BUMPED = "trellis_schema_bumped"  # session.info: tenants bumped in the open transaction
_ALL = "all"
_LOCK = threading.Lock()


def is_schema_model(cls) -> bool:
    return bool(getattr(cls, "__trellis_schema__", False))


def bump_schema_version(tenant_id: uuid.UUID | None = None, *, session: Session | None = None):
    """Bump the schema version of ``tenant_id`` (default: the current tenant) in the open
    transaction of ``session`` (default: the app's). Every process's cached metadata of the
    tenant is then stale from the commit on; a rollback undoes the bump with the change.
    ``tenant_id=None`` outside a tenant scope bumps every tenant."""
    session = session if session is not None else db.session()
    tenant_id = tenant_id or current_tenant_id()
    statement = update(Tenant.__table__).values(
        schema_version=Tenant.__table__.c.schema_version + 1
    )
    if tenant_id is not None:
        statement = statement.where(Tenant.__table__.c.id == tenant_id)
    session.info.setdefault(_BUMPED, set()).add(tenant_id or _ALL)
    session.connection().execute(statement)
    for obj in list(session.identity_map.values()):
        if isinstance(obj, Tenant) and (tenant_id is None or obj.id == tenant_id):
            session.expire(obj, ["schema_version"])


def _changed_in_transaction(session: Session, tenant_id: uuid.UUID) -> bool:
    bumped = session.info.get(_BUMPED, ())
    return tenant_id in bumped or _ALL in bumped


@event.listens_for(Session, "after_flush")
def _bump_on_schema_writes(session: Session, flush_context) -> None:
    tenants = set()
    for obj in chain(session.new, session.deleted, session.dirty):
        if not is_schema_model(type(obj)):
            continue
        if obj in session.dirty and not session.is_modified(obj):
            continue
        tenants.add(obj.tenant_id)
    for tenant_id in tenants:
        bump_schema_version(tenant_id, session=session)


@event.listens_for(Session, "do_orm_execute")
def _bump_on_bulk_schema_writes(state: ORMExecuteState) -> None:
    if not (state.is_update or state.is_delete or state.is_insert):
        return
    mapper = state.bind_mapper
    if mapper is not None and is_schema_model(mapper.class_):
        bump_schema_version(current_tenant_id(), session=state.session)


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _forget_bumps(session: Session) -> None:
    session.info.pop(_BUMPED, None)


def _current_version(session: Session, tenant_id: uuid.UUID) -> int | None:
    tenant = session.get(Tenant, tenant_id)  # the request's tenant: no query
    return None if tenant is None else tenant.schema_version


def schema_cache(tenant_id: uuid.UUID | None = None) -> dict | None:
    """The process's cache of ``tenant_id``'s (default: the current tenant's) schema at its
    current version: a dict that metadata readers fill under their own keys. None outside
    an app or a tenant scope, and while the session holds uncommitted schema changes."""
    if not has_app_context():
        return None
    tenant_id = tenant_id or current_tenant_id()
    if tenant_id is None:
        return None
    session = db.session()
    if _changed_in_transaction(session, tenant_id):
        return None
    version = _current_version(session, tenant_id)
    if version is None:
        return None
    caches = current_app.extensions.setdefault("trellis_schema_cache", OrderedDict())
    with _LOCK:
        entry = caches.get(tenant_id)
        if entry is not None and entry[0] == version:
            caches.move_to_end(tenant_id)
            return entry[1]
        if entry is not None and entry[0] > version:
            return {}  # an older snapshot (a long transaction): used once, never kept
        cache: dict = {}
        caches[tenant_id] = (version, cache)
        caches.move_to_end(tenant_id)
        while len(caches) > CACHE_SIZE:
            caches.popitem(last=False)
        return cache


def schema_version(tenant_id: uuid.UUID | None = None) -> int | None:
    """The current tenant's schema version as this session sees it (None: no tenant)."""
    tenant_id = tenant_id or current_tenant_id()
    if tenant_id is None or not has_app_context():
        return None
    return _current_version(db.session(), tenant_id)
