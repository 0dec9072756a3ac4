"""The demo workspace: a team and sample work, created once."""

from __future__ import annotations

from sqlalchemy import func, select

from core.objects import records
from core.objects.audit import AuditEntry
from core.objects.registry import object_for_tenant
from core.tickets.services import sla_overview
from saas.auth.actors import SYSTEM
from saas.auth.models import User
from saas.db import db
from saas.demo import DEMO_EMAIL, DEMO_PASSWORD, ensure_demo_tenant
from tenants.scoping import tenant_scope

COUNTED = (
    "companies",
    "contacts",
    "leads",
    "deals",
    "activities",
    "products",
    "price_books",
    "price_book_entries",
    "quotes",
    "orders",
    "tickets",
    "campaigns",
    "campaign_members",
)


def _counts() -> dict[str, int]:
    counts = {
        name: db.session.scalar(select(func.count()).select_from(object_for_tenant(name).model))
        for name in COUNTED
    }
    counts["audit"] = db.session.scalar(select(func.count()).select_from(AuditEntry))
    return counts


def test_demo_has_a_team_and_sample_work_and_is_created_once(app):
    with app.app_context():
        tenant = ensure_demo_tenant()
        db.session.commit()
        with tenant_scope(tenant.id):
            first = _counts()
            assert {k: v for k, v in first.items() if k != "audit"} == {
                "companies": 6,
                "contacts": 8,
                "leads": 4,
                "deals": 7,
                "activities": 21,
                "products": 4,
                "price_books": 2,  # the standard one and the education one
                "price_book_entries": 2,
                "quotes": 3,
                "orders": 3,
                "tickets": 4,
                "campaigns": 1,
                "campaign_members": 6,
            }
            assert db.session.scalar(select(func.count()).select_from(User)) == 5
            won, _ = records.list_records(
                "deals", filters=[records.Filter("status", "eq", "won")], actor=SYSTEM
            )
            assert [deal.name for deal in won] == ["Kestrel maintenance"]
        ensure_demo_tenant()
        db.session.commit()
        with tenant_scope(tenant.id):
            assert _counts() == first


def test_demo_admin_signs_in_and_sees_the_deals_board(app):
    with app.app_context():
        ensure_demo_tenant()
        db.session.commit()
    from tests.conftest import TenantClient

    client = TenantClient(app, {"slug": "demo", "host": "http://demo.localhost"})
    client.login(DEMO_EMAIL, DEMO_PASSWORD)
    board = client.get("/o/deals/board").get_data(as_text=True)
    assert "Kestrel site rollout" in board and "Pinecrest pilot" in board


def _by(object_name: str, field: str) -> dict:
    found, _ = records.list_records(object_name, limit=50, actor=SYSTEM)
    return {getattr(record, field): record for record in found}


def test_demo_shows_quotes_orders_tickets_and_a_campaign(app):
    with app.app_context():
        tenant = ensure_demo_tenant()
        db.session.commit()
        with tenant_scope(tenant.id):
            quotes = _by("quotes", "name")
            assert {q.name: q.status for q in quotes.values()} == {
                "40 seats and onboarding": "sent",
                "Term contract, education pricing": "accepted",
                "Pilot for two clinics": "expired",
            }
            assert all(q.number.startswith("Q-") for q in quotes.values())
            orders = _by("orders", "name")
            assert {o.name: o.status for o in orders.values()} == {
                "Maintenance year one": "confirmed",
                "Spa wing front desk": "paid",
                "Term contract, education pricing": "confirmed",
            }
            over = orders["Term contract, education pricing"]
            assert over.credit_check == "over_limit" and "Greenleaf Schools" in over.credit_note
            assert over.quote_id == quotes["Term contract, education pricing"].id
            assert orders["Maintenance year one"].credit_check == "within_limit"
            tickets = _by("tickets", "subject")
            assert {t.priority for t in tickets.values()} >= {"urgent", "high", "normal", "low"}
            resolved = tickets["Password reset for teachers"]
            assert resolved.status == "resolved" and resolved.satisfaction == 5
            overview = sla_overview(actor=SYSTEM)
            assert overview["breached"] == 1 and overview["at_risk"] == 1
            campaign = _by("campaigns", "name")["Webinar: a service desk in a day"]
            members, _ = records.list_records(
                "campaign_members",
                filters=[records.Filter("campaign_id", "eq", str(campaign.id))],
                actor=SYSTEM,
            )
            assert sorted(m.status for m in members) == [
                "converted",
                "planned",
                "responded",
                "responded",
                "sent",
                "sent",
            ]
