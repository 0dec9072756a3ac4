"""The timeline on record pages and its quick form (log a call, add a note, add a task)."""

from __future__ import annotations

import re

from tests.conftest import add_user
from tests.core.objects.conftest import Api, token_for
from tests.core.objects.test_views import MEMBER, set_rights, text

ACTIVITIES = "/api/v1/objects/activities"
COMPANIES = "/api/v1/objects/companies"


def _company(api, name="Initech") -> dict:
    return api.post(COMPANIES, json={"name": name}).get_json()


def _activities(api) -> list[dict]:
    return api.get(ACTIVITIES + "?sort=created_at").get_json()["data"]


def _timeline_html(page: str) -> str:
    match = re.search(r'<section class="card timeline".*?</section>', page, re.S)
    assert match, "the record page has no timeline"
    return match.group(0)


def test_the_record_page_shows_activities_and_changes_newest_first(api, client):
    company = _company(api)
    api.post(
        ACTIVITIES,
        json={
            "type": "call",
            "subject": "Kick-off call",
            "body": "Ask @admin@acme.example.com & <b>co</b> about it",
            "related_object": "companies",
            "related_id": company["id"],
        },
    )
    api.patch(f"{COMPANIES}/{company['id']}", json={"industry": "Retail"})
    timeline = _timeline_html(text(client.get(f"/o/companies/{company['id']}")))
    assert timeline.index("changed Industry") < timeline.index("Kick-off call")
    assert timeline.index("Kick-off call") < timeline.index("created it")
    # The mention names the user; the rest of the text is escaped.
    assert re.search(
        r'<span class="mention" title="admin@acme.example.com">@[^<]+</span>', timeline
    )
    assert "&lt;b&gt;co&lt;/b&gt;" in timeline and "<b>co</b>" not in timeline


def test_logging_a_call_from_the_record_page(api, client):
    company = _company(api)
    done = client.post(
        f"/o/companies/{company['id']}/activities",
        data={"type": "call", "subject": "", "body": "Spoke to Bill.\nHe wants a demo."},
    )
    assert done.status_code == 303 and done.headers["Location"].endswith("#timeline")
    [call] = _activities(api)
    assert call["type"] == "call" and call["subject"] == "Spoke to Bill." and call["done"]
    assert call["related_object"] == "companies" and call["related_id"] == company["id"]
    assert "Spoke to Bill." in _timeline_html(text(client.get(done.headers["Location"])))


def test_adding_a_task_with_a_due_time_and_marking_it_done(app, tenant, api, client):
    company = _company(api)
    client.post(
        f"/o/companies/{company['id']}/activities",
        data={"type": "task", "subject": "Send the quote", "due_at": "2030-01-31T09:00"},
    )
    [task] = _activities(api)
    assert task["type"] == "task" and not task["done"] and task["due_at"].startswith("2030-01-31")
    timeline = _timeline_html(text(client.get(f"/o/companies/{company['id']}")))
    # Babel writes the moment in the workspace's zone (CLDR puts a narrow space before AM).
    assert "Due Jan 31, 2030, 9:00\u202fAM" in timeline and "Mark done" in timeline
    marked = client.post(
        f"/o/activities/{task['id']}/fields/done",
        data={"done": "1", "version": task["version"], "next": f"/o/companies/{company['id']}"},
    )
    assert marked.status_code == 303
    assert api.get(f"{ACTIVITIES}/{task['id']}").get_json()["done"] is True


def test_a_refused_quick_form_keeps_what_was_typed_and_writes_nothing(api, client):
    company = _company(api)
    refused = client.post(
        f"/o/companies/{company['id']}/activities",
        data={"type": "task", "subject": "", "body": "", "due_at": "not a date"},
    )
    assert refused.status_code == 422
    timeline = _timeline_html(text(refused))
    assert 'id="quick-subject-error"' in timeline and 'id="quick-due-error"' in timeline
    assert 'value="task" checked' in timeline
    assert _activities(api) == []


def test_the_quick_form_refuses_unknown_or_invisible_records(app, tenant, api, client, login_as):
    assert (
        client.post("/o/companies/01890000-0000-7000-8000-000000000000/activities").status_code
        == 404
    )
    assert client.post("/o/nothing/x/activities").status_code == 404
    company = _company(api)
    assert client.post(f"/o/activities/{company['id']}/activities").status_code == 404

    add_user(app, tenant, email=MEMBER["email"], password=MEMBER["password"])
    member = login_as(tenant, MEMBER["email"], MEMBER["password"])
    set_rights(app, tenant, "companies", visibility="own")
    assert member.post(
        f"/o/companies/{company['id']}/activities", data={"subject": "Sneaky"}
    ).status_code in (403, 404)
    assert _activities(api) == []


def test_the_timeline_follows_the_rights_on_activities(app, tenant, api, login_as):
    company = _company(api)
    api.post(
        ACTIVITIES,
        json={
            "subject": "Admin's call",
            "related_object": "companies",
            "related_id": company["id"],
        },
    )
    user_id = add_user(app, tenant, email=MEMBER["email"], password=MEMBER["password"])
    member = login_as(tenant, MEMBER["email"], MEMBER["password"])

    set_rights(app, tenant, "activities", visibility="own")
    timeline = _timeline_html(text(member.get(f"/o/companies/{company['id']}")))
    assert "Admin's call" not in timeline and "quick-activity" in timeline
    Api(app, token_for(app, tenant, user_id)).post(
        ACTIVITIES,
        json={"subject": "My call", "related_object": "companies", "related_id": company["id"]},
    )
    assert "My call" in _timeline_html(text(member.get(f"/o/companies/{company['id']}")))

    set_rights(app, tenant, "activities", create=False)
    page = text(member.get(f"/o/companies/{company['id']}"))
    assert "quick-activity" not in page
    assert (
        member.post(f"/o/companies/{company['id']}/activities", data={"subject": "No"}).status_code
        == 403
    )

    set_rights(app, tenant, "activities", read=False)
    assert 'class="card timeline"' not in text(member.get(f"/o/companies/{company['id']}"))
