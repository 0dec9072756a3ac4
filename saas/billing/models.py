"""Billing state: one account per tenant, the webhook events seen, and the invoices.

``billing_accounts`` and ``billing_events`` are platform tables: they hold the platform's
relationship with each tenant (plan, seat count, provider ids), no CRM data, keyed by
``for_tenant`` rather than the ORM wall's ``tenant_id``. On PostgreSQL they are under forced
row-level security: a transaction sees its own tenant's rows, and every tenant's only in
``platform_scope()`` (Stripe's webhooks arrive on the base domain before any tenant is
known; the operator console lists every tenant's plan and seats). Invoices are the
tenant's own documents, so ``billing_invoices`` is a tenant table under both walls.
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from saas.db import UTCDateTime, db, utcnow
from saas.ids import new_id
from tenants.scoping import TenantScoped

# What the API and the pages show (see services.describe_account).
TRIALING = "trialing"
ACTIVE = "active"
PAST_DUE = "past_due"
READ_ONLY = "read_only"
CANCELED = "canceled"
STATUSES = (TRIALING, ACTIVE, PAST_DUE, READ_ONLY, CANCELED)


class BillingAccount(db.Model):
    """A tenant's plan, seats and subscription, mirrored from the billing backend."""

    __tablename__ = "billing_accounts"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    for_tenant: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("tenants.id", ondelete="CASCADE"), unique=True
    )
    plan: Mapped[str] = mapped_column(String(40))
    interval: Mapped[str] = mapped_column(String(10), default="month")
    # Derived from the fields below and the clock; stored for the operator console.
    status: Mapped[str] = mapped_column(String(20))
    read_only_reason: Mapped[str | None] = mapped_column(String(40))
    trial_ends_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    # The backend that holds the subscription ("offline" or "stripe") and its ids.
    provider: Mapped[str | None] = mapped_column(String(20))
    customer_ref: Mapped[str | None] = mapped_column(String(255), unique=True)
    subscription_ref: Mapped[str | None] = mapped_column(String(255), unique=True)
    subscription_item_ref: Mapped[str | None] = mapped_column(String(255))
    # The subscription as the provider last reported it.
    provider_status: Mapped[str | None] = mapped_column(String(30))
    seats_paid: Mapped[int] = mapped_column(Integer, default=0)
    unit_amount: Mapped[int | None] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3), default="usd")
    current_period_end: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    cancel_at_period_end: Mapped[bool] = mapped_column(Boolean, default=False)
    past_due_since: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    payment_method: Mapped[str | None] = mapped_column(String(100))
    # Billable seats when last counted (the operator console reads it without a scope).
    seats_used: Mapped[int] = mapped_column(Integer, default=0)
    # When the quantity was last sent to the provider, and how many times (idempotency).
    quantity_synced_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    sync_generation: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class BillingEvent(db.Model):
    """A provider webhook event already handled: a redelivery is recognised and ignored."""

    __tablename__ = "billing_events"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    event_ref: Mapped[str] = mapped_column(String(255), unique=True)
    event_type: Mapped[str] = mapped_column(String(100))
    for_tenant: Mapped[uuid.UUID | None] = mapped_column()
    outcome: Mapped[str] = mapped_column(String(20), default="handled")
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class BillingInvoice(TenantScoped, db.Model):
    """An invoice of the tenant's subscription, as the provider last reported it."""

    __tablename__ = "billing_invoices"
    __table_args__ = (
        UniqueConstraint("tenant_id", "invoice_ref"),
        Index("ix_billing_invoices_issued", "tenant_id", "issued_at"),
    )

    invoice_ref: Mapped[str] = mapped_column(String(255))
    number: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(20))  # draft, open, paid, void, uncollectible
    amount_due: Mapped[int] = mapped_column(Integer, default=0)
    amount_paid: Mapped[int] = mapped_column(Integer, default=0)
    currency: Mapped[str] = mapped_column(String(3), default="usd")
    issued_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    period_end: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    hosted_url: Mapped[str | None] = mapped_column(String(1000))
    pdf_url: Mapped[str | None] = mapped_column(String(1000))


class OperatorAuditEntry(db.Model):
    """What a platform operator did in the operator console (a platform table)."""

    __tablename__ = "operator_audit_entries"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    action: Mapped[str] = mapped_column(String(50))
    detail: Mapped[str] = mapped_column(String(500), default="")
    ip: Mapped[str] = mapped_column(String(45), default="")
