"""Companies (accounts): the organisations a tenant does business with."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from sqlalchemy import Date, ForeignKeyConstraint, Index, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

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

PARTY_ROLES = ("customer", "supplier", "distributor", "partner", "debtor")
INDUSTRIES = (
    "Agriculture",
    "Construction",
    "Education",
    "Energy",
    "Financial services",
    "Healthcare",
    "Hospitality",
    "Information technology",
    "Manufacturing",
    "Media",
    "Professional services",
    "Public sector",
    "Real estate",
    "Retail",
    "Tourism",
    "Transport and logistics",
    "Wholesale",
    "Other",
)
SIZES = ("1-10", "11-50", "51-200", "201-1000", "1001+")


def picklist(values, *, closed=()) -> dict:
    """The options of a standard picklist: API values in snake case, each with the label
    people read ("service_request": "Service request"); ``closed``: the end states, whose
    board columns are collapsed (a ticket's resolved and closed)."""
    options = {"values": [{"value": v, "label": _label(v)} for v in values]}
    if closed:
        options["closed_values"] = list(closed)
    return options


def _label(value: str) -> str:
    text = value.replace("_", " ")
    return text[:1].upper() + text[1:]


class Company(RecordMixin, db.Model):
    __tablename__ = "companies"
    __table_args__ = record_table_args(
        "companies",
        ForeignKeyConstraint(
            ["tenant_id", "parent_id"],
            ["companies.tenant_id", "companies.id"],
        ),
        Index("ix_companies_name", "tenant_id", "name", "id"),
    )

    name: Mapped[str] = mapped_column(String(255))
    industry: Mapped[str | None] = mapped_column(String(64))
    size: Mapped[str | None] = mapped_column(String(20))
    employees: Mapped[int | None] = mapped_column(Integer)
    founded_on: Mapped[dt.date | None] = mapped_column(Date)
    annual_revenue: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))
    credit_limit: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))
    website: Mapped[str | None] = mapped_column(String(2000))
    phone: Mapped[str | None] = mapped_column(String(64))
    email: Mapped[str | None] = mapped_column(String(254))
    parent_id: Mapped[uuid.UUID | None] = mapped_column()
    address: Mapped[dict | None] = mapped_column(JSONType)
    roles: Mapped[list | None] = mapped_column(JSONType)
    description: Mapped[str | None] = mapped_column(Text)


COMPANY = ObjectSpec(
    api_name="companies",
    order=10,
    party_roles_field="roles",
    label=N_("Company"),
    label_plural=N_("Companies"),
    menu=MENU_BAR,
    list_columns=("industry", "phone", "website", "owner_id"),
    list_sort="name",
    model=Company,
    title=lambda record: record.name,
    search_fields=("name", "email", "website", "phone"),
    fields={
        f.api_name: f
        for f in (
            FieldSpec("name", "Name", "text", required=True, column="name"),
            FieldSpec("industry", "Industry", "picklist", picklist(INDUSTRIES), column="industry"),
            FieldSpec("size", "Size", "picklist", picklist(SIZES), column="size"),
            FieldSpec(
                "employees", "Employees", "number", {"min": 0, "scale": 0}, column="employees"
            ),
            FieldSpec("founded_on", "Founded", "date", column="founded_on"),
            FieldSpec(
                "annual_revenue",
                "Annual revenue",
                "currency",
                column="annual_revenue",
                section=N_("Financials"),
            ),
            FieldSpec(
                "credit_limit",
                "Credit limit",
                "currency",
                {"min": 0},
                column="credit_limit",
                section=N_("Financials"),
            ),
            FieldSpec("website", "Website", "url", column="website"),
            FieldSpec("phone", "Phone", "phone", column="phone"),
            FieldSpec("email", "E-mail", "email", column="email"),
            FieldSpec(
                "parent_id",
                "Parent company",
                "lookup",
                {"target": "companies"},
                column="parent_id",
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
                help_text=N_("What this company is to you; tick as many as apply."),
            ),
            description_field(),
            owner_field(),
        )
    },
)
