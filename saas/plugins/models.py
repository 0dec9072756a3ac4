"""Which plugins a tenant enabled: one row per plugin the workspace ever enabled.

A tenant table under forced row-level security like the core's (tenant id leading the
key). Disabling keeps the row (``enabled`` false) and everything the plugin made, so that
enabling again brings it all back; the row also remembers whether the sample data was
already loaded, so enabling again never loads it twice.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from saas.db import UTCDateTime, db, utcnow
from tenants.scoping import TenantScoped


class TenantPlugin(TenantScoped, db.Model):
    # Part of the tenant's schema: enabling or disabling a plugin bumps
    # tenants.schema_version in the same transaction, so every worker's caches follow.
    __trellis_schema__ = True
    __tablename__ = "tenant_plugins"
    __table_args__ = (UniqueConstraint("tenant_id", "name"),)

    # The plugin's META name (its entry point's name).
    name: Mapped[str] = mapped_column(String(64))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    sample_data: Mapped[bool] = mapped_column(Boolean, default=False)
    enabled_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    disabled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
