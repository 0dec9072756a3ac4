"""Metadata of a tenant's objects (custom fields, custom objects) and the record columns
shared by every object table.

Every record table carries, besides its own columns:
- ``custom``: the tenant's custom field values (JSON, validated before every write);
- typed *slot* columns (``s_text_1`` ... ``s_date_4``), each indexed with ``tenant_id``: a
  custom field marked filterable is given a free slot of its kind, and its value is mirrored
  there, so it filters and sorts as fast as a native indexed column (Salesforce's flex
  columns / custom indexes). No DDL is ever run for a tenant.

Number slots are double precision, not numeric: PostgreSQL's numeric comparisons are not
LEAKPROOF, so under row-level security it may not use them in an index condition and reads
the tenant's whole index instead; float8's comparisons are. The exact value stays in
``custom``; the slot only filters and sorts (numbers are below 1e15, so integers and
amounts with cents up to about 1e13 keep their order and equality there).
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import (
    Boolean,
    Date,
    Double,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from saas.db import JSONType, UTCDateTime, db, utcnow
from tenants.scoping import TenantScoped

SLOT_COUNTS = {"text": 8, "number": 6, "date": 4}
SLOT_COLUMNS = [f"s_{kind}_{n}" for kind, count in SLOT_COUNTS.items() for n in range(1, count + 1)]


class RecordMixin(TenantScoped):
    """Columns every record of every object has (standard, plugin and custom objects)."""

    custom: Mapped[dict] = mapped_column(JSONType, default=dict)
    owner_id: Mapped[uuid.UUID | None] = mapped_column()
    created_by_id: Mapped[uuid.UUID | None] = mapped_column()
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    deleted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    # Optimistic concurrency: SQLAlchemy adds "AND version = <read>" to every UPDATE.
    version: Mapped[int] = mapped_column(Integer, default=1)

    # Typed slots for filterable custom fields (see the module docstring).
    s_text_1: Mapped[str | None] = mapped_column(String(255))
    s_text_2: Mapped[str | None] = mapped_column(String(255))
    s_text_3: Mapped[str | None] = mapped_column(String(255))
    s_text_4: Mapped[str | None] = mapped_column(String(255))
    s_text_5: Mapped[str | None] = mapped_column(String(255))
    s_text_6: Mapped[str | None] = mapped_column(String(255))
    s_text_7: Mapped[str | None] = mapped_column(String(255))
    s_text_8: Mapped[str | None] = mapped_column(String(255))
    s_number_1: Mapped[float | None] = mapped_column(Double)
    s_number_2: Mapped[float | None] = mapped_column(Double)
    s_number_3: Mapped[float | None] = mapped_column(Double)
    s_number_4: Mapped[float | None] = mapped_column(Double)
    s_number_5: Mapped[float | None] = mapped_column(Double)
    s_number_6: Mapped[float | None] = mapped_column(Double)
    s_date_1: Mapped[dt.date | None] = mapped_column(Date())
    s_date_2: Mapped[dt.date | None] = mapped_column(Date())
    s_date_3: Mapped[dt.date | None] = mapped_column(Date())
    s_date_4: Mapped[dt.date | None] = mapped_column(Date())

    @declared_attr.directive
    def __mapper_args__(cls) -> dict:
        return {"version_id_col": cls.__table__.c.version}


def record_table_args(table: str, *extra, scope: tuple[str, ...] = ("tenant_id",)) -> tuple:
    """Indexes every record table needs: owner, recency, and one per slot column.

    ``scope`` leads every index: the tenant, and for custom records also the object. An index
    a list may be sorted on ends with ``id``, the tie-breaker of keyset pages, so that a page
    deep in a sorted list is read from the index in order instead of sorting every tie.
    """
    indexes = [
        Index(f"ix_{table}_owner", *scope, "owner_id"),
        Index(f"ix_{table}_updated", *scope, "updated_at", "id"),
    ]
    indexes += [Index(f"ix_{table}_{column}", *scope, column, "id") for column in SLOT_COLUMNS]
    return (*extra, *indexes)


class FieldDefinition(TenantScoped, db.Model):
    """A custom field a tenant's admin added to an object."""

    # Part of the tenant's schema: a write bumps tenants.schema_version (caches).
    __trellis_schema__ = True

    __tablename__ = "field_definitions"
    __table_args__ = (UniqueConstraint("tenant_id", "object_name", "api_name"),)

    object_name: Mapped[str] = mapped_column(String(64))
    api_name: Mapped[str] = mapped_column(String(64))
    label: Mapped[str] = mapped_column(String(100))
    type: Mapped[str] = mapped_column(String(20))
    help_text: Mapped[str | None] = mapped_column(String(500))
    required: Mapped[bool] = mapped_column(Boolean, default=False)
    unique: Mapped[bool] = mapped_column(Boolean, default=False)
    default: Mapped[object | None] = mapped_column(JSONType)
    options: Mapped[dict] = mapped_column(JSONType, default=dict)
    filterable: Mapped[bool] = mapped_column(Boolean, default=False)
    slot: Mapped[str | None] = mapped_column(String(16))
    position: Mapped[int] = mapped_column(Integer, default=0)
    # The record page's section it shows in; None: "Custom fields".
    section: Mapped[str | None] = mapped_column(String(60))
    # Per role: {"member": "hidden" | "read_only"}; absent means visible and editable.
    access: Mapped[dict] = mapped_column(JSONType, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    retired_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class CustomObjectDefinition(TenantScoped, db.Model):
    """An object type a tenant's admin created; its records live in ``custom_records``."""

    # Part of the tenant's schema: a write bumps tenants.schema_version (caches).
    __trellis_schema__ = True

    __tablename__ = "custom_object_definitions"
    __table_args__ = (UniqueConstraint("tenant_id", "api_name"),)

    api_name: Mapped[str] = mapped_column(String(64))
    label: Mapped[str] = mapped_column(String(100))
    label_plural: Mapped[str] = mapped_column(String(100))
    description: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    retired_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class CustomRecord(RecordMixin, db.Model):
    """A record of a tenant's custom object."""

    __tablename__ = "custom_records"
    __table_args__ = record_table_args(
        "custom_records",
        ForeignKeyConstraint(
            ["tenant_id", "object_id"],
            ["custom_object_definitions.tenant_id", "custom_object_definitions.id"],
            ondelete="CASCADE",
        ),
        Index("ix_custom_records_object_name", "tenant_id", "object_id", "name"),
        scope=("tenant_id", "object_id"),
    )

    object_id: Mapped[uuid.UUID] = mapped_column()
    name: Mapped[str] = mapped_column(String(255))
