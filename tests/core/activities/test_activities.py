"""Activities: related records, assignees, mentions, completion, reminders."""

from __future__ import annotations

from tests.conftest import add_user
from tests.core.objects.conftest import Api, token_for

ACTIVITIES = "/api/v1/objects/activities"
COMPANIES = "/api/v1/objects/companies"


def _company(api, name="Initech") -> dict:
    return api.post(COMPANIES, json={"name": name}).get_json()


def _activity(api, **values) -> dict:
    response = api.post(ACTIVITIES, json={"subject": "Call back", **values})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_an_activity_about_a_record(api, tenant):
    company = _company(api)
    activity = _activity(
        api,
        type="call",
        related_object="companies",
        related_id=company["id"].upper(),
        due_at="2027-01-05T09:00:00+01:00",
    )
    assert activity["type"] == "call" and activity["done"] is False
    assert activity["related_object"] == "companies"
    assert activity["related_id"] == company["id"]  # normalised
    assert activity["assignee_id"] == str(tenant["admin_id"])
    assert activity["due_at"] == "2027-01-05T08:00:00Z"
    assert _activity(api)["type"] == "task"  # the default
    listed = api.get(f"{ACTIVITIES}?filter[related_id]={company['id']}").get_json()["data"]
    assert [a["id"] for a in listed] == [activity["id"]]


def test_the_related_record_must_exist_and_be_visible(app, tenant, api, other_api):
    theirs = _company(other_api, "Globex Secret")
    for values, field in (
        ({"related_object": "companies", "related_id": theirs["id"]}, "related_id"),
        ({"related_object": "companies", "related_id": "not-an-id"}, "related_id"),
        ({"related_object": "spaceships", "related_id": theirs["id"]}, "related_object"),
        ({"related_object": "companies"}, "related_id"),
        ({"related_id": theirs["id"]}, "related_object"),
    ):
        response = api.post(ACTIVITIES, json={"subject": "Sneaky", **values})
        assert response.status_code == 422, values
        assert field in response.get_json()["fields"], values
    assert "Globex Secret" not in response.get_data(as_text=True)
    assert api.get(ACTIVITIES).get_json()["data"] == []

    mine = _company(api, "Admin's own")
    ann = Api(app, token_for(app, tenant, add_user(app, tenant, email="ann@acme.example.com")))
    api.put("/api/v1/permissions/member/companies", json={"visibility": "own"})
    hidden = ann.post(
        ACTIVITIES,
        json={"subject": "Peek", "related_object": "companies", "related_id": mine["id"]},
    )
    assert hidden.status_code == 422 and "related_id" in hidden.get_json()["fields"]

    activity = _activity(api, related_object="companies", related_id=mine["id"])
    moved = api.patch(f"{ACTIVITIES}/{activity['id']}", json={"related_id": theirs["id"]})
    assert moved.status_code == 422
    cleared = api.patch(
        f"{ACTIVITIES}/{activity['id']}", json={"related_object": None, "related_id": None}
    )
    assert cleared.status_code == 200 and cleared.get_json()["related_object"] is None


def test_mentions_are_parsed_stored_and_notified(app, tenant, api, other_tenant, mail):
    ann_id = add_user(app, tenant, email="ann@acme.example.com")
    bob_id = add_user(app, tenant, email="bob@acme.example.com")
    add_user(app, other_tenant, email="eve@globex.example.com")
    body = (
        "Ask @ann@acme.example.com and @BOB@acme.example.com. Not @eve@globex.example.com, "
        "not @nobody@acme.example.com, not mail@ann@acme.example.com; again @ann@acme.example.com"
    )
    activity = _activity(api, type="note", body=body)
    assert activity["mentions"] == [str(ann_id), str(bob_id)]
    assert sorted(m["to"] for m in mail) == ["ann@acme.example.com", "bob@acme.example.com"]
    assert all("Call back" in m["subject"] for m in mail)

    mail.clear()
    path = f"{ACTIVITIES}/{activity['id']}"
    changed = api.patch(
        path, json={"body": f"Only @bob@acme.example.com and @{tenant['admin_email']}"}
    )
    assert changed.get_json()["mentions"] == [str(bob_id), str(tenant["admin_id"])]
    assert mail == []  # Bob was told already; the author is not told about themselves
    assert api.patch(path, json={"mentions": [str(ann_id)]}).status_code == 422
    assert api.patch(path, json={"body": "No one"}).get_json()["mentions"] is None


def test_done_sets_the_completion_time(api):
    activity = _activity(api)
    path = f"{ACTIVITIES}/{activity['id']}"
    done = api.patch(path, json={"done": True}).get_json()
    assert done["done"] is True and done["completed_at"] is not None
    assert (
        api.patch(path, json={"subject": "Called"}).get_json()["completed_at"]
        == done["completed_at"]
    )
    reopened = api.patch(path, json={"done": False}).get_json()
    assert reopened["completed_at"] is None
    assert _activity(api, done=True)["completed_at"] is not None


def test_a_reminder_comes_before_the_due_time(api):
    refused = api.post(
        ACTIVITIES,
        json={
            "subject": "Late",
            "due_at": "2027-01-05T09:00:00Z",
            "reminder_at": "2027-01-05T10:00:00Z",
        },
    )
    assert refused.status_code == 422 and "reminder_at" in refused.get_json()["fields"]
    activity = _activity(api, due_at="2027-01-05T09:00:00Z", reminder_at="2027-01-05T08:45:00Z")
    moved = api.patch(f"{ACTIVITIES}/{activity['id']}", json={"due_at": "2027-01-05T08:00:00Z"})
    assert moved.status_code == 422


def test_assignee_must_be_a_user_of_the_workspace(api, other_tenant):
    response = api.post(
        ACTIVITIES, json={"subject": "Hand over", "assignee_id": str(other_tenant["admin_id"])}
    )
    assert response.status_code == 422 and "assignee_id" in response.get_json()["fields"]
