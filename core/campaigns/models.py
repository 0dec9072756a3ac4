"""Campaigns and their members (contacts or leads, each with a status).

Both are records of the object engine, so a campaign's members are managed through the
generic API (``/api/v1/objects/campaign_members``) and appear as a related list on the
campaign, the contact and the lead. A campaign's revenue is what its won deals bring
(deals carry a ``campaign_id``) plus revenue entered by hand; see
``core.campaigns.services.campaign_performance``.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from sqlalchemy import Date, ForeignKeyConstraint, Index, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.companies.models import picklist
from core.objects.models import RecordMixin, record_table_args
from core.objects.registry import (
    MENU_NONE,
    FieldSpec,
    ObjectSpec,
    description_field,
    owner_field,
)
from saas.db import UTCDateTime, db
from saas.i18n import N_

CAMPAIGN_TYPES = (
    "email",
    "event",
    "webinar",
    "advertising",
    "direct_mail",
    "social_media",
    "telemarketing",
    "other",
)
CAMPAIGN_STATUSES = ("planned", "active", "completed", "aborted")
MEMBER_STATUSES = ("planned", "sent", "responded", "converted")
RESPONDED = ("responded", "converted")


class Campaign(RecordMixin, db.Model):
    __tablename__ = "campaigns"
    __table_args__ = record_table_args(
        "campaigns",
        Index("ix_campaigns_name", "tenant_id", "name", "id"),
        Index("ix_campaigns_status", "tenant_id", "status"),
    )

    name: Mapped[str] = mapped_column(String(255))
    type: Mapped[str | None] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default="planned")
    start_date: Mapped[dt.date | None] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    budget: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))
    cost: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))
    other_revenue: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))
    description: Mapped[str | None] = mapped_column(Text)


class CampaignMember(RecordMixin, db.Model):
    __tablename__ = "campaign_members"
    __table_args__ = record_table_args(
        "campaign_members",
        ForeignKeyConstraint(["tenant_id", "campaign_id"], ["campaigns.tenant_id", "campaigns.id"]),
        ForeignKeyConstraint(["tenant_id", "contact_id"], ["contacts.tenant_id", "contacts.id"]),
        ForeignKeyConstraint(["tenant_id", "lead_id"], ["leads.tenant_id", "leads.id"]),
        Index("ix_campaign_members_campaign", "tenant_id", "campaign_id", "status"),
        Index("ix_campaign_members_contact", "tenant_id", "contact_id"),
        Index("ix_campaign_members_lead", "tenant_id", "lead_id"),
    )

    campaign_id: Mapped[uuid.UUID] = mapped_column()
    contact_id: Mapped[uuid.UUID | None] = mapped_column()
    lead_id: Mapped[uuid.UUID | None] = mapped_column()
    status: Mapped[str] = mapped_column(String(20), default="planned")
    responded_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    notes: Mapped[str | None] = mapped_column(Text)


def _member_title(member: CampaignMember) -> str:
    """The member as both the campaign's and the person's pages show it ("Ada Berg — Spring
    fair (responded)"), naming only what the reader may see."""
    from core.objects.records import visible_title

    if member.contact_id is not None:
        person = visible_title("contacts", member.contact_id, hidden="A contact you cannot see")
    else:
        person = visible_title("leads", member.lead_id, hidden="A lead you cannot see")
    campaign = visible_title("campaigns", member.campaign_id, hidden="a campaign you cannot see")
    return f"{person} — {campaign} ({member.status})"


def _campaign_rules(record, cleaned: dict, actor) -> None:
    from core.campaigns.services import apply_campaign_rules

    apply_campaign_rules(record, cleaned, actor)


def _member_rules(record, cleaned: dict, actor) -> None:
    from core.campaigns.services import apply_member_rules

    apply_member_rules(record, cleaned, actor)


def _count(where: dict | None = None) -> dict:
    options = {"related_object": "campaign_members", "via": "campaign_id", "function": "count"}
    return options | ({"where": where} if where else {})


CAMPAIGN = ObjectSpec(
    api_name="campaigns",
    order=120,
    label=N_("Campaign"),
    label_plural=N_("Campaigns"),
    list_columns=("type", "status", "start_date", "budget", "owner_id"),
    list_sort="-updated_at",
    board_field="status",
    model=Campaign,
    title=lambda record: record.name,
    search_fields=("name",),
    before_write=_campaign_rules,
    fields={
        f.api_name: f
        for f in (
            FieldSpec("name", "Name", "text", required=True, column="name"),
            FieldSpec("type", "Type", "picklist", picklist(CAMPAIGN_TYPES), column="type"),
            FieldSpec(
                "status",
                "Status",
                "picklist",
                picklist(CAMPAIGN_STATUSES, closed=("completed", "aborted")),
                required=True,
                default="planned",
                column="status",
            ),
            FieldSpec("start_date", "Start date", "date", column="start_date"),
            FieldSpec("end_date", "End date", "date", column="end_date"),
            FieldSpec("budget", "Budget", "currency", {"min": 0}, column="budget"),
            FieldSpec(
                "cost",
                "Actual cost",
                "currency",
                {"min": 0},
                column="cost",
            ),
            FieldSpec(
                "won_revenue",
                "Revenue from won deals",
                "rollup",
                {
                    "related_object": "deals",
                    "via": "campaign_id",
                    "function": "sum",
                    "related_field": "amount_corporate",
                    "where": {"status": "won"},
                },
                help_text=N_(
                    "The amounts of the won deals whose campaign is this one, in the corporate "
                    "currency."
                ),
            ),
            FieldSpec(
                "other_revenue",
                "Other attributed revenue",
                "currency",
                {"min": 0},
                column="other_revenue",
                help_text=N_("Revenue credited to the campaign that no deal records."),
            ),
            FieldSpec("members", "Members", "rollup", _count()),
            FieldSpec(
                "responses",
                "Responses",
                "rollup",
                _count({"status": list(RESPONDED)}),
                help_text=N_("Members who responded or converted."),
            ),
            FieldSpec(
                "conversions",
                "Conversions",
                "rollup",
                _count({"status": "converted"}),
            ),
            description_field(),
            owner_field(),
        )
    },
)

CAMPAIGN_MEMBER = ObjectSpec(
    api_name="campaign_members",
    order=130,
    label=N_("Campaign member"),
    label_plural=N_("Campaign members"),
    menu=MENU_NONE,
    list_columns=("campaign_id", "contact_id", "lead_id", "status"),
    list_sort="-updated_at",
    model=CampaignMember,
    title=_member_title,
    before_write=_member_rules,
    fields={
        f.api_name: f
        for f in (
            FieldSpec(
                "campaign_id",
                "Campaign",
                "lookup",
                {"target": "campaigns"},
                required=True,
                column="campaign_id",
            ),
            FieldSpec(
                "contact_id",
                "Contact",
                "lookup",
                {"target": "contacts"},
                column="contact_id",
                help_text=N_("A contact or a lead, not both."),
            ),
            FieldSpec(
                "lead_id",
                "Lead",
                "lookup",
                {"target": "leads"},
                column="lead_id",
                help_text=N_("A contact or a lead, not both."),
            ),
            FieldSpec(
                "status",
                "Status",
                "picklist",
                picklist(MEMBER_STATUSES),
                required=True,
                default="planned",
                column="status",
            ),
            FieldSpec(
                "responded_at",
                "Responded at",
                "datetime",
                column="responded_at",
                system=True,
                help_text=N_("When the member first responded or converted."),
            ),
            FieldSpec("notes", "Notes", "long_text", column="notes", filterable=False),
        )
    },
)
