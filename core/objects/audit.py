"""The audit trail of record changes: who, when, and old -> new per field.

Part of the object engine: every record write (core/objects/records.py) writes its entry
in the same transaction, whichever area or plugin owns the object."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from saas.db import JSONType, UTCDateTime, db, utcnow
from tenants.scoping import TenantScoped


class AuditEntry(TenantScoped, db.Model):
    __tablename__ = "audit_entries"
    __table_args__ = (
        Index("ix_audit_entries_record", "tenant_id", "object_name", "record_id", "at"),
    )

    object_name: Mapped[str] = mapped_column(String(64))
    record_id: Mapped[uuid.UUID] = mapped_column()
    action: Mapped[str] = mapped_column(String(16))  # create, update, delete, restore
    actor_id: Mapped[uuid.UUID | None] = mapped_column()
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # {field: [old, new]} in the API's JSON representation.
    changes: Mapped[dict] = mapped_column(JSONType, default=dict)
