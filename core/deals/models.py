"""Deals (opportunities), and the pipelines and stages they move through.

A pipeline is an ordered list of stages; each stage has a default probability and a kind:
``open`` while the deal is being worked, ``won`` or ``lost`` when it is closed. Pipelines
and stages are a tenant's metadata (set up by admins), not records; deals are records of
the object engine. The business rules of a deal (stage in its pipeline, probability from
the stage, status from the stage's kind, lost reason) are in ``core.deals.services``.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKeyConstraint,
    Index,
    Integer,
    Numeric,
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
    owner_field,
)
from saas.db import UTCDateTime, db, utcnow
from saas.i18n import N_
from tenants.scoping import TenantScoped, require_tenant_id

STAGE_KINDS = ("open", "won", "lost")


class Pipeline(TenantScoped, db.Model):
    # Part of the tenant's schema: a write bumps tenants.schema_version (caches).
    __trellis_schema__ = True
    __tablename__ = "pipelines"
    __table_args__ = (UniqueConstraint("tenant_id", "name"),)

    name: Mapped[str] = mapped_column(String(100))
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class PipelineStage(TenantScoped, db.Model):
    # Part of the tenant's schema: a write bumps tenants.schema_version (caches).
    __trellis_schema__ = True
    __tablename__ = "pipeline_stages"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "pipeline_id"],
            ["pipelines.tenant_id", "pipelines.id"],
            ondelete="CASCADE",
        ),
        # The target of the deals' (tenant, pipeline, stage) key: a deal's stage is always
        # a stage of the deal's pipeline, which the database checks too.
        UniqueConstraint("tenant_id", "pipeline_id", "id"),
        UniqueConstraint("tenant_id", "pipeline_id", "name"),
        CheckConstraint("probability >= 0 AND probability <= 100", name="probability_range"),
        CheckConstraint("kind IN ('open', 'won', 'lost')", name="kind"),
    )

    pipeline_id: Mapped[uuid.UUID] = mapped_column()
    name: Mapped[str] = mapped_column(String(100))
    probability: Mapped[int] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[str] = mapped_column(String(10), default="open")


class Deal(RecordMixin, db.Model):
    __tablename__ = "deals"
    __table_args__ = record_table_args(
        "deals",
        ForeignKeyConstraint(["tenant_id", "pipeline_id"], ["pipelines.tenant_id", "pipelines.id"]),
        ForeignKeyConstraint(
            ["tenant_id", "pipeline_id", "stage_id"],
            [
                "pipeline_stages.tenant_id",
                "pipeline_stages.pipeline_id",
                "pipeline_stages.id",
            ],
        ),
        ForeignKeyConstraint(["tenant_id", "company_id"], ["companies.tenant_id", "companies.id"]),
        ForeignKeyConstraint(["tenant_id", "contact_id"], ["contacts.tenant_id", "contacts.id"]),
        Index("ix_deals_pipeline_stage", "tenant_id", "pipeline_id", "stage_id"),
        Index("ix_deals_stage", "tenant_id", "stage_id"),
        Index("ix_deals_company", "tenant_id", "company_id"),
        Index("ix_deals_contact", "tenant_id", "contact_id"),
        Index("ix_deals_close_date", "tenant_id", "close_date", "id"),
        ForeignKeyConstraint(["tenant_id", "campaign_id"], ["campaigns.tenant_id", "campaigns.id"]),
        Index("ix_deals_campaign", "tenant_id", "campaign_id", "status"),
    )

    name: Mapped[str] = mapped_column(String(255))
    amount: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))
    # The amount's currency (the corporate one unless the seller chose another) and its
    # value in the corporate currency at the rate of the deal's date (decision 0022).
    currency: Mapped[str | None] = mapped_column(String(3))
    amount_corporate: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))
    close_date: Mapped[dt.date | None] = mapped_column(Date)
    pipeline_id: Mapped[uuid.UUID] = mapped_column()
    stage_id: Mapped[uuid.UUID] = mapped_column()
    probability: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(10), default="open")
    lost_reason: Mapped[str | None] = mapped_column(String(255))
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    company_id: Mapped[uuid.UUID | None] = mapped_column()
    contact_id: Mapped[uuid.UUID | None] = mapped_column()
    campaign_id: Mapped[uuid.UUID | None] = mapped_column()
    description: Mapped[str | None] = mapped_column(Text)


def pipeline_exists(key: uuid.UUID) -> bool:
    return db.session.get(Pipeline, (require_tenant_id(), key)) is not None


def stage_exists(key: uuid.UUID) -> bool:
    return db.session.get(PipelineStage, (require_tenant_id(), key)) is not None


def _deal_rules(record, cleaned: dict, actor) -> None:
    from core.deals.services import apply_deal_rules

    apply_deal_rules(record, cleaned, actor)
    from core.currencies import valuation

    valuation.fill("deals", record, cleaned)


DEAL = ObjectSpec(
    api_name="deals",
    order=40,
    label=N_("Deal"),
    label_plural=N_("Deals"),
    menu=MENU_BAR,
    opens_on="board",
    list_columns=("company_id", "amount", "stage_id", "close_date", "owner_id"),
    list_sort="-updated_at",
    board_field="stage_id",
    # Board columns total the amounts in the corporate currency, whatever each deal's own.
    amount_field="amount_corporate",
    weight_field="probability",
    model=Deal,
    title=lambda record: record.name,
    search_fields=("name",),
    before_write=_deal_rules,
    fields={
        f.api_name: f
        for f in (
            FieldSpec("name", "Name", "text", required=True, column="name"),
            FieldSpec(
                "amount",
                "Amount",
                "currency",
                {"min": 0, "currency_field": "currency"},
                column="amount",
            ),
            FieldSpec(
                "currency",
                "Currency",
                "text",
                {"max_length": 3},
                column="currency",
                help_text="One of the workspace's currencies; the corporate currency when left "
                "empty.",
            ),
            FieldSpec(
                "amount_corporate",
                "Amount in the corporate currency",
                "currency",
                {"corporate_value_of": "amount", "rate_date": ("close_date", "created_at")},
                column="amount_corporate",
                system=True,
                help_text="The amount at the exchange rate of the expected close date (else of "
                "the day the deal was created); empty while its currency has no rate then.",
            ),
            FieldSpec("close_date", "Expected close date", "date", column="close_date"),
            FieldSpec(
                "pipeline_id",
                "Pipeline",
                "lookup",
                {"target": "pipelines"},
                column="pipeline_id",
                help_text=N_("The workspace's default pipeline when left empty."),
            ),
            FieldSpec(
                "stage_id",
                "Stage",
                "lookup",
                {"target": "pipeline_stages"},
                column="stage_id",
                help_text=N_("A stage of the deal's pipeline; its first open stage when empty."),
            ),
            FieldSpec(
                "probability",
                "Probability (%)",
                "percent",
                {"scale": 0},
                column="probability",
                help_text=N_("Set from the stage whenever the deal changes stage."),
            ),
            FieldSpec(
                "weighted_amount",
                "Weighted amount",
                "formula",
                {
                    "expression": "round(amount_corporate * probability / 100, 2)",
                    "result_type": "currency",
                },
            ),
            FieldSpec(
                "status",
                "Status",
                "picklist",
                picklist(STAGE_KINDS, closed=("won", "lost")),
                column="status",
                system=True,
                help_text=N_("Follows the kind of the deal's stage."),
            ),
            FieldSpec(
                "lost_reason",
                "Lost reason",
                "text",
                column="lost_reason",
                help_text=N_("Required when the deal moves to a lost stage."),
            ),
            FieldSpec("closed_at", "Closed at", "datetime", column="closed_at", system=True),
            FieldSpec(
                "company_id", "Company", "lookup", {"target": "companies"}, column="company_id"
            ),
            FieldSpec(
                "contact_id", "Contact", "lookup", {"target": "contacts"}, column="contact_id"
            ),
            FieldSpec(
                "campaign_id",
                "Campaign",
                "lookup",
                {"target": "campaigns"},
                column="campaign_id",
                help_text=N_("The campaign this deal came from; its amount counts there once won."),
            ),
            description_field(),
            owner_field(),
        )
    },
)
