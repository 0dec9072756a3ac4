"""Campaign services: the rules of campaign and member writes, and a campaign's
performance (members by status, cost, attributed revenue, return). They flush and never
commit; campaigns and members are written through the generic record services.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from sqlalchemy import func, select

from core.campaigns.models import MEMBER_STATUSES, RESPONDED, Campaign, CampaignMember
from core.deals.models import Deal
from core.objects import records
from saas import clock
from saas.auth.models import User
from saas.db import db
from saas.errors import Conflict, ValidationFailed

CENT = Decimal("0.01")


def apply_campaign_rules(record: Campaign | None, cleaned: dict, actor: User | None) -> None:
    """A campaign cannot end before it starts."""
    start = cleaned.get("start_date", None if record is None else _iso(record.start_date))
    end = cleaned.get("end_date", None if record is None else _iso(record.end_date))
    if start and end and end < start:
        raise ValidationFailed(
            "Some fields are not valid.",
            errors={"end_date": ["The campaign cannot end before it starts."]},
        )


def _iso(value) -> str | None:
    return None if value is None else value.isoformat()


def apply_member_rules(record: CampaignMember | None, cleaned: dict, actor: User | None) -> None:
    """A member is one contact or one lead, at most once per campaign; the first response
    (status responded or converted) is timed."""

    def current(name: str):
        if name in cleaned:
            return cleaned[name]
        value = None if record is None else getattr(record, name)
        return None if value is None else str(value)

    campaign_id, contact_id, lead_id = (
        current("campaign_id"),
        current("contact_id"),
        current("lead_id"),
    )
    if (contact_id is None) == (lead_id is None):
        raise ValidationFailed(
            "Some fields are not valid.",
            errors={
                field: ["Choose a contact or a lead, not both."]
                for field in ("contact_id", "lead_id")
            },
        )
    field, person = ("contact_id", contact_id) if contact_id else ("lead_id", lead_id)
    column = getattr(CampaignMember, field)
    query = select(func.count()).where(
        CampaignMember.campaign_id == uuid.UUID(campaign_id),
        column == uuid.UUID(person),
        CampaignMember.deleted_at.is_(None),
    )
    if record is not None:
        query = query.where(CampaignMember.id != record.id)
    if db.session.scalar(query):
        raise Conflict(
            "This person is already a member of the campaign.",
            errors={field: ["Already a member of this campaign."]},
        )
    if current("status") in RESPONDED and (record is None or record.responded_at is None):
        cleaned["responded_at"] = clock.now().isoformat().replace("+00:00", "Z")


def campaign_performance(campaign_id, *, actor: User | None) -> dict:
    """What a campaign reached and returned, from the records ``actor`` may see the campaign
    of: members by status, response and conversion rates, won deals and their revenue,
    the revenue entered by hand, the cost and the return on it.

    Members and won deals are counted whatever their own visibility, as roll-ups are: the
    campaign's results are not private to their owners (decision 0008).
    """
    campaign = records.get_record("campaigns", campaign_id, actor=actor)
    by_status = dict.fromkeys(MEMBER_STATUSES, 0)
    by_status.update(
        db.session.execute(
            select(CampaignMember.status, func.count())
            .where(CampaignMember.campaign_id == campaign.id, CampaignMember.deleted_at.is_(None))
            .group_by(CampaignMember.status)
        ).all()
    )
    members = sum(by_status.values())
    responses = sum(by_status[status] for status in RESPONDED)
    won_count, won_revenue = db.session.execute(
        select(func.count(), func.coalesce(func.sum(Deal.amount_corporate), 0)).where(
            Deal.campaign_id == campaign.id, Deal.status == "won", Deal.deleted_at.is_(None)
        )
    ).one()
    won_revenue = Decimal(str(won_revenue)).quantize(CENT)
    other = campaign.other_revenue or Decimal(0)
    attributed = (won_revenue + other).quantize(CENT)
    cost = campaign.cost
    roi = None
    if cost:
        roi = float(((attributed - cost) / cost * 100).quantize(Decimal("0.1")))

    def rate(count: int) -> float | None:
        return round(count / members * 100, 1) if members else None

    return {
        "campaign_id": str(campaign.id),
        "members": members,
        "members_by_status": by_status,
        "response_rate": rate(responses),
        "conversion_rate": rate(by_status["converted"]),
        "won_deals": won_count,
        "won_revenue": str(won_revenue),
        "other_revenue": str(other.quantize(CENT)),
        "attributed_revenue": str(attributed),
        "cost": None if cost is None else str(cost.quantize(CENT)),
        "cost_per_response": (
            str((cost / responses).quantize(CENT)) if cost is not None and responses else None
        ),
        "roi_percent": roi,
    }
