"""The security log's table: one row per event, chained to the previous row of its tenant."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import BigInteger, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from saas.db import JSONType, UTCDateTime, db
from tenants.scoping import TenantScoped


class SecurityLogEntry(TenantScoped, db.Model):
    """An append-only record of a security or configuration event of one tenant.

    ``seq`` counts 1, 2, 3... per tenant with no gap; ``hash`` is the SHA-256 of the
    entry's canonical form, which includes ``prev_hash`` (the hash of entry ``seq - 1``).
    Nothing in the application updates or deletes a row (the tenant's deletion cascades).
    """

    __tablename__ = "security_log_entries"
    __table_args__ = (
        UniqueConstraint("tenant_id", "seq"),
        Index("ix_security_log_entries_event", "tenant_id", "event", "seq"),
        Index("ix_security_log_entries_actor", "tenant_id", "actor_id", "seq"),
        Index("ix_security_log_entries_at", "tenant_id", "at"),
    )

    seq: Mapped[int] = mapped_column(BigInteger)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    event: Mapped[str] = mapped_column(String(64))
    # The user who acted (None: the system, the platform operator, the payment provider or
    # an unknown account), and how the entry names them (kept if the user changes later).
    actor_id: Mapped[uuid.UUID | None] = mapped_column()
    actor: Mapped[str] = mapped_column(String(254))
    target: Mapped[str] = mapped_column(String(300))
    ip: Mapped[str | None] = mapped_column(String(45))
    # The request's User-Agent (None: no request, or entries written before it was kept).
    user_agent: Mapped[str | None] = mapped_column(String(400))
    details: Mapped[dict] = mapped_column(JSONType)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
