"""A record's timeline: its activities and its changes, newest first, a page at a time."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from core.activities.models import Activity
from saas.db import db
from tenants.scoping import tenant_scope
from tests.conftest import add_user
from tests.core.objects.conftest import Api, token_for

ACTIVITIES = "/api/v1/objects/activities"
COMPANIES = "/api/v1/objects/companies"


def _timeline(api, company, query=""):
    response = api.get(f"{COMPANIES}/{company['id']}/timeline{query}")
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def _log(api, company, subject) -> dict:
    response = api.post(
        ACTIVITIES,
        json={"subject": subject, "related_object": "companies", "related_id": company["id"]},
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _spread_in_time(app, tenant) -> None:
    """Give each activity its own minute, in the order they were created."""
    with app.app_context(), tenant_scope(tenant["id"]):
        activities = db.session.scalars(select(Activity).order_by(Activity.id)).all()
        start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        for minute, activity in enumerate(activities):
            activity.created_at = start + dt.timedelta(minutes=minute)
        db.session.commit()


def test_timeline_lists_activities_and_changes_newest_first(app, tenant, api):
    company = api.post(COMPANIES, json={"name": "Initech"}).get_json()
    other = api.post(COMPANIES, json={"name": "Other"}).get_json()
    first = _log(api, company, "First call")
    second = _log(api, company, "Second call")
    _log(api, other, "Not about Initech")
    gone = _log(api, company, "Deleted note")
    api.delete(f"{ACTIVITIES}/{gone['id']}")
    _spread_in_time(app, tenant)
    api.patch(f"{COMPANIES}/{company['id']}", json={"industry": "Retail"})

    items = _timeline(api, company)["data"]
    kinds = [(i["type"], i.get("action") or i["activity"]["subject"]) for i in items]
    assert kinds == [
        ("change", "update"),
        ("change", "create"),
        ("activity", "Second call"),
        ("activity", "First call"),
    ]
    assert items[0]["changes"] == {"industry": [None, "Retail"]}
    assert items[2]["activity"]["id"] == second["id"] and items[3]["activity"]["id"] == first["id"]
    assert items[0]["at"] >= items[1]["at"] > items[2]["at"] > items[3]["at"]


def test_timeline_pages_visit_every_item_once(app, tenant, api):
    company = api.post(COMPANIES, json={"name": "Initech"}).get_json()
    for n in range(5):
        _log(api, company, f"Call {n}")
    _spread_in_time(app, tenant)
    for n in range(3):
        api.patch(f"{COMPANIES}/{company['id']}", json={"employees": n + 1})
    seen, cursor, pages = [], None, 0
    while True:
        page = _timeline(api, company, "?limit=3" + (f"&cursor={cursor}" if cursor else ""))
        pages += 1
        seen += [
            i["at"] + (i["activity"]["id"] if "activity" in i else i["action"])
            for i in page["data"]
        ]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert pages == 3 and len(seen) == 9 and len(set(seen)) == 9
    assert seen == sorted(seen, reverse=True)
    assert api.get(f"{COMPANIES}/{company['id']}/timeline?limit=0").status_code == 422
    assert api.get(f"{COMPANIES}/{company['id']}/timeline?cursor=%%%").status_code == 422


def test_timeline_shows_only_the_activities_you_may_see(app, tenant, api):
    company = api.post(COMPANIES, json={"name": "Initech"}).get_json()
    ann = Api(app, token_for(app, tenant, add_user(app, tenant, email="ann@acme.example.com")))
    _log(ann, company, "Ann's call")
    _log(api, company, "Admin's private call")
    api.put("/api/v1/permissions/member/activities", json={"visibility": "own"})
    subjects = [
        i["activity"]["subject"] for i in _timeline(ann, company)["data"] if "activity" in i
    ]
    assert subjects == ["Ann's call"]
    api.put("/api/v1/permissions/member/activities", json={"read": False})
    assert [i["type"] for i in _timeline(ann, company)["data"]] == ["change"]
    assert len(_timeline(api, company)["data"]) == 3


def test_timeline_of_another_workspaces_record_is_not_found(api, other_api):
    company = api.post(COMPANIES, json={"name": "Initech"}).get_json()
    _log(api, company, "Secret call")
    response = other_api.get(f"{COMPANIES}/{company['id']}/timeline")
    assert response.status_code == 404 and "Secret" not in response.get_data(as_text=True)
    assert other_api.get(f"/api/v1/objects/spaceships/{company['id']}/timeline").status_code == 404


def test_timeline_of_a_deal(api):
    deal = api.post("/api/v1/objects/deals", json={"name": "Big one"}).get_json()
    api.post(
        ACTIVITIES,
        json={
            "subject": "Demo",
            "type": "meeting",
            "related_object": "deals",
            "related_id": deal["id"],
        },
    )
    items = api.get(f"/api/v1/objects/deals/{deal['id']}/timeline").get_json()["data"]
    assert {i["type"] for i in items} == {"activity", "change"}
