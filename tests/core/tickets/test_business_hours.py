"""The workspace's business hours (API and service) and the SLA due times they give to
tickets whose priority counts in business hours."""

from __future__ import annotations

import contextlib
import datetime as dt
import uuid
from zoneinfo import ZoneInfo

import pytest

from core.tickets import hours
from core.tickets.models import Ticket
from saas import clock as saas_clock
from saas.db import db
from tenants.models import Tenant
from tenants.scoping import tenant_scope

HOURS = "/api/v1/settings/business-hours"
TICKETS = "/api/v1/objects/tickets"
BERLIN = ZoneInfo("Europe/Berlin")
OFFICE = {"start": "09:00", "end": "17:30"}
WEEK = {day: [OFFICE] for day in ("mon", "tue", "wed", "thu", "fri")} | {"sat": [], "sun": []}


# Their answers depend on the hour and the weekday: CI also runs them on a weekday at noon
# and a Saturday night (the --clock option).
pytestmark = pytest.mark.time_sensitive


def _z(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def _berlin(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=BERLIN)


@pytest.fixture
def clock():
    """Stop the one clock at a moment (the ticket rules, the SLA overview, the "now" of a
    filter and the rows' own created_at all see it) until the test ends."""
    with contextlib.ExitStack() as stack:

        def set_now(moment: dt.datetime) -> None:
            stack.enter_context(saas_clock.travel(moment, tick=False))

        yield set_now


@pytest.fixture
def berlin_office(api):
    """Acme works Mon-Fri 09:00-17:30 in Berlin; high tickets count in business hours."""
    response = api.put(HOURS, json={"timezone": "Europe/Berlin", "week": WEEK})
    assert response.status_code == 200, response.get_json()
    response = api.put(
        "/api/v1/sla_targets/high",
        json={"first_response_minutes": 240, "resolution_minutes": 1440, "hours": "business"},
    )
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["hours"] == "business"


# Reading and writing the hours -----------------------------------------------------------------


def test_a_new_workspace_works_weekdays_nine_to_five_in_its_time_zone(api):
    body = api.get(HOURS).get_json()
    assert body["timezone"] == "UTC" and body["timezone_follows_workspace"] is True
    assert body["week"]["mon"] == [{"start": "09:00", "end": "17:00"}]
    assert body["week"]["sat"] == [] and body["week"]["sun"] == []
    assert body["holidays"] == [] and body["weekly_minutes"] == 5 * 8 * 60


def test_the_workspace_time_zone_is_the_default(app, tenant, api):
    with app.app_context():
        row = db.session.get(Tenant, tenant["id"])
        row.settings = {**row.settings, "timezone": "America/Chicago"}
        db.session.commit()
    assert api.get(HOURS).get_json()["timezone"] == "America/Chicago"
    api.put(HOURS, json={"timezone": "Europe/Berlin"})
    assert api.get(HOURS).get_json()["timezone"] == "Europe/Berlin"
    # Clearing it follows the workspace again.
    body = api.put(HOURS, json={"timezone": None}).get_json()
    assert body["timezone"] == "America/Chicago" and body["timezone_follows_workspace"]


def test_admins_set_hours_with_breaks_and_holidays(api):
    week = dict(WEEK, mon=[{"start": "13:15", "end": "17:30"}, {"start": "09:00", "end": "12:30"}])
    response = api.put(
        HOURS,
        json={
            "timezone": "Europe/Berlin",
            "week": week,
            "holidays": [
                {"date": "2026-12-25", "name": " Christmas Day "},
                {"date": "2026-12-24", "name": "Christmas Eve"},
            ],
        },
    )
    assert response.status_code == 200, response.get_json()
    body = api.get(HOURS).get_json()
    assert body["timezone"] == "Europe/Berlin" and not body["timezone_follows_workspace"]
    assert body["week"]["mon"] == [
        {"start": "09:00", "end": "12:30"},
        {"start": "13:15", "end": "17:30"},
    ]
    assert body["holidays"] == [
        {"date": "2026-12-24", "name": "Christmas Eve"},
        {"date": "2026-12-25", "name": "Christmas Day"},
    ]
    # A PUT with only some keys leaves the others as they are.
    api.put(HOURS, json={"holidays": []})
    body = api.get(HOURS).get_json()
    assert body["holidays"] == [] and body["timezone"] == "Europe/Berlin"
    assert len(body["week"]["mon"]) == 2


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"timezone": "Mars/Olympus"}, "timezone", "Unknown time zone"),
        ({"timezone": "europe/berlin"}, "timezone", "Unknown time zone"),
        ({"timezone": 5}, "timezone", "Unknown time zone"),
        (
            {"week": dict(WEEK, mon=[{"start": "17:00", "end": "09:00"}])},
            "week.mon",
            "ends before it starts",
        ),
        (
            {"week": dict(WEEK, tue=[OFFICE, {"start": "12:00", "end": "13:00"}])},
            "week.tue",
            "overlap",
        ),
        ({"week": dict(WEEK, wed=[{"start": "9", "end": "17:00"}])}, "week.wed", "HH:MM"),
        ({"week": dict(WEEK, thu=[{"start": "09:00", "end": "24:30"}])}, "week.thu", "24:00"),
        ({"week": dict(WEEK, fri="09:00-17:00")}, "week.fri", "list of intervals"),
        ({"week": {k: v for k, v in WEEK.items() if k != "sun"}}, "week.sun", "[] when closed"),
        ({"week": dict(WEEK, funday=[])}, "week", "Unknown days"),
        ({"week": {day: [] for day in WEEK}}, "week", "at least one working interval"),
        ({"week": []}, "week", "seven days"),
        ({"holidays": [{"date": "2026-02-30", "name": "Nope"}]}, "holidays[0].date", "YYYY"),
        ({"holidays": [{"date": "2026-12-25", "name": ""}]}, "holidays[0].name", "Name"),
        (
            {
                "holidays": [
                    {"date": "2026-12-25", "name": "A"},
                    {"date": "2026-12-25", "name": "B"},
                ]
            },
            "holidays[1].date",
            "already a holiday",
        ),
        ({"holidays": "xmas"}, "holidays", "Give a list"),
        ({"color": "blue"}, "color", "Unknown property"),
    ],
)
def test_bad_hours_are_refused_with_field_messages(api, body, field, message):
    before = api.get(HOURS).get_json()
    # A valid part in the same request is not saved either.
    response = api.put(HOURS, json={"timezone": "Asia/Tokyo", **body})
    assert response.status_code == 422, response.get_json()
    error = response.get_json()
    assert error["error"] == "validation_failed"
    assert any(message in text for text in error["fields"][field]), error
    assert api.get(HOURS).get_json() == before


def test_a_body_that_is_not_a_json_object_is_a_400(api):
    response = api.client.put(
        HOURS, data="week=mon", headers={**api.headers, "Content-Type": "text/plain"}
    )
    assert response.status_code == 400
    assert "JSON object" in response.get_json()["message"]
    assert api.put(HOURS, json=["mon"]).status_code == 400


def test_members_read_the_hours_but_cannot_change_them(api, member_api):
    assert member_api.get(HOURS).status_code == 200
    response = member_api.put(HOURS, json={"timezone": "Europe/Berlin"})
    assert response.status_code == 403
    assert api.get(HOURS).get_json()["timezone"] == "UTC"
    response = member_api.put("/api/v1/sla_targets/high", json={"hours": "business"})
    assert response.status_code == 403


def test_the_target_mode_is_validated(api):
    response = api.put("/api/v1/sla_targets/high", json={"hours": "office"})
    assert response.status_code == 422
    assert "24x7 or business" in response.get_json()["fields"]["hours"][0]
    targets = api.get("/api/v1/sla_targets").get_json()["data"]
    assert targets["high"]["hours"] == "24x7"


def test_a_damaged_stored_value_reads_as_the_default(app, tenant):
    with app.app_context(), tenant_scope(tenant["id"]):
        row = db.session.get(Tenant, tenant["id"])
        row.settings = {
            **row.settings,
            "business_hours": {"timezone": "Nowhere/City", "week": {"mon": "all day"}},
            "sla_hours": {"high": "sometimes", "low": "business"},
        }
        db.session.flush()
        body = hours.business_hours()
        assert body["timezone"] == "UTC" and body["weekly_minutes"] == 2400
        assert hours.target_modes() == {"low": "business"}
        assert hours.business_calendar().weekly_minutes == 2400
        db.session.rollback()


def test_holidays_are_added_and_removed_one_at_a_time(app, tenant):
    with app.app_context(), tenant_scope(tenant["id"]):
        hours.add_holiday("2026-05-01", "Labour Day")
        with pytest.raises(Exception, match="already a holiday"):
            hours.add_holiday("2026-05-01", "Again")
        assert [row["date"] for row in hours.business_hours()["holidays"]] == ["2026-05-01"]
        assert hours.remove_holiday("2026-05-01") is True
        assert hours.remove_holiday("2026-05-01") is False
        assert hours.business_hours()["holidays"] == []
        db.session.rollback()


# Due times ---------------------------------------------------------------------------------------


def test_a_business_hours_target_runs_from_friday_afternoon_into_monday(api, berlin_office, clock):
    clock(_berlin(2026, 11, 27, 16, 0))  # a Friday
    ticket = api.post(TICKETS, json={"subject": "Invoice wrong", "priority": "high"}).get_json()
    assert ticket["first_response_due_at"] == _z(_berlin(2026, 11, 30, 11, 30))
    # 1440 business minutes: Fri 90, Mon 510, Tue 510, then 330 on Wednesday.
    assert ticket["resolution_due_at"] == _z(_berlin(2026, 12, 2, 14, 30))
    assert ticket["sla_due_at"] == ticket["first_response_due_at"]

    # Other priorities still count around the clock.
    urgent = api.post(TICKETS, json={"subject": "Down", "priority": "urgent"}).get_json()
    assert urgent["first_response_due_at"] == _z(_berlin(2026, 11, 27, 17, 0))


def test_holidays_and_the_time_zone_move_the_due_time(api, berlin_office, clock):
    api.put(HOURS, json={"holidays": [{"date": "2026-11-30", "name": "Staff day"}]})
    clock(_berlin(2026, 11, 27, 16, 0))
    ticket = api.post(TICKETS, json={"subject": "Holiday", "priority": "high"}).get_json()
    assert ticket["first_response_due_at"] == _z(_berlin(2026, 12, 1, 11, 30))

    api.put(HOURS, json={"timezone": "America/New_York", "holidays": []})
    # Friday 16:00 in Berlin is 10:00 in New York: 240 minutes fit in the day.
    ticket = api.post(TICKETS, json={"subject": "NY", "priority": "high"}).get_json()
    assert ticket["first_response_due_at"] == _z(_berlin(2026, 11, 27, 20, 0))


def test_a_priority_change_recomputes_from_when_the_ticket_was_opened(
    app, tenant, api, berlin_office, clock
):
    clock(_berlin(2026, 11, 27, 16, 0))
    ticket = api.post(TICKETS, json={"subject": "Slow", "priority": "normal"}).get_json()
    assert ticket["first_response_due_at"] == _z(_berlin(2026, 11, 28, 0, 0))  # 8 h, 24x7
    with app.app_context(), tenant_scope(tenant["id"]):
        row = db.session.get(Ticket, (tenant["id"], uuid.UUID(ticket["id"])))
        row.created_at = _berlin(2026, 11, 27, 16, 0).astimezone(dt.UTC)
        db.session.commit()
    clock(_berlin(2026, 11, 30, 9, 10))
    raised = api.patch(f"{TICKETS}/{ticket['id']}", json={"priority": "high"}).get_json()
    assert raised["first_response_due_at"] == _z(_berlin(2026, 11, 30, 11, 30))
    assert raised["sla_status"] == "running"


def test_breach_and_risk_follow_the_business_due_time(api, berlin_office, clock):
    clock(_berlin(2026, 11, 27, 16, 0))
    api.post(TICKETS, json={"subject": "Weekend", "priority": "high"})
    overview = "/api/v1/tickets/sla?at_risk_minutes=120"
    # Saturday: in 24x7 terms 4 hours are long gone, but nothing is due before Monday.
    clock(_berlin(2026, 11, 28, 12, 0))
    assert api.get(overview).get_json()["on_track"] == 1
    clock(_berlin(2026, 11, 30, 10, 0))
    assert api.get(overview).get_json()["at_risk"] == 1
    clock(_berlin(2026, 11, 30, 11, 31))
    assert api.get(overview).get_json()["breached"] == 1


def test_the_breached_filter_lists_business_hours_tickets_past_due(api, berlin_office, clock):
    clock(_berlin(2020, 1, 3, 16, 0))  # long ago: due Monday 6 January 2020
    old = api.post(TICKETS, json={"subject": "Old", "priority": "high"}).get_json()
    assert old["first_response_due_at"] == _z(_berlin(2020, 1, 6, 11, 30))
    # The next Friday 16:00 (within the workspace's trial: a plan that ended would refuse the
    # API), whatever day the suite runs on.
    local = saas_clock.now().astimezone(BERLIN)
    friday = local.replace(hour=16, minute=0, second=0, microsecond=0)
    friday += dt.timedelta(days=(4 - local.weekday()) % 7 or 7)
    clock(friday)
    api.post(TICKETS, json={"subject": "Future", "priority": "high"})
    listed = api.get(f"{TICKETS}?filter[sla_due_at][lt]=now").get_json()["data"]
    assert [row["subject"] for row in listed] == ["Old"]


def test_one_workspace_hours_never_touch_another(api, other_api, berlin_office, clock):
    clock(_berlin(2026, 11, 27, 16, 0))
    other = other_api.get(HOURS).get_json()
    assert other["timezone"] == "UTC" and other["week"]["mon"] == [
        {"start": "09:00", "end": "17:00"}
    ]
    assert other_api.get("/api/v1/sla_targets").get_json()["data"]["high"]["hours"] == "24x7"
    ticket = other_api.post(TICKETS, json={"subject": "Globex", "priority": "high"}).get_json()
    assert ticket["first_response_due_at"] == _z(_berlin(2026, 11, 27, 20, 0))

    # Globex switching to business hours uses its own (default) calendar, not Acme's.
    other_api.put("/api/v1/sla_targets/high", json={"hours": "business"})
    ticket = other_api.post(TICKETS, json={"subject": "Globex 2", "priority": "high"}).get_json()
    # Friday 15:00 UTC, hours 09:00-17:00 UTC: 120 minutes on Friday, 120 on Monday.
    assert ticket["first_response_due_at"] == "2026-11-30T11:00:00Z"
    assert api.get(HOURS).get_json()["timezone"] == "Europe/Berlin"


def test_a_target_the_hours_can_never_reach_is_refused_not_a_crash(api):
    quarter_hour = {"start": "09:00", "end": "09:15"}
    week = {day: [] for day in WEEK} | {"mon": [quarter_hour]}
    assert api.put(HOURS, json={"week": week}).status_code == 200
    api.put(
        "/api/v1/sla_targets/low",
        json={"first_response_minutes": 60, "resolution_minutes": 527040, "hours": "business"},
    )
    response = api.post(TICKETS, json={"subject": "Never", "priority": "low"})
    assert response.status_code == 422
    assert (
        "too few to ever reach the low SLA target" in response.get_json()["fields"]["priority"][0]
    )
