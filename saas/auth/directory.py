"""The account directory: which workspaces have a user with a given e-mail address.

Users live in their workspace (``users`` is a tenant table under both walls), so nothing
that runs outside a workspace can ask "where does ann@example.com work?" — yet the base
host's "Find my workspace" must. The directory answers that one question and nothing else:
a platform table with one row per user, holding the workspace and a SHA-256 digest of the
normalised address (no name, no role, no address in clear). A row is added when the user
is created (``create_user``, the one place users are made; addresses never change) and goes
with its workspace. It is read only in ``platform_scope()``; what is then said about a
workspace is decided inside that workspace's own scope.
"""

from __future__ import annotations

import hashlib
import uuid

from sqlalchemy import ForeignKey, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column

from saas.db import db
from saas.ids import new_id
from tenants.scoping import platform_scope, require_tenant_id


class DirectoryEntry(db.Model):
    """One user's address (as a digest) in one workspace."""

    __tablename__ = "account_directory"
    __table_args__ = (UniqueConstraint("email_digest", "for_tenant"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    email_digest: Mapped[str] = mapped_column(String(64), index=True)
    for_tenant: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("tenants.id", ondelete="CASCADE"), index=True
    )


def email_digest(email: str) -> str:
    """The directory's key of an address: SHA-256 of it trimmed and lower-cased."""
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


def record_address(email: str) -> None:
    """List ``email`` under the current workspace (flushes; idempotent)."""
    tenant_id = require_tenant_id()
    digest = email_digest(email)
    exists = db.session.scalar(
        select(DirectoryEntry.id).where(
            DirectoryEntry.email_digest == digest, DirectoryEntry.for_tenant == tenant_id
        )
    )
    if exists is None:
        db.session.add(DirectoryEntry(email_digest=digest, for_tenant=tenant_id))
        db.session.flush()


def workspaces_with_address(email: str) -> list[uuid.UUID]:
    """The ids of the workspaces that have a user with ``email`` (any state)."""
    with platform_scope("find my workspace: which workspaces have this address"):
        return list(
            db.session.scalars(
                select(DirectoryEntry.for_tenant)
                .where(DirectoryEntry.email_digest == email_digest(email))
                .order_by(DirectoryEntry.for_tenant)
            )
        )
