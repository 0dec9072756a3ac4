"""The demo workspace: a team and sample work, created once."""

from __future__ import annotations

from sqlalchemy import func, select

from core.objects import records
from core.objects.registry import object_for_tenant
from saas.auth.models import User
from saas.db import db
from saas.demo import DEMO_EMAIL, DEMO_PASSWORD, ensure_demo_tenant
from tenants.scoping import tenant_scope


def _counts() -> dict[str, int]:
    return {
        name: db.session.scalar(select(func.count()).select_from(object_for_tenant(name).model))
        for name in ("companies", "contacts", "leads", "deals", "activities")
    }


def test_demo_has_a_team_and_sample_work_and_is_created_once(app):
    with app.app_context():
        tenant = ensure_demo_tenant()
        db.session.commit()
        with tenant_scope(tenant.id):
            first = _counts()
            assert first == {
                "companies": 6,
                "contacts": 8,
                "leads": 4,
                "deals": 7,
                "activities": 21,
            }
            assert db.session.scalar(select(func.count()).select_from(User)) == 5
            won, _ = records.list_records(
                "deals", filters=[records.Filter("status", "eq", "won")], actor=None
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
