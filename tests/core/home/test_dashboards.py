"""The home page dashboards: what each role sees, drawn as accessible SVG charts, counting
only what the signed-in user may see."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from core.deals import services as deals
from core.home import dashboards
from core.objects import permissions, registry, schema
from saas import clock
from tests.conftest import add_user
from tests.core.objects.conftest import Api, token_for
from tests.core.objects.test_views import MEMBER, run, set_rights, text

DEALS = "/api/v1/objects/deals"
ACTIVITIES = "/api/v1/objects/activities"


# Their answers depend on the hour and the weekday: CI also runs them on a weekday at noon
# and a Saturday night (the --clock option).
pytestmark = pytest.mark.time_sensitive


def _stages(app, tenant) -> dict[str, str]:
    def read(admin):
        pipeline = deals.find_default_pipeline() or deals.create_default_pipeline()
        return {stage.name: str(stage.id) for stage in deals.list_stages(pipeline.id)}

    return run(app, tenant, read)


def _member(app, tenant, login_as, role="member"):
    user_id = add_user(app, tenant, email=MEMBER["email"], password=MEMBER["password"], role=role)
    return (
        login_as(tenant, MEMBER["email"], MEMBER["password"]),
        Api(app, token_for(app, tenant, user_id)),
        user_id,
    )


def _section(page: str, heading_id: str) -> str:
    match = re.search(rf'<section[^>]*aria-labelledby="{heading_id}".*?</section>', page, re.S)
    assert match, f"no {heading_id} panel"
    return match.group(0)


def _pipeline(app, tenant, api):
    stages = _stages(app, tenant)
    names = list(stages)
    first, second, won, lost = names[0], names[1], "Won", "Lost"
    api.post(DEALS, json={"name": "A", "amount": "1000", "stage_id": stages[first]})
    api.post(DEALS, json={"name": "B", "amount": "3000", "stage_id": stages[second]})
    api.post(DEALS, json={"name": "C", "amount": "500", "stage_id": stages[won]})
    api.post(
        DEALS,
        json={"name": "D", "amount": "700", "stage_id": stages[lost], "lost_reason": "Price"},
    )
    return first, second


def test_a_manager_sees_the_pipeline_by_stage_forecast_and_win_rate(app, tenant, api, client):
    first, second = _pipeline(app, tenant, api)
    page = text(client.get("/"))
    pipeline = _section(page, "pipeline-head")
    assert "<dt>Open amount</dt><dd>$4,000</dd>" in pipeline
    chart = re.search(r'<svg class="chart grouped".*?</svg>', pipeline, re.S).group(0)
    assert 'role="img"' in chart and "<title" in chart and "<desc" in chart
    assert f"{first}: amount $1,000 (1 deal)" in chart
    assert f"{second}: amount $3,000 (1 deal)" in chart
    win = _section(page, "win-head")
    assert "<dt>Win rate</dt><dd>50%</dd>" in win
    assert "Won: 1 won; Lost: 1 lost." in win


def test_members_get_no_manager_panel_and_managers_do(app, tenant, api, login_as):
    _pipeline(app, tenant, api)
    member, _, _ = _member(app, tenant, login_as)
    assert 'id="pipeline-head"' not in text(member.get("/"))


def test_the_manager_panel_counts_only_the_deals_the_manager_may_see(app, tenant, api, login_as):
    _pipeline(app, tenant, api)
    manager, manager_api, _ = _member(app, tenant, login_as, role="manager")
    stages = _stages(app, tenant)
    manager_api.post(
        DEALS, json={"name": "Mine", "amount": "250", "stage_id": list(stages.values())[0]}
    )
    assert "<dt>Open amount</dt><dd>$4,250</dd>" in text(manager.get("/"))
    run(
        app,
        tenant,
        lambda admin: permissions.set_rights(
            role="manager", object_name="deals", rights={"visibility": "own"}
        ),
    )
    page = text(manager.get("/"))
    assert "<dt>Open amount</dt><dd>$250</dd>" in page
    assert "<dt>Win rate</dt><dd>—</dd>" in page


def test_a_salesperson_sees_their_open_deals_tasks_due_and_recent_activity(
    app, tenant, api, login_as
):
    stages = _stages(app, tenant)
    first = list(stages.values())[0]
    member, member_api, member_id = _member(app, tenant, login_as)
    member_api.post(DEALS, json={"name": "My deal", "amount": "1200", "stage_id": first})
    api.post(DEALS, json={"name": "Someone else's deal", "amount": "9", "stage_id": first})
    now = clock.now()
    for subject, days in (("Late task", -2), ("Soon task", 3), ("Far task", 30)):
        member_api.post(
            ACTIVITIES,
            json={
                "type": "task",
                "subject": subject,
                "due_at": (now + dt.timedelta(days=days)).isoformat(),
            },
        )
    member_api.post(
        ACTIVITIES,
        json={
            "type": "task",
            "subject": "Done task",
            "done": True,
            "due_at": (now - dt.timedelta(days=1)).isoformat(),
        },
    )
    api.post(
        ACTIVITIES,
        json={
            "type": "task",
            "subject": "Admin's task",
            "due_at": (now - dt.timedelta(days=1)).isoformat(),
        },
    )
    page = text(member.get("/"))

    deals_panel = _section(page, "deals-head")
    assert "My deal" in deals_panel and "Someone else" not in deals_panel
    assert "<dt>Amount</dt><dd>$1,200</dd>" in deals_panel

    tasks = _section(page, "tasks-head")
    assert "<dt>Overdue</dt><dd>1</dd>" in tasks
    assert tasks.index("Late task") < tasks.index("Soon task") < tasks.index("Far task")
    assert "Done task" not in tasks and "Admin's task" not in tasks
    assert "Overdue: 1; Today: 0; Next 7 days: 1; Later: 1." in tasks

    recent = _section(page, "recent-head")
    assert "Admin&#39;s task" in recent or "Admin's task" in recent  # visibility: all

    set_rights(app, tenant, "activities", visibility="own")
    recent = _section(text(member.get("/")), "recent-head")
    assert "Admin" not in recent and "Late task" in recent


def test_panels_of_objects_one_cannot_read_are_left_out(app, tenant, login_as):
    member, _, _ = _member(app, tenant, login_as)
    set_rights(app, tenant, "deals", read=False)
    set_rights(app, tenant, "activities", read=False)
    page = text(member.get("/"))
    assert member.get("/").status_code == 200
    for heading in ("deals-head", "tasks-head", "recent-head", "pipeline-head"):
        assert f'id="{heading}"' not in page


def test_a_bad_pipeline_choice_falls_back_to_the_default(app, tenant, api, client):
    _pipeline(app, tenant, api)
    for value in ("nope", "01890000-0000-7000-8000-000000000000"):
        response = client.get(f"/?pipeline={value}")
        assert response.status_code == 200
        assert "Pipeline: Sales" in text(response)


def test_without_a_tickets_object_there_is_no_service_panel(client, monkeypatch):
    real = registry.standard_objects
    monkeypatch.setattr(
        dashboards,
        "standard_objects",
        lambda: {name: spec for name, spec in real().items() if name != "tickets"},
    )
    page = text(client.get("/"))
    assert 'id="deals-head"' in page and 'id="service-head"' not in page


@pytest.fixture
def tickets_object(app, tenant, monkeypatch):
    """A tickets object with an assignee, a status and SLA due times, standing in for the
    service module's (which registers ``tickets`` among the standard objects)."""

    def define(admin):
        schema.create_custom_object(name="support_cases", label="Support case")
        schema.add_field(
            "support_cases", name="assignee", label="Assignee", type="user", filterable=True
        )
        schema.add_field(
            "support_cases",
            name="status",
            label="Status",
            type="picklist",
            options={"values": [{"value": v} for v in ("new", "open", "resolved", "closed")]},
            filterable=True,
        )
        schema.add_field(
            "support_cases", name="sla_due_at", label="SLA due", type="datetime", filterable=True
        )

    run(app, tenant, define)
    real = registry.standard_objects
    monkeypatch.setattr(
        dashboards,
        "standard_objects",
        lambda: real() | {"tickets": registry.object_for_tenant("support_cases")},
    )
    return "/api/v1/objects/support_cases"


def test_a_service_agent_sees_their_open_tickets_by_sla(app, tenant, api, login_as, tickets_object):
    member, member_api, member_id = _member(app, tenant, login_as)
    now = clock.now()

    def ticket(name, status, hours, assignee=member_id):
        due = (now + dt.timedelta(hours=hours)).isoformat() if hours is not None else None
        response = api.post(
            tickets_object,
            json={"name": name, "status": status, "sla_due_at": due, "assignee": str(assignee)},
        )
        assert response.status_code == 201, response.get_json()

    ticket("Printer on fire", "open", -1)
    ticket("Slow laptop", "new", 2)
    ticket("New chair", "open", 48)
    ticket("Someday", "new", None)
    ticket("Fixed already", "resolved", -5)
    ticket("Not mine", "open", -3, assignee=tenant["admin_id"])

    panel = _section(text(member.get("/")), "service-head")
    assert "Breached: 1; At risk: 1; On track: 1; No due time: 1." in panel
    assert panel.index("Printer on fire") < panel.index("Slow laptop") < panel.index("New chair")
    assert "SLA breached" in panel
    assert "Fixed already" not in panel and "Not mine" not in panel
    assert 'href="/o/support_cases/' in panel


def test_a_workspace_without_tickets_gets_no_service_card(app, tenant, api, client, tickets_object):
    page = text(client.get("/"))
    assert 'id="deals-head"' in page and 'id="service-head"' not in page
    # Once the workspace has a ticket, the card is there (empty for whoever has none).
    assert api.post(tickets_object, json={"name": "First request", "status": "new"}).status_code
    page = text(client.get("/"))
    assert 'id="service-head"' in page
    assert "No open ticket is assigned to you." in _section(page, "service-head")


def _steps(page: str) -> list[str]:
    if 'aria-labelledby="start-head"' not in page:
        return []
    return re.findall(r'data-step="([a-z]+)"', _section(page, "start-head"))


def test_get_started_shows_each_step_until_its_data_exists(app, tenant, api, client):
    assert _steps(text(client.get("/"))) == ["contacts", "team", "pipeline", "fields"]
    started = _section(text(client.get("/")), "start-head")
    assert 'href="/o/contacts/new"' in started and "no file import yet" in started
    assert 'href="/o/deals/board"' in started

    assert api.post("/api/v1/objects/contacts", json={"last_name": "Lima"}).status_code == 201
    assert _steps(text(client.get("/"))) == ["team", "pipeline", "fields"]
    add_user(app, tenant, email="colleague@acme.example.com", role="member")
    assert api.post(DEALS, json={"name": "First deal"}).status_code == 201
    assert _steps(text(client.get("/"))) == ["fields"]

    def add_field(admin):
        schema.add_field("contacts", name="shoe_size", label="Shoe size", type="number")

    run(app, tenant, add_field)
    page = text(client.get("/"))
    assert _steps(page) == [] and "Get started" not in page


def test_get_started_leaves_single_sign_on_to_setup(client):
    page = text(client.get("/"))
    started = _section(page, "start-head")
    assert "Invite your team" in started
    assert "single sign-on" not in started.lower()
    # It stays in Setup, where admins configure the workspace.
    assert "Single sign-on</a>" in page


def test_a_new_workspace_starts_with_get_started_and_an_empty_pipeline_says_so(client):
    page = text(client.get("/"))
    # The first steps come first, before the dashboards that have nothing to show yet.
    assert page.index('id="start-head"') < page.index("Team pipeline")
    pipeline = _section(page, "pipeline-head")
    # No row of empty bars: a sentence saying where deals come from, and a way there.
    assert '<svg class="chart' not in pipeline
    assert "No open deal yet: the deals on the board show here by stage." in pipeline
    assert 'href="/o/deals/board">Open the deals board</a>' in pipeline
