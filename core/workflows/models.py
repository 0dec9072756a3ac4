"""Workflows, their versions, their runs and the webhook deliveries of their runs.

A workflow is a trigger (what starts it: a record event, a field change, a deal entering
a stage, a date reached, a schedule, or a plugin's trigger), conditions on the record's
fields (the API's filter language in AND/OR groups) and ordered actions. Every save that
changes the definition makes a new version; a run keeps the version it started with, so
the run log always says what ran. The definitions are JSON because they name fields of the
registry, which change without DDL; they are checked against the registry when saved.
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import Boolean, ForeignKeyConstraint, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from saas.db import JSONType, UTCDateTime, db, utcnow
from tenants.scoping import TenantScoped

# A run's status: waiting for its job, then one of the ends.
QUEUED, SUCCEEDED, FAILED, SKIPPED, STOPPED = "queued", "succeeded", "failed", "skipped", "stopped"
RUN_STATUSES = (QUEUED, SUCCEEDED, FAILED, SKIPPED, STOPPED)


class Workflow(TenantScoped, db.Model):
    __tablename__ = "workflows"
    __table_args__ = (
        UniqueConstraint("tenant_id", "name"),
        Index("ix_workflows_trigger", "tenant_id", "active", "trigger_type", "object_name"),
        Index("ix_workflows_next_run", "tenant_id", "active", "next_run_at"),
    )

    name: Mapped[str] = mapped_column(String(100))
    description: Mapped[str | None] = mapped_column(Text)
    object_name: Mapped[str] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, default=1)
    trigger_type: Mapped[str] = mapped_column(String(64))
    # The trigger's settings ({"field": "status", "to": "closed"}), the conditions
    # ({"match": "all", "rules": [{"field", "op", "value"} | group]}) and the actions
    # ([{"type": "create_task", ...}]).
    trigger: Mapped[dict] = mapped_column(JSONType, default=dict)
    conditions: Mapped[dict] = mapped_column(JSONType, default=dict)
    actions: Mapped[list] = mapped_column(JSONType, default=list)
    # What the engine keeps between runs (who a round-robin assigned last), not versioned.
    state: Mapped[dict] = mapped_column(JSONType, default=dict)
    # The next time a schedule trigger fires (UTC); None for other triggers.
    next_run_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    # Signs the outbound webhooks of this workflow (HMAC-SHA256); rotatable.
    signing_secret: Mapped[str] = mapped_column(String(64))
    created_by_id: Mapped[uuid.UUID | None] = mapped_column()
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class WorkflowVersion(TenantScoped, db.Model):
    """The definition of a workflow as it was at one version (what its runs ran)."""

    __tablename__ = "workflow_versions"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "workflow_id"],
            ["workflows.tenant_id", "workflows.id"],
            ondelete="CASCADE",
        ),
        UniqueConstraint("tenant_id", "workflow_id", "version"),
    )

    workflow_id: Mapped[uuid.UUID] = mapped_column()
    version: Mapped[int] = mapped_column(Integer)
    # {"object_name", "trigger_type", "trigger", "conditions", "actions"}
    definition: Mapped[dict] = mapped_column(JSONType, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class WorkflowRun(TenantScoped, db.Model):
    """One execution of a workflow on one record (or none, for a run without a record),
    step by step; written when the trigger fires and finished by the run's job."""

    __tablename__ = "workflow_runs"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "workflow_id"],
            ["workflows.tenant_id", "workflows.id"],
            ondelete="CASCADE",
        ),
        ForeignKeyConstraint(
            ["tenant_id", "version_id"],
            ["workflow_versions.tenant_id", "workflow_versions.id"],
            ondelete="CASCADE",
        ),
        Index("ix_workflow_runs_workflow", "tenant_id", "workflow_id", "created_at"),
        # A date or schedule trigger fires once per record and moment, however often the
        # scan runs.
        UniqueConstraint("tenant_id", "dedup_key"),
    )

    workflow_id: Mapped[uuid.UUID] = mapped_column()
    version_id: Mapped[uuid.UUID] = mapped_column()
    version: Mapped[int] = mapped_column(Integer)
    object_name: Mapped[str | None] = mapped_column(String(64))
    record_id: Mapped[str | None] = mapped_column(String(36))
    # What started it: the event's name (or "date", "schedule", "manual") and its details
    # (a record update's changes as field → [old, new]).
    trigger_event: Mapped[str] = mapped_column(String(64))
    trigger_data: Mapped[dict] = mapped_column(JSONType, default=dict)
    # How many workflow runs led to this one (0: a person's or a plugin's change).
    depth: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(20), default=QUEUED)
    # [{"step", "type", "status", "result", "error", "started_at", "finished_at"}]
    steps: Mapped[list] = mapped_column(JSONType, default=list)
    error: Mapped[str | None] = mapped_column(Text)
    dedup_key: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    started_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class WebhookDelivery(TenantScoped, db.Model):
    """One outbound webhook of a run's step: its payload, each attempt's outcome and the
    response, retried with back-off through the job outbox."""

    __tablename__ = "workflow_webhook_deliveries"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "run_id"],
            ["workflow_runs.tenant_id", "workflow_runs.id"],
            ondelete="CASCADE",
        ),
        Index("ix_workflow_webhook_deliveries_run", "tenant_id", "run_id"),
    )

    run_id: Mapped[uuid.UUID] = mapped_column()
    step: Mapped[int] = mapped_column(Integer)
    url: Mapped[str] = mapped_column(String(2000))
    payload: Mapped[dict] = mapped_column(JSONType, default=dict)
    # pending (an attempt is due), delivered (a 2xx answer), failed (gave up)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    response_status: Mapped[int | None] = mapped_column(Integer)
    response_body: Mapped[str | None] = mapped_column(Text)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    delivered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
