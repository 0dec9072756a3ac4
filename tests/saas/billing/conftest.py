"""Billing fixtures: a movable billing clock and small helpers."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from saas.billing import clock
from saas.billing.models import BillingAccount
from saas.db import db, utcnow
from saas.mail import OutboxEmail
from tenants.scoping import tenant_scope


class Clock:
    def __init__(self) -> None:
        self.offset = dt.timedelta()

    def now(self) -> dt.datetime:
        return utcnow() + self.offset

    def advance(self, **kwargs) -> None:
        self.offset += dt.timedelta(**kwargs)


@pytest.fixture
def billing_clock(monkeypatch) -> Clock:
    moving = Clock()
    monkeypatch.setattr(clock, "now", moving.now)
    return moving


def account_of(app, tenant: dict) -> dict:
    with app.app_context(), tenant_scope(tenant["id"]):
        account = db.session.scalar(
            select(BillingAccount).where(BillingAccount.for_tenant == tenant["id"])
        )
        values = {c.name: getattr(account, c.name) for c in BillingAccount.__table__.columns}
        db.session.rollback()
        return values


def emails_to(app, tenant: dict, subject_part: str) -> list[str]:
    with app.app_context(), tenant_scope(tenant["id"]):
        rows = db.session.scalars(select(OutboxEmail)).all()
        found = [row.to_address for row in rows if subject_part in row.subject]
        db.session.rollback()
        return found
