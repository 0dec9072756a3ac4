"""Leads: prospects not yet qualified, kept apart from contacts and companies until they are
converted (``core.leads.services.convert_lead``)."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import ForeignKeyConstraint, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.companies.models import picklist
from core.objects.models import RecordMixin, record_table_args
from core.objects.registry import (
    MENU_BAR,
    FieldSpec,
    ObjectSpec,
    description_field,
    owner_field,
)
from saas.db import UTCDateTime, db
from saas.i18n import N_

LEAD_SOURCES = (
    "web",
    "referral",
    "event",
    "phone",
    "email",
    "advertising",
    "partner",
    "social media",
    "other",
)
LEAD_STATUSES = ("new", "working", "qualified", "unqualified", "converted")
CONVERTED = "converted"


class Lead(RecordMixin, db.Model):
    __tablename__ = "leads"
    __table_args__ = record_table_args(
        "leads",
        ForeignKeyConstraint(
            ["tenant_id", "converted_contact_id"], ["contacts.tenant_id", "contacts.id"]
        ),
        ForeignKeyConstraint(
            ["tenant_id", "converted_company_id"], ["companies.tenant_id", "companies.id"]
        ),
        ForeignKeyConstraint(["tenant_id", "converted_deal_id"], ["deals.tenant_id", "deals.id"]),
        Index("ix_leads_last_name", "tenant_id", "last_name", "id"),
        Index("ix_leads_email", "tenant_id", "email", "id"),
        Index("ix_leads_status", "tenant_id", "status"),
    )

    first_name: Mapped[str | None] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    company_name: Mapped[str | None] = mapped_column(String(255))
    title: Mapped[str | None] = mapped_column(String(100))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(64))
    source: Mapped[str | None] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(20), default="new")
    description: Mapped[str | None] = mapped_column(Text)
    converted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    converted_contact_id: Mapped[uuid.UUID | None] = mapped_column()
    converted_company_id: Mapped[uuid.UUID | None] = mapped_column()
    converted_deal_id: Mapped[uuid.UUID | None] = mapped_column()

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.first_name, self.last_name) if part)


def _lead_rules(record, cleaned: dict, actor) -> None:
    from core.leads.services import apply_lead_rules

    apply_lead_rules(record, cleaned, actor)


LEAD = ObjectSpec(
    api_name="leads",
    order=30,
    label=N_("Lead"),
    label_plural=N_("Leads"),
    menu=MENU_BAR,
    list_columns=("company_name", "status", "source", "email", "owner_id", "updated_at"),
    list_sort="-updated_at",
    board_field="status",
    model=Lead,
    title=lambda record: record.full_name,
    search_fields=("first_name", "last_name", "company_name", "email", "phone"),
    before_write=_lead_rules,
    fields={
        f.api_name: f
        for f in (
            FieldSpec("first_name", "First name", "text", {"max_length": 100}, column="first_name"),
            FieldSpec(
                "last_name",
                "Last name",
                "text",
                {"max_length": 100},
                required=True,
                column="last_name",
            ),
            FieldSpec("company_name", "Company", "text", column="company_name"),
            FieldSpec("title", "Job title", "text", {"max_length": 100}, column="title"),
            FieldSpec("email", "E-mail", "email", column="email"),
            FieldSpec("phone", "Phone", "phone", column="phone"),
            FieldSpec("source", "Source", "picklist", picklist(LEAD_SOURCES), column="source"),
            FieldSpec(
                "status",
                "Status",
                "picklist",
                picklist(LEAD_STATUSES, closed=("unqualified", "converted")),
                required=True,
                default="new",
                column="status",
                help_text=N_("A lead becomes converted only by converting it."),
            ),
            description_field(),
            owner_field(),
            FieldSpec(
                "converted_at", "Converted at", "datetime", column="converted_at", system=True
            ),
            FieldSpec(
                "converted_contact_id",
                "Converted to contact",
                "lookup",
                {"target": "contacts"},
                column="converted_contact_id",
                system=True,
            ),
            FieldSpec(
                "converted_company_id",
                "Converted to company",
                "lookup",
                {"target": "companies"},
                column="converted_company_id",
                system=True,
            ),
            FieldSpec(
                "converted_deal_id",
                "Converted to deal",
                "lookup",
                {"target": "deals"},
                column="converted_deal_id",
                system=True,
            ),
        )
    },
)
