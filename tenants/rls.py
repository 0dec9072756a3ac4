"""The database wall: PostgreSQL row-level security on every tenant table.

This is the one module that issues raw SQL about tenancy. The migrations call
``enable_tenant_rls`` for each tenant table; the application sets the tenant per
transaction with ``set_config('app.tenant_id', <uuid>, true)`` (transaction-local, so it is
safe behind PgBouncer transaction pooling and vanishes at COMMIT/ROLLBACK).
"""

from __future__ import annotations

import uuid

from flask import has_app_context
from sqlalchemy import event, text
from sqlalchemy.orm import Session

POLICY_NAME = "tenant_isolation"
SETTING = "app.tenant_id"
PLATFORM_SETTING = "app.platform"
_SET = text(
    "SELECT set_config('app.tenant_id', :tenant_id, true), "
    "set_config('app.platform', :platform, true)"
)


def enable_tenant_rls(op, table: str) -> None:
    """ENABLE + FORCE row-level security and the isolation policy on ``table`` (migrations)."""
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f'ALTER TABLE "{table}" ENABLE ROW LEVEL SECURITY')
    op.execute(f'ALTER TABLE "{table}" FORCE ROW LEVEL SECURITY')
    op.execute(
        f'CREATE POLICY {POLICY_NAME} ON "{table}" '
        f"USING (tenant_id = NULLIF(current_setting('{SETTING}', true), '')::uuid) "
        f"WITH CHECK (tenant_id = NULLIF(current_setting('{SETTING}', true), '')::uuid)"
    )


def enable_platform_rls(op, table: str, column: str = "for_tenant") -> None:
    """Forced row-level security on a platform table: a transaction sees the rows of its
    tenant (``column``), or every row in ``platform_scope()`` (see ``tenants.scoping``)."""
    if op.get_bind().dialect.name != "postgresql":
        return
    condition = (
        f"{column} = NULLIF(current_setting('{SETTING}', true), '')::uuid "
        f"OR current_setting('{PLATFORM_SETTING}', true) = 'on'"
    )
    op.execute(f'ALTER TABLE "{table}" ENABLE ROW LEVEL SECURITY')
    op.execute(f'ALTER TABLE "{table}" FORCE ROW LEVEL SECURITY')
    op.execute(
        f'CREATE POLICY {POLICY_NAME} ON "{table}" USING ({condition}) WITH CHECK ({condition})'
    )


def disable_rls(op, table: str) -> None:
    """Undo ``enable_tenant_rls`` / ``enable_platform_rls`` (downgrades)."""
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f'DROP POLICY IF EXISTS {POLICY_NAME} ON "{table}"')
    op.execute(f'ALTER TABLE "{table}" NO FORCE ROW LEVEL SECURITY')
    op.execute(f'ALTER TABLE "{table}" DISABLE ROW LEVEL SECURITY')


def grant_app_role(connection, role: str) -> None:
    """Let the application's role read and write every table, and nothing more."""
    quoted = connection.dialect.identifier_preparer.quote(role)
    connection.execute(text(f"GRANT USAGE ON SCHEMA public TO {quoted}"))
    connection.execute(
        text(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {quoted}")
    )
    connection.execute(text(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {quoted}"))
    # The migration history is the owner's to write; the app role may read it, so that a
    # running process can tell its schema is at head (`trellis doctor --runtime`).
    connection.execute(text(f"REVOKE ALL ON alembic_version FROM {quoted}"))
    connection.execute(text(f"GRANT SELECT ON alembic_version TO {quoted}"))


def _values(tenant_id: uuid.UUID | None, platform: bool) -> dict:
    return {"tenant_id": str(tenant_id) if tenant_id else "", "platform": "on" if platform else ""}


@event.listens_for(Session, "after_begin")
def _set_tenant_on_begin(session: Session, transaction, connection) -> None:
    if connection.dialect.name != "postgresql":
        return
    from tenants.scoping import current_tenant_id, in_platform_scope

    connection.execute(_SET, _values(current_tenant_id(), in_platform_scope()))


def sync_open_transaction(tenant_id: uuid.UUID | None, *, platform: bool = False) -> None:
    """Called when the scope changes: update the setting of the request's open transaction."""
    if not has_app_context():
        return
    from saas.db import db

    session = db.session()
    if not session.in_transaction():
        return
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(_SET, _values(tenant_id, platform))
