"""Saved views: a named list (or board) setup of one object — filters, sort, columns and
board grouping — that a user keeps for themselves or shares with the workspace.

The setup is kept as JSON because it names fields of the registry, which change without
DDL; it is validated against the registry when it is saved and re-checked when applied.
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import Boolean, ForeignKeyConstraint, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from saas.db import JSONType, UTCDateTime, db, utcnow
from tenants.scoping import TenantScoped


class SavedView(TenantScoped, db.Model):
    __tablename__ = "saved_views"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "owner_id"], ["users.tenant_id", "users.id"], ondelete="CASCADE"
        ),
        Index("ix_saved_views_object_owner", "tenant_id", "object_name", "owner_id"),
    )

    object_name: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(100))
    owner_id: Mapped[uuid.UUID] = mapped_column()
    # Shared views are seen by everyone in the workspace; private ones by their owner only.
    shared: Mapped[bool] = mapped_column(Boolean, default=False)
    # A private default is its owner's; a shared default is the workspace's.
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    # {"filters": [{"field", "op", "value"}], "sort", "columns": [...], "board_field"}
    setup: Mapped[dict] = mapped_column(JSONType, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
