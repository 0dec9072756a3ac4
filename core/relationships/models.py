"""Typed relationships between two parties (contacts and companies), and their types.

A relationship type is defined once per workspace (the defaults cover family, employment,
parent/subsidiary and holding) with a label for each direction: a relationship of type
"Parent company" reads "Acme Group parent of Acme GmbH" from one side and "Acme GmbH
subsidiary of Acme Group" from the other. Types are metadata; relationships are records of
the object engine, shown as related lists on both parties' pages and read from either
side through ``core.relationships.services.party_relationships``.
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from core.objects.models import RecordMixin, record_table_args
from core.objects.registry import (
    MENU_NONE,
    FieldSpec,
    ObjectSpec,
    RelatedPanel,
)
from saas.db import db
from saas.i18n import N_
from tenants.scoping import TenantScoped, require_tenant_id

PARTY_OBJECTS = ("companies", "contacts")
# The lookup fields of each end of a relationship, by party object.
ENDS = {
    "from": {"companies": "from_company_id", "contacts": "from_contact_id"},
    "to": {"companies": "to_company_id", "contacts": "to_contact_id"},
}


class RelationshipType(TenantScoped, db.Model):
    __tablename__ = "relationship_types"
    __table_args__ = (
        UniqueConstraint("tenant_id", "name"),
        CheckConstraint(
            "from_object IS NULL OR from_object IN ('companies', 'contacts')", name="from_object"
        ),
        CheckConstraint(
            "to_object IS NULL OR to_object IN ('companies', 'contacts')", name="to_object"
        ),
    )

    name: Mapped[str] = mapped_column(String(100))
    category: Mapped[str] = mapped_column(String(20), default="other")
    forward_label: Mapped[str] = mapped_column(String(100))
    reverse_label: Mapped[str] = mapped_column(String(100))
    # Which party object each end must be (None: a contact or a company).
    from_object: Mapped[str | None] = mapped_column(String(20))
    to_object: Mapped[str | None] = mapped_column(String(20))
    position: Mapped[int] = mapped_column(Integer, default=0)


class Relationship(RecordMixin, db.Model):
    __tablename__ = "relationships"
    __table_args__ = record_table_args(
        "relationships",
        ForeignKeyConstraint(
            ["tenant_id", "type_id"], ["relationship_types.tenant_id", "relationship_types.id"]
        ),
        ForeignKeyConstraint(
            ["tenant_id", "from_company_id"], ["companies.tenant_id", "companies.id"]
        ),
        ForeignKeyConstraint(
            ["tenant_id", "from_contact_id"], ["contacts.tenant_id", "contacts.id"]
        ),
        ForeignKeyConstraint(
            ["tenant_id", "to_company_id"], ["companies.tenant_id", "companies.id"]
        ),
        ForeignKeyConstraint(["tenant_id", "to_contact_id"], ["contacts.tenant_id", "contacts.id"]),
        Index("ix_relationships_from_company", "tenant_id", "from_company_id"),
        Index("ix_relationships_from_contact", "tenant_id", "from_contact_id"),
        Index("ix_relationships_to_company", "tenant_id", "to_company_id"),
        Index("ix_relationships_to_contact", "tenant_id", "to_contact_id"),
        Index("ix_relationships_type", "tenant_id", "type_id"),
    )

    type_id: Mapped[uuid.UUID] = mapped_column()
    from_company_id: Mapped[uuid.UUID | None] = mapped_column()
    from_contact_id: Mapped[uuid.UUID | None] = mapped_column()
    to_company_id: Mapped[uuid.UUID | None] = mapped_column()
    to_contact_id: Mapped[uuid.UUID | None] = mapped_column()
    start_date: Mapped[dt.date | None] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)


def relationship_type_exists(key: uuid.UUID) -> bool:
    return db.session.get(RelationshipType, (require_tenant_id(), key)) is not None


def _relationship_rules(record, cleaned: dict, actor) -> None:
    from core.relationships.services import apply_relationship_rules

    apply_relationship_rules(record, cleaned, actor)


def _relationship_title(record: Relationship) -> str:
    from core.relationships.services import relationship_sentence

    return relationship_sentence(record)


def _party_panel(object_name: str, record_id, actor) -> list:
    from core.relationships.services import party_relationships

    return party_relationships(object_name, record_id, actor=actor)


def _party(end: str, object_name: str, label: str) -> FieldSpec:
    name = ENDS[end][object_name]
    return FieldSpec(
        name,
        label,
        "lookup",
        {"target": object_name},
        column=name,
        help_text=N_("A company or a contact, not both."),
    )


RELATIONSHIP = ObjectSpec(
    api_name="relationships",
    order=140,
    label=N_("Relationship"),
    label_plural=N_("Relationships"),
    menu=MENU_NONE,
    model=Relationship,
    title=_relationship_title,
    before_write=_relationship_rules,
    related_panel=RelatedPanel("relationships/panel.html", _party_panel),
    fields={
        f.api_name: f
        for f in (
            FieldSpec(
                "type_id",
                "Type",
                "lookup",
                {"target": "relationship_types"},
                required=True,
                column="type_id",
            ),
            _party("from", "companies", N_("From company")),
            _party("from", "contacts", N_("From contact")),
            _party("to", "companies", N_("To company")),
            _party("to", "contacts", N_("To contact")),
            FieldSpec("start_date", "Since", "date", column="start_date"),
            FieldSpec("end_date", "Until", "date", column="end_date"),
            FieldSpec("notes", "Notes", "long_text", column="notes", filterable=False),
        )
    },
)
