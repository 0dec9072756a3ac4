"""The Tenant: one customer company and its isolated CRM."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from saas.db import JSONType, UTCDateTime, db, utcnow
from saas.ids import new_id

TENANT_STATUSES = ("active", "suspended", "deleted")


class Tenant(db.Model):
    """A platform table (not tenant-scoped): resolution by slug happens before any scope."""

    __tablename__ = "tenants"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), default="active")
    plan: Mapped[str] = mapped_column(String(40), default="free")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    settings: Mapped[dict] = mapped_column(JSONType, default=dict)
    # The language of the workspace's pages for people who chose none (None: each browser's).
    default_locale: Mapped[str | None] = mapped_column(String(20))
    # Bumped in the transaction of every change to the tenant's schema (fields, objects,
    # field access, rights, pipelines, enabled plugins): the key of the metadata caches
    # (``tenants.schema_version``), read with the tenant on every request.
    schema_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    @property
    def is_active(self) -> bool:
        return self.status == "active"

    def __repr__(self) -> str:
        return f"<Tenant {self.slug}>"
