"""Contacts: the people a tenant deals with."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import Date, ForeignKeyConstraint, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.companies.models import PARTY_ROLES, picklist
from core.objects.models import RecordMixin, record_table_args
from core.objects.registry import (
    MENU_BAR,
    FieldSpec,
    ObjectSpec,
    description_field,
    owner_field,
)
from saas.db import JSONType, db
from saas.i18n import N_

MARITAL_STATUSES = ("single", "married", "partnership", "divorced", "widowed")


class Contact(RecordMixin, db.Model):
    __tablename__ = "contacts"
    __table_args__ = record_table_args(
        "contacts",
        ForeignKeyConstraint(
            ["tenant_id", "company_id"],
            ["companies.tenant_id", "companies.id"],
        ),
        Index("ix_contacts_last_name", "tenant_id", "last_name", "id"),
        Index("ix_contacts_email", "tenant_id", "email", "id"),
    )

    first_name: Mapped[str | None] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(64))
    mobile: Mapped[str | None] = mapped_column(String(64))
    title: Mapped[str | None] = mapped_column(String(100))
    birth_date: Mapped[dt.date | None] = mapped_column(Date)
    marital_status: Mapped[str | None] = mapped_column(String(20))
    company_id: Mapped[uuid.UUID | None] = mapped_column()
    address: Mapped[dict | None] = mapped_column(JSONType)
    roles: Mapped[list | None] = mapped_column(JSONType)
    description: Mapped[str | None] = mapped_column(Text)

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.first_name, self.last_name) if part)


CONTACT = ObjectSpec(
    api_name="contacts",
    order=20,
    party_roles_field="roles",
    label=N_("Contact"),
    label_plural=N_("Contacts"),
    menu=MENU_BAR,
    list_columns=("company_id", "email", "phone", "owner_id"),
    list_sort="last_name",
    model=Contact,
    title=lambda record: record.full_name,
    search_fields=("first_name", "last_name", "email", "phone", "mobile"),
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
            FieldSpec("email", "E-mail", "email", column="email"),
            FieldSpec("phone", "Phone", "phone", column="phone"),
            FieldSpec("mobile", "Mobile", "phone", column="mobile"),
            FieldSpec("title", "Job title", "text", {"max_length": 100}, column="title"),
            FieldSpec(
                "birth_date", "Birth date", "date", column="birth_date", section=N_("Personal")
            ),
            FieldSpec(
                "marital_status",
                "Marital status",
                "picklist",
                picklist(MARITAL_STATUSES),
                column="marital_status",
                section=N_("Personal"),
            ),
            FieldSpec(
                "company_id", "Company", "lookup", {"target": "companies"}, column="company_id"
            ),
            FieldSpec(
                "address",
                "Address",
                "address",
                column="address",
                filterable=False,
                section=N_("Address"),
            ),
            FieldSpec(
                "roles",
                "Roles",
                "multi_picklist",
                picklist(PARTY_ROLES),
                column="roles",
                help_text=N_("What this person is to you; tick as many as apply."),
            ),
            description_field(),
            owner_field(),
        )
    },
)
