"""The job outbox and the record of job effects."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from saas.db import JSONType, UTCDateTime, db, utcnow
from saas.ids import new_id
from tenants.scoping import TenantScoped


class OutboxJob(db.Model):
    """A job to run, written in the same transaction as the change that needs it.

    A platform table, like the queue in Redis it feeds: it names a job and the tenant and
    object ids it concerns, and holds no CRM data. On PostgreSQL it is under forced
    row-level security: a tenant's transaction sees its own jobs; the dispatcher sees every
    row in ``platform_scope()``.
    """

    __tablename__ = "job_outbox"
    __table_args__ = (
        Index("ix_job_outbox_due", "dispatched_at", "run_after"),
        UniqueConstraint("dedup_key"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    job_name: Mapped[str] = mapped_column(String(200))
    for_tenant: Mapped[uuid.UUID] = mapped_column()
    args: Mapped[list] = mapped_column(JSONType, default=list)
    # At most one pending job per key (e.g. "seats:<tenant>"): later enqueues coalesce.
    dedup_key: Mapped[str | None] = mapped_column(String(200))
    run_after: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    dispatched_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)


class JobEffect(TenantScoped, db.Model):
    """The proof that an effect happened: recorded in the job's own transaction."""

    __tablename__ = "job_effects"
    __table_args__ = (UniqueConstraint("tenant_id", "effect_key"),)

    effect_key: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
