"""Campaigns and their members through the generic record API: member status, first
response, one membership per person, attributed revenue and the performance report."""

from __future__ import annotations

import pytest

CAMPAIGNS = "/api/v1/objects/campaigns"
MEMBERS = "/api/v1/objects/campaign_members"


def _create(api, path: str, **values) -> dict:
    response = api.post(path, json=values)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


@pytest.fixture
def spring(api) -> dict:
    return _create(api, CAMPAIGNS, name="Spring fair", type="event", cost="1000")


@pytest.fixture
def people(api) -> dict:
    return {
        "ada": _create(api, "/api/v1/objects/contacts", first_name="Ada", last_name="Lovelace"),
        "bob": _create(api, "/api/v1/objects/contacts", first_name="Bob", last_name="Byte"),
        "lee": _create(api, "/api/v1/objects/leads", first_name="Lee", last_name="Prospect"),
    }


def _sum_won(api, campaign: dict) -> dict:
    return api.get(f"{CAMPAIGNS}/{campaign['id']}").get_json()


def test_members_are_contacts_or_leads_with_a_status(api, spring, people):
    ada = _create(api, MEMBERS, campaign_id=spring["id"], contact_id=people["ada"]["id"])
    assert ada["status"] == "planned" and ada["responded_at"] is None
    lee = _create(api, MEMBERS, campaign_id=spring["id"], lead_id=people["lee"]["id"])
    assert lee["lead_id"] == people["lee"]["id"]

    sent = api.patch(f"{MEMBERS}/{ada['id']}", json={"status": "sent"}).get_json()
    assert sent["responded_at"] is None
    responded = api.patch(f"{MEMBERS}/{ada['id']}", json={"status": "responded"}).get_json()
    assert responded["responded_at"] is not None
    converted = api.patch(f"{MEMBERS}/{ada['id']}", json={"status": "converted"}).get_json()
    assert converted["responded_at"] == responded["responded_at"]  # the first response stays

    listed = api.get(f"{MEMBERS}?filter[campaign_id]={spring['id']}&filter[status]=converted")
    assert [row["id"] for row in listed.get_json()["data"]] == [ada["id"]]
    assert api.patch(f"{MEMBERS}/{ada['id']}", json={"status": "bought"}).status_code == 422


@pytest.mark.parametrize("who", ["both", "neither"])
def test_a_member_is_one_contact_or_one_lead(api, spring, people, who):
    values = {"campaign_id": spring["id"]}
    if who == "both":
        values |= {"contact_id": people["ada"]["id"], "lead_id": people["lee"]["id"]}
    response = api.post(MEMBERS, json=values)
    assert response.status_code == 422
    assert set(response.get_json()["fields"]) == {"contact_id", "lead_id"}
    assert api.get(MEMBERS).get_json()["data"] == []


def test_a_person_joins_a_campaign_once(api, spring, people):
    first = _create(api, MEMBERS, campaign_id=spring["id"], contact_id=people["ada"]["id"])
    again = api.post(MEMBERS, json={"campaign_id": spring["id"], "contact_id": people["ada"]["id"]})
    assert again.status_code == 409 and "contact_id" in again.get_json()["fields"]
    # Once removed (recycle bin), the person can be added again.
    assert api.delete(f"{MEMBERS}/{first['id']}").status_code == 204
    _create(api, MEMBERS, campaign_id=spring["id"], contact_id=people["ada"]["id"])
    # The same person may be in another campaign.
    autumn = _create(api, CAMPAIGNS, name="Autumn mailing")
    _create(api, MEMBERS, campaign_id=autumn["id"], contact_id=people["ada"]["id"])


def test_a_member_needs_a_campaign_that_exists(api, people):
    response = api.post(
        MEMBERS,
        json={
            "campaign_id": "01a00000-0000-7000-8000-000000000000",
            "contact_id": people["ada"]["id"],
        },
    )
    assert response.status_code == 422 and "campaign_id" in response.get_json()["fields"]


def test_a_campaign_cannot_end_before_it_starts(api):
    response = api.post(
        CAMPAIGNS, json={"name": "Backwards", "start_date": "2027-05-01", "end_date": "2027-04-01"}
    )
    assert response.status_code == 422 and "end_date" in response.get_json()["fields"]


def test_attributed_revenue_counts_won_deals_and_entered_revenue(api, spring, people):
    stages = {
        s["name"]: s["id"] for s in api.get("/api/v1/pipelines").get_json()["data"][0]["stages"]
    }
    deal = {"campaign_id": spring["id"]}
    _create(
        api, "/api/v1/objects/deals", name="Won 1", amount="2500", stage_id=stages["Won"], **deal
    )
    _create(
        api, "/api/v1/objects/deals", name="Won 2", amount="500.50", stage_id=stages["Won"], **deal
    )
    open_deal = _create(api, "/api/v1/objects/deals", name="Open", amount="9000", **deal)
    _create(
        api,
        "/api/v1/objects/deals",
        name="Lost",
        amount="7000",
        stage_id=stages["Lost"],
        lost_reason="Price",
        **deal,
    )
    _create(api, "/api/v1/objects/deals", name="Elsewhere", amount="100", stage_id=stages["Won"])
    for name in ("ada", "bob"):
        _create(api, MEMBERS, campaign_id=spring["id"], contact_id=people[name]["id"])
    member = api.get(f"{MEMBERS}?filter[contact_id]={people['ada']['id']}").get_json()["data"][0]
    api.patch(f"{MEMBERS}/{member['id']}", json={"status": "converted"})
    api.patch(f"{CAMPAIGNS}/{spring['id']}", json={"other_revenue": "499.50"})

    campaign = _sum_won(api, spring)
    assert campaign["won_revenue"] == 3000.5
    assert campaign["members"] == 2 and campaign["responses"] == 1 and campaign["conversions"] == 1

    report = api.get(f"/api/v1/campaigns/{spring['id']}/performance").get_json()
    assert report["won_deals"] == 2 and report["won_revenue"] == "3000.50"
    assert report["other_revenue"] == "499.50" and report["attributed_revenue"] == "3500.00"
    assert report["cost"] == "1000.00" and report["roi_percent"] == 250.0
    assert report["members_by_status"] == {"planned": 1, "sent": 0, "responded": 0, "converted": 1}
    assert report["response_rate"] == 50.0 and report["cost_per_response"] == "1000.00"

    # Winning the open deal adds it; deleting a won one takes it away.
    api.patch(f"/api/v1/objects/deals/{open_deal['id']}", json={"stage_id": stages["Won"]})
    assert _sum_won(api, spring)["won_revenue"] == 12000.5
    assert (
        api.get(f"/api/v1/campaigns/{spring['id']}/performance").get_json()["attributed_revenue"]
        == "12500.00"
    )


def test_a_campaign_without_members_or_cost_reports_no_rates(api):
    empty = _create(api, CAMPAIGNS, name="Quiet")
    report = api.get(f"/api/v1/campaigns/{empty['id']}/performance").get_json()
    assert report["members"] == 0 and report["response_rate"] is None
    assert report["roi_percent"] is None and report["attributed_revenue"] == "0.00"
    assert api.get("/api/v1/campaigns/not-an-id/performance").status_code == 404


def test_members_show_on_the_campaign_and_the_contact_pages(client, api, spring, people):
    _create(api, MEMBERS, campaign_id=spring["id"], contact_id=people["ada"]["id"])
    page = client.get(f"/o/campaigns/{spring['id']}").get_data(as_text=True)
    assert "Campaign members" in page and "Ada Lovelace" in page
    contact_page = client.get(f"/o/contacts/{people['ada']['id']}").get_data(as_text=True)
    assert "Campaign members" in contact_page


def test_member_titles_hide_what_the_reader_may_not_see(app, tenant, api, client, spring, people):
    from tests.conftest import TenantClient, add_user

    _create(api, MEMBERS, campaign_id=spring["id"], contact_id=people["ada"]["id"])
    page = client.get(f"/o/contacts/{people['ada']['id']}").get_data(as_text=True)
    assert "Ada Lovelace — Spring fair (planned)" in page
    add_user(app, tenant, email="rep@acme.example.com", password="member password 3")
    api.put("/api/v1/permissions/member/campaigns", json={"visibility": "own"})
    web = TenantClient(app, tenant)
    web.login("rep@acme.example.com", "member password 3")
    seen = web.get(f"/o/contacts/{people['ada']['id']}").get_data(as_text=True)
    assert "Ada Lovelace — a campaign you cannot see (planned)" in seen
    assert "Spring fair" not in seen
