"""Tickets through the generic record API: SLA due times from the workspace's targets,
first response, resolution, satisfaction, breach, and the SLA overview."""

from __future__ import annotations

import datetime as dt

import pytest

from core.tickets import services
from saas.db import db
from tenants.scoping import tenant_scope
from tests.conftest import add_user
from tests.core.objects.conftest import Api, token_for

TICKETS = "/api/v1/objects/tickets"


# Their answers depend on the hour and the weekday: CI also runs them on a weekday at noon
# and a Saturday night (the --clock option).
pytestmark = pytest.mark.time_sensitive


def _moment(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def _after(later: str, earlier: str) -> dt.timedelta:
    """How long after ``earlier`` ``later`` is, to the second (the due times are computed a
    moment before the row's creation time is stamped)."""
    return dt.timedelta(seconds=round((_moment(later) - _moment(earlier)).total_seconds()))


def _create(api, **values) -> dict:
    response = api.post(TICKETS, json=values)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _patch(api, ticket: dict, **values):
    return api.patch(f"{TICKETS}/{ticket['id']}", json=values)


def _backdate(app, tenant, ticket_id: str, *, hours: float) -> None:
    """Pretend the ticket was opened ``hours`` ago (due times move with it)."""
    from core.tickets.models import Ticket

    with app.app_context(), tenant_scope(tenant["id"]):
        row = db.session.get(Ticket, (tenant["id"], __import__("uuid").UUID(ticket_id)))
        delta = dt.timedelta(hours=hours)
        row.created_at -= delta
        for name in ("first_response_due_at", "resolution_due_at", "sla_due_at"):
            if getattr(row, name) is not None:
                setattr(row, name, getattr(row, name) - delta)
        db.session.commit()


def test_new_workspaces_get_default_sla_targets(api):
    targets = api.get("/api/v1/sla_targets").get_json()["data"]
    assert targets == {
        "urgent": {"first_response_minutes": 60, "resolution_minutes": 240, "hours": "24x7"},
        "high": {"first_response_minutes": 240, "resolution_minutes": 1440, "hours": "24x7"},
        "normal": {"first_response_minutes": 480, "resolution_minutes": 4320, "hours": "24x7"},
        "low": {"first_response_minutes": 1440, "resolution_minutes": 10080, "hours": "24x7"},
    }


def test_due_times_follow_the_priority_target(api):
    ticket = _create(api, subject="Printer on fire", priority="urgent", type="complaint")
    opened = ticket["created_at"]
    assert ticket["status"] == "new" and ticket["type"] == "complaint"
    assert _after(ticket["first_response_due_at"], opened) == dt.timedelta(hours=1)
    assert _after(ticket["resolution_due_at"], opened) == dt.timedelta(hours=4)
    assert ticket["sla_due_at"] == ticket["first_response_due_at"]
    assert ticket["sla_status"] == "running" and ticket["first_responded_at"] is None

    # Lowering the priority recomputes both due times from when the ticket was opened.
    lowered = _patch(api, ticket, priority="low").get_json()
    assert _after(lowered["first_response_due_at"], opened) == dt.timedelta(hours=24)
    assert _after(lowered["resolution_due_at"], opened) == dt.timedelta(days=7)
    # Other changes leave them alone.
    renamed = _patch(api, ticket, subject="Printer smoking").get_json()
    assert renamed["resolution_due_at"] == lowered["resolution_due_at"]


def test_a_changed_target_applies_to_tickets_opened_after(api):
    before = _create(api, subject="Old", priority="high")
    changed = api.put("/api/v1/sla_targets/high", json={"first_response_minutes": 30})
    assert changed.status_code == 200
    assert changed.get_json() == {
        "first_response_minutes": 30,
        "resolution_minutes": 1440,
        "hours": "24x7",
    }
    after = _create(api, subject="New", priority="high")
    assert _after(after["first_response_due_at"], after["created_at"]) == dt.timedelta(minutes=30)
    unchanged = api.get(f"{TICKETS}/{before['id']}").get_json()
    assert unchanged["first_response_due_at"] == before["first_response_due_at"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"first_response_minutes": 0}, "first_response_minutes"),
        ({"first_response_minutes": "60"}, "first_response_minutes"),
        ({"resolution_minutes": 10}, "resolution_minutes"),  # shorter than the response
        ({"first_response_minutes": True}, "first_response_minutes"),
    ],
)
def test_bad_sla_targets_are_refused_and_change_nothing(api, body, field):
    response = api.put("/api/v1/sla_targets/normal", json=body)
    assert response.status_code == 422
    assert field in response.get_json()["fields"]
    assert api.get("/api/v1/sla_targets").get_json()["data"]["normal"]["resolution_minutes"] == 4320


def test_only_admins_change_sla_targets_and_priorities_must_exist(api, member_api):
    assert (
        member_api.put("/api/v1/sla_targets/low", json={"resolution_minutes": 60}).status_code
        == 403
    )
    assert member_api.get("/api/v1/sla_targets").status_code == 200
    assert api.put("/api/v1/sla_targets/critical", json={}).status_code == 404


def test_first_response_and_resolution_are_recorded(api):
    ticket = _create(api, subject="Cannot log in")
    answered = _patch(api, ticket, status="open").get_json()
    assert answered["first_responded_at"] is not None
    assert answered["sla_due_at"] == answered["resolution_due_at"]
    back_to_new = _patch(api, ticket, status="new")
    assert back_to_new.status_code == 422 and "status" in back_to_new.get_json()["fields"]

    refused = _patch(api, ticket, status="resolved")
    assert refused.status_code == 422
    assert "resolution" in refused.get_json()["fields"]
    assert api.get(f"{TICKETS}/{ticket['id']}").get_json()["status"] == "open"  # no partial write

    resolved = _patch(api, ticket, status="resolved", resolution="Reset the password.").get_json()
    assert resolved["resolved_at"] is not None and resolved["sla_due_at"] is None
    assert resolved["sla_status"] == "met"
    assert resolved["first_responded_at"] == answered["first_responded_at"]

    rated = _patch(api, ticket, satisfaction=5).get_json()
    assert rated["satisfaction"] == 5
    assert _patch(api, ticket, satisfaction=6).status_code == 422

    reopened = _patch(api, ticket, status="open").get_json()
    assert reopened["resolved_at"] is None and reopened["sla_status"] == "running"
    assert reopened["sla_due_at"] == reopened["resolution_due_at"]


def test_satisfaction_waits_for_the_resolution(api):
    ticket = _create(api, subject="Slow delivery")
    response = _patch(api, ticket, satisfaction=2)
    assert response.status_code == 422 and "satisfaction" in response.get_json()["fields"]
    assert api.post(TICKETS, json={"subject": "x", "satisfaction": 4}).status_code == 422


def test_a_late_response_misses_the_sla(app, tenant, api):
    ticket = _create(api, subject="Late", priority="urgent")
    _backdate(app, tenant, ticket["id"], hours=2)  # first response was due an hour ago
    answered = _patch(api, ticket, status="open").get_json()
    assert answered["sla_status"] == "missed"
    assert (
        api.get(f"{TICKETS}?filter[sla_status]=missed").get_json()["data"][0]["id"]
        == (ticket["id"])
    )


def test_breached_and_at_risk_tickets_are_filtered_by_time(app, tenant, api):
    breached = _create(api, subject="Breached", priority="urgent")
    _backdate(app, tenant, breached["id"], hours=1.5)
    at_risk = _create(api, subject="At risk", priority="urgent")
    _backdate(app, tenant, at_risk["id"], hours=0.5)
    on_track = _create(api, subject="On track", priority="low")
    done = _create(api, subject="Done", status="closed", resolution="Answered on the phone.")
    assert done["sla_due_at"] is None and done["sla_status"] == "met"

    def subjects(query: str) -> set[str]:
        response = api.get(f"{TICKETS}?{query}")
        assert response.status_code == 200, response.get_json()
        return {row["subject"] for row in response.get_json()["data"]}

    assert subjects("filter[sla_due_at][lt]=now") == {"Breached"}
    assert subjects("filter[sla_due_at][gte]=now&filter[sla_due_at][lt]=now%2B1h") == {"At risk"}
    assert subjects("filter[sla_due_at][gte]=now%2B1h") == {"On track"}
    assert api.get(f"{TICKETS}?filter[sla_due_at][lt]=yesterday").status_code == 422

    overview = api.get("/api/v1/tickets/sla").get_json()
    assert overview == {"breached": 1, "at_risk": 1, "on_track": 1, "at_risk_minutes": 60}
    wider = api.get("/api/v1/tickets/sla?at_risk_minutes=100000").get_json()
    assert wider["at_risk"] == 2 and wider["on_track"] == 0
    assert api.get("/api/v1/tickets/sla?at_risk_minutes=soon").status_code == 422
    assert on_track["priority"] == "low"


def test_the_overview_counts_only_tickets_the_agent_may_see(app, tenant, api):
    agent_id = add_user(app, tenant, email="agent@acme.example.com", role="member")
    agent = Api(app, token_for(app, tenant, agent_id))
    api.put("/api/v1/permissions/member/tickets", json={"visibility": "own"})
    _create(api, subject="Someone else's", priority="high")
    mine = agent.post(TICKETS, json={"subject": "Mine", "priority": "high"}).get_json()
    assert mine["owner_id"] == str(agent_id)
    assert agent.get("/api/v1/tickets/sla").get_json()["on_track"] == 1
    assert api.get("/api/v1/tickets/sla").get_json()["on_track"] == 2


def test_due_times_cannot_be_typed(api):
    response = api.post(
        TICKETS, json={"subject": "Cheat", "resolution_due_at": "2099-01-01T00:00:00Z"}
    )
    assert response.status_code == 422
    assert "resolution_due_at" in response.get_json()["fields"]


def test_unknown_priority_or_type_is_refused(api):
    response = api.post(TICKETS, json={"subject": "x", "priority": "asap", "type": "rant"})
    assert response.status_code == 422
    assert set(response.get_json()["fields"]) == {"priority", "type"}


def test_targets_default_for_workspaces_without_rows(app, tenant):
    from core.tickets.models import SlaTarget

    with app.app_context(), tenant_scope(tenant["id"]):
        for row in db.session.query(SlaTarget).all():
            db.session.delete(row)
        db.session.flush()
        assert services.sla_targets()["urgent"]["first_response_minutes"] == 60
        assert services.set_sla_target("urgent", values={"resolution_minutes": 300}) == {
            "first_response_minutes": 60,
            "resolution_minutes": 300,
            "hours": "24x7",
        }
        db.session.rollback()


def test_ticket_pages_show_the_sla_and_refuse_a_resolution_less_close(client, api):
    ticket = _create(api, subject="Router keeps rebooting", priority="high")
    page = client.get(f"/o/tickets/{ticket['id']}").get_data(as_text=True)
    assert "First response due" in page and "Resolution due" in page and "Running" in page
    assert client.get("/o/tickets/board").status_code == 200
    form = client.get("/o/tickets/new").get_data(as_text=True)
    assert 'name="subject"' in form and 'name="resolution_due_at"' not in form
    # Inline edit of the status to closed without a resolution: a readable error, no change.
    csrf = form.split('name="csrf_token" value="')[1].split('"')[0]
    refused = client.post(
        f"/o/tickets/{ticket['id']}/fields/status",
        data={"csrf_token": csrf, "status": "closed", "version": ticket["version"]},
    )
    assert refused.status_code == 422
    assert "Say how the ticket was resolved." in refused.get_data(as_text=True)
    assert api.get(f"{TICKETS}/{ticket['id']}").get_json()["status"] == "new"
