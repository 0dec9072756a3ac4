"""Quote validity and expiry: the default valid-until date, the nightly job (audited as the
system), the lazy expiry on a quote's next write, and no conversion of an expired quote."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from sqlalchemy import select, update

from core.objects.audit import AuditEntry
from core.orders import services
from core.orders.jobs import enqueue_quote_expiry, expire_quotes_job
from core.orders.models import Quote
from core.orders.settings import save_sales_settings
from saas import clock
from saas.db import db
from saas.jobs import dispatch_outbox
from saas.jobs.models import OutboxJob
from tenants.scoping import platform_scope, tenant_scope
from tests.core.objects.test_views import fetch
from tests.core.orders.conftest import QUOTES, created

# Their answers depend on the hour and the weekday: CI also runs them on a weekday at noon
# and a Saturday night (the --clock option).
pytestmark = pytest.mark.time_sensitive


def today() -> dt.date:
    """The workspace's today (its time zone is UTC here), read when the test runs."""
    return clock.today()


def _backdate(app, tenant, quote_id: str, days: int) -> None:
    """As if the quote's valid-until date had passed ``days`` ago (written directly: the
    services refuse a past date on an open quote)."""
    with app.app_context(), tenant_scope(tenant["id"]):
        db.session.execute(
            update(Quote)
            .where(Quote.id == uuid.UUID(quote_id))
            .values(valid_until=today() - dt.timedelta(days=days))
            .execution_options(synchronize_session=False)
        )
        db.session.commit()


def test_a_new_quote_is_valid_for_the_workspace_default(app, tenant, api):
    quote = created(api.post(QUOTES, json={"name": "Default"}))
    assert quote["valid_until"] == (today() + dt.timedelta(days=30)).isoformat()
    with app.app_context(), tenant_scope(tenant["id"]):
        save_sales_settings({"quote_validity_days": "7"})
        db.session.commit()
    quote = created(api.post(QUOTES, json={"name": "Week"}))
    assert quote["valid_until"] == (today() + dt.timedelta(days=7)).isoformat()
    given = (today() + dt.timedelta(days=3)).isoformat()
    assert (
        created(api.post(QUOTES, json={"name": "Given", "valid_until": given}))["valid_until"]
        == given
    )


def test_an_open_quote_cannot_be_dated_in_the_past(api):
    yesterday = (today() - dt.timedelta(days=1)).isoformat()
    response = api.post(QUOTES, json={"name": "Late", "valid_until": yesterday})
    assert response.status_code == 422
    assert response.get_json()["fields"]["valid_until"] == [
        "A draft or sent quote must be valid until today or later."
    ]
    # Old quotes can be recorded as they ended.
    old = api.post(QUOTES, json={"name": "Old", "valid_until": yesterday, "status": "expired"})
    assert old.status_code == 201


def test_the_nightly_job_expires_passed_quotes_as_the_system(app, tenant, other_tenant, api):
    sent = created(api.post(QUOTES, json={"name": "Sent", "status": "sent"}))
    draft = created(api.post(QUOTES, json={"name": "Draft"}))
    accepted = created(api.post(QUOTES, json={"name": "Accepted", "status": "accepted"}))
    current = created(api.post(QUOTES, json={"name": "Current", "status": "sent"}))
    for quote in (sent, draft, accepted):
        _backdate(app, tenant, quote["id"], 1)
    _backdate(app, tenant, current["id"], 0)  # valid today: not yet expired
    with app.app_context():
        assert enqueue_quote_expiry(day=today()) == 2
        assert enqueue_quote_expiry(day=today()) == 2  # the same day's jobs coalesce
        db.session.commit()
        with platform_scope("test: every tenant's jobs"):
            assert db.session.scalar(select(db.func.count()).select_from(OutboxJob)) == 2
        dispatch_outbox()  # no Redis: runs here
        with platform_scope("test: every tenant's jobs"):
            assert db.session.scalar(select(db.func.count()).select_from(OutboxJob)) == 0
    statuses = {
        q["name"]: fetch(app, tenant, "quotes", q["id"])["status"]
        for q in (sent, draft, accepted, current)
    }
    assert statuses == {
        "Sent": "expired",
        "Draft": "expired",
        "Accepted": "accepted",
        "Current": "sent",
    }
    with app.app_context(), tenant_scope(tenant["id"]):
        entry = db.session.scalars(
            select(AuditEntry).where(
                AuditEntry.record_id == uuid.UUID(sent["id"]), AuditEntry.action == "update"
            )
        ).one()
        assert entry.actor_id is None and entry.changes["status"] == ["sent", "expired"]
        # Running again changes nothing.
        assert services.expire_quotes() == 0
    history = api.get(f"{QUOTES}/{sent['id']}/history").get_json()["data"]
    assert history[0]["actor_id"] is None and history[0]["action"] == "update"


def test_the_job_runs_in_one_tenant_only(app, tenant, other_tenant, api, other_api):
    mine = created(api.post(QUOTES, json={"name": "Mine", "status": "sent"}))
    theirs = created(other_api.post(QUOTES, json={"name": "Theirs", "status": "sent"}))
    _backdate(app, tenant, mine["id"], 2)
    _backdate(app, other_tenant, theirs["id"], 2)
    with app.app_context():
        with tenant_scope(tenant["id"]):
            expire_quotes_job(tenant["id"])
            db.session.commit()
    assert fetch(app, tenant, "quotes", mine["id"])["status"] == "expired"
    assert fetch(app, other_tenant, "quotes", theirs["id"])["status"] == "sent"


def test_a_passed_quote_expires_on_its_next_write(app, tenant, api):
    quote = created(api.post(QUOTES, json={"name": "Lazy", "status": "sent"}))
    _backdate(app, tenant, quote["id"], 1)
    path = f"{QUOTES}/{quote['id']}"
    accept = api.patch(path, json={"status": "accepted"})
    assert accept.status_code == 422
    assert "can no longer be accepted" in accept.get_json()["fields"]["status"][0]
    touched = api.patch(path, json={"notes": "Called them"})
    assert touched.status_code == 200
    body = touched.get_json()
    assert body["status"] == "expired" and "it is now expired" in body["warnings"][0]
    # Reopening needs a later date.
    reopen = api.patch(path, json={"status": "draft"})
    assert reopen.status_code == 422
    assert "later valid-until date" in reopen.get_json()["fields"]["valid_until"][0]
    later = (today() + dt.timedelta(days=10)).isoformat()
    reopened = api.patch(path, json={"status": "draft", "valid_until": later})
    assert reopened.status_code == 200 and reopened.get_json()["status"] == "draft"


def test_an_expired_quote_cannot_become_an_order(app, tenant, api, client):
    quote = created(api.post(QUOTES, json={"name": "Too late", "status": "sent"}))
    _backdate(app, tenant, quote["id"], 3)
    with app.app_context(), tenant_scope(tenant["id"]):
        services.expire_quotes()
        db.session.commit()
    response = api.post(f"{QUOTES}/{quote['id']}/convert")
    assert response.status_code == 409
    body = response.get_json()
    assert body["error"] == "conflict"
    assert body["message"].startswith(
        f"This quote expired on {(today() - dt.timedelta(days=3)).isoformat()}: it cannot "
        "become an order."
    )
    page = client.post(f"/o/quotes/{quote['id']}/convert")
    assert page.status_code == 409
    assert "cannot become an order" in page.get_data(as_text=True)
    assert api.get("/api/v1/objects/orders").get_json()["data"] == []
