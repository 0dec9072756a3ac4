"""Tickets (service requests, complaints, suggestions) and the tenant's SLA targets.

A ticket is a record of the object engine. Its service-level due times are derived, not
typed: on create and whenever its priority changes they are computed from the tenant's
SLA targets for that priority (``sla_targets``, one row per priority, editable by admins),
around the clock or in the workspace's business hours.
The rules are in ``core.tickets.services``.
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import (
    CheckConstraint,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from core.companies.models import picklist
from core.objects.models import RecordMixin, record_table_args
from core.objects.registry import (
    MENU_BAR,
    FieldSpec,
    ObjectSpec,
    description_field,
)
from saas.db import UTCDateTime, db
from saas.i18n import N_
from tenants.scoping import TenantScoped

TICKET_TYPES = ("service_request", "complaint", "suggestion")
TICKET_STATUSES = ("new", "open", "pending", "resolved", "closed")
FINISHED_STATUSES = ("resolved", "closed")
PRIORITIES = ("low", "normal", "high", "urgent")
CHANNELS = ("phone", "email", "web", "portal", "in_person")
# running: a due time is still ahead or overdue; met: every target was met in time;
# missed: the first response or the resolution came after its due time.
SLA_STATUSES = ("running", "met", "missed")


class SlaTarget(TenantScoped, db.Model):
    """How fast a ticket of one priority must get its first response and its resolution,
    in minutes: calendar minutes, or business minutes when the workspace's settings say so
    for the priority (``core.tickets.hours``)."""

    __tablename__ = "sla_targets"
    __table_args__ = (
        UniqueConstraint("tenant_id", "priority"),
        CheckConstraint("first_response_minutes > 0", name="first_response_positive"),
        CheckConstraint("resolution_minutes > 0", name="resolution_positive"),
    )

    priority: Mapped[str] = mapped_column(String(20))
    first_response_minutes: Mapped[int] = mapped_column(Integer)
    resolution_minutes: Mapped[int] = mapped_column(Integer)


class Ticket(RecordMixin, db.Model):
    __tablename__ = "tickets"
    __table_args__ = record_table_args(
        "tickets",
        ForeignKeyConstraint(["tenant_id", "company_id"], ["companies.tenant_id", "companies.id"]),
        ForeignKeyConstraint(["tenant_id", "contact_id"], ["contacts.tenant_id", "contacts.id"]),
        Index("ix_tickets_status", "tenant_id", "status"),
        Index("ix_tickets_sla_due_at", "tenant_id", "sla_due_at", "id"),
        Index("ix_tickets_company", "tenant_id", "company_id"),
        Index("ix_tickets_contact", "tenant_id", "contact_id"),
    )

    subject: Mapped[str] = mapped_column(String(255))
    type: Mapped[str] = mapped_column(String(20), default="service_request")
    status: Mapped[str] = mapped_column(String(20), default="new")
    priority: Mapped[str] = mapped_column(String(20), default="normal")
    channel: Mapped[str | None] = mapped_column(String(20))
    company_id: Mapped[uuid.UUID | None] = mapped_column()
    contact_id: Mapped[uuid.UUID | None] = mapped_column()
    description: Mapped[str | None] = mapped_column(Text)
    resolution: Mapped[str | None] = mapped_column(Text)
    satisfaction: Mapped[int | None] = mapped_column(Integer)
    first_response_due_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    resolution_due_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    first_responded_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    resolved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    sla_due_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    sla_status: Mapped[str] = mapped_column(String(10), default="running")


def _ticket_rules(record, cleaned: dict, actor) -> None:
    from core.tickets.services import apply_ticket_rules

    apply_ticket_rules(record, cleaned, actor)


def _system_time(name: str, label: str, help_text: str) -> FieldSpec:
    return FieldSpec(name, label, "datetime", column=name, system=True, help_text=help_text)


TICKET = ObjectSpec(
    api_name="tickets",
    order=110,
    label=N_("Ticket"),
    label_plural=N_("Tickets"),
    menu=MENU_BAR,
    list_columns=("status", "priority", "company_id", "owner_id", "updated_at"),
    list_sort="-updated_at",
    board_field="status",
    model=Ticket,
    title=lambda record: record.subject,
    search_fields=("subject",),
    before_write=_ticket_rules,
    fields={
        f.api_name: f
        for f in (
            FieldSpec("subject", "Subject", "text", required=True, column="subject"),
            FieldSpec(
                "type",
                "Type",
                "picklist",
                picklist(TICKET_TYPES),
                required=True,
                default="service_request",
                column="type",
            ),
            FieldSpec(
                "status",
                "Status",
                "picklist",
                picklist(TICKET_STATUSES, closed=FINISHED_STATUSES),
                required=True,
                default="new",
                column="status",
                help_text=N_(
                    "Leaving 'new' records the first response; resolved and closed "
                    "need a resolution."
                ),
            ),
            FieldSpec(
                "priority",
                "Priority",
                "picklist",
                picklist(PRIORITIES),
                required=True,
                default="normal",
                column="priority",
                help_text=N_("Sets the SLA due times."),
            ),
            FieldSpec("channel", "Channel", "picklist", picklist(CHANNELS), column="channel"),
            FieldSpec("owner_id", "Assignee", "user", column="owner_id"),
            FieldSpec(
                "company_id", "Company", "lookup", {"target": "companies"}, column="company_id"
            ),
            FieldSpec(
                "contact_id", "Contact", "lookup", {"target": "contacts"}, column="contact_id"
            ),
            description_field(),
            FieldSpec(
                "resolution",
                "Resolution",
                "long_text",
                column="resolution",
                filterable=False,
                help_text=N_("What was done; required to resolve or close the ticket."),
            ),
            FieldSpec(
                "satisfaction",
                "Satisfaction (1-5)",
                "number",
                {"min": 1, "max": 5, "scale": 0},
                column="satisfaction",
                help_text=N_("The customer's rating, once the ticket is resolved."),
            ),
            _system_time(
                "first_response_due_at",
                N_("First response due"),
                N_("From the SLA target of the ticket's priority."),
            ),
            _system_time(
                "resolution_due_at",
                N_("Resolution due"),
                N_("From the SLA target of the ticket's priority."),
            ),
            _system_time(
                "first_responded_at",
                N_("First response at"),
                N_("When the ticket first left the status 'new'."),
            ),
            _system_time("resolved_at", N_("Resolved at"), N_("When it was resolved or closed.")),
            _system_time(
                "sla_due_at",
                N_("SLA due"),
                N_(
                    "The next due time still to meet; empty once met. Filter it 'before now' "
                    "for breached tickets."
                ),
            ),
            FieldSpec(
                "sla_status",
                "SLA",
                "picklist",
                picklist(SLA_STATUSES),
                column="sla_status",
                system=True,
                help_text=N_("met or missed once the ticket is resolved or a target is missed."),
            ),
        )
    },
)
