"""Deals through the generic record API: stages, probabilities, status, lost reasons."""

from __future__ import annotations

import pytest

from tests.conftest import add_user
from tests.core.objects.conftest import Api, token_for

DEALS = "/api/v1/objects/deals"


@pytest.fixture
def sales(api) -> dict:
    """Acme's default pipeline, with its stages by name."""
    pipeline = api.get("/api/v1/pipelines").get_json()["data"][0]
    return pipeline | {"stage": {s["name"]: s for s in pipeline["stages"]}}


def _create(api, **values) -> dict:
    response = api.post(DEALS, json=values)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _move(api, deal: dict, **values):
    return api.patch(f"{DEALS}/{deal['id']}", json=values)


def test_a_new_deal_starts_in_the_first_stage_of_the_default_pipeline(api, sales):
    deal = _create(api, name="Big order", amount="12000", close_date="2027-03-31")
    assert deal["pipeline_id"] == sales["id"]
    assert deal["stage_id"] == sales["stage"]["Qualification"]["id"]
    assert deal["probability"] == 10 and deal["status"] == "open"
    assert deal["amount"] == "12000.00" and deal["weighted_amount"] == 1200
    assert deal["closed_at"] is None and deal["lost_reason"] is None


def test_probability_follows_the_stage_unless_given(api, sales):
    deal = _create(api, name="Upsell", amount="1000", stage_id=sales["stage"]["Proposal"]["id"])
    assert deal["probability"] == 50 and deal["weighted_amount"] == 500
    moved = _move(api, deal, stage_id=sales["stage"]["Negotiation"]["id"])
    assert moved.status_code == 200
    assert moved.get_json()["probability"] == 75 and moved.get_json()["weighted_amount"] == 750
    # A probability given with the move, or later, is the seller's judgement and stays.
    moved = _move(api, deal, stage_id=sales["stage"]["Proposal"]["id"], probability=33)
    assert moved.get_json()["probability"] == 33 and moved.get_json()["weighted_amount"] == 330
    assert _move(api, deal, name="Upsell 2").get_json()["probability"] == 33
    assert _move(api, deal, probability=None).get_json()["probability"] == 50
    assert _move(api, deal, probability=120).status_code == 422


def test_the_stage_must_belong_to_the_deals_pipeline(api, sales):
    other = api.post(
        "/api/v1/pipelines",
        json={"name": "Partners", "stages": [{"name": "Intro", "probability": 5}]},
    ).get_json()
    intro = other["stages"][0]["id"]
    deal = _create(api, name="Mismatch")
    refused = _move(api, deal, stage_id=intro)
    assert refused.status_code == 422
    assert refused.get_json()["fields"] == {
        "stage_id": ["This stage is not in the deal's pipeline."]
    }
    wrong = api.post(DEALS, json={"name": "X", "pipeline_id": sales["id"], "stage_id": intro})
    assert wrong.status_code == 422 and "stage_id" in wrong.get_json()["fields"]
    assert api.get(f"{DEALS}/{deal['id']}").get_json()["stage_id"] == deal["stage_id"]

    # Changing the pipeline alone puts the deal in the new pipeline's first open stage.
    moved = _move(api, deal, pipeline_id=other["id"])
    assert moved.status_code == 200
    assert moved.get_json()["stage_id"] == intro and moved.get_json()["probability"] == 5
    # A stage alone on create says which pipeline.
    assert _create(api, name="By stage", stage_id=intro)["pipeline_id"] == other["id"]
    assert _move(api, deal, stage_id=None).status_code == 422


def test_pipelines_and_stages_of_another_workspace_are_refused(api, other_api):
    theirs = other_api.get("/api/v1/pipelines").get_json()["data"][0]
    response = api.post(DEALS, json={"name": "X", "pipeline_id": theirs["id"]})
    assert response.status_code == 422
    assert response.get_json()["fields"]["pipeline_id"] == ["There is no such record."]
    response = api.post(DEALS, json={"name": "X", "stage_id": theirs["stages"][0]["id"]})
    assert response.get_json()["fields"]["stage_id"] == ["There is no such record."]
    assert api.get(DEALS).get_json()["data"] == []


def test_a_lost_deal_needs_a_reason_and_is_closed(api, sales):
    deal = _create(api, name="Long shot", amount="500")
    refused = _move(api, deal, stage_id=sales["stage"]["Lost"]["id"])
    assert refused.status_code == 422
    assert refused.get_json()["fields"] == {"lost_reason": ["Required when the deal is lost."]}
    assert api.get(f"{DEALS}/{deal['id']}").get_json()["status"] == "open"

    lost = _move(api, deal, stage_id=sales["stage"]["Lost"]["id"], lost_reason="Price")
    assert lost.status_code == 200, lost.get_json()
    lost = lost.get_json()
    assert lost["status"] == "lost" and lost["probability"] == 0
    assert lost["closed_at"] is not None and lost["weighted_amount"] == 0
    assert _move(api, deal, lost_reason="").status_code == 422

    reopened = _move(api, deal, stage_id=sales["stage"]["Proposal"]["id"]).get_json()
    assert reopened["status"] == "open" and reopened["closed_at"] is None
    assert reopened["lost_reason"] == "Price"  # kept as history


def test_a_won_deal_is_closed_at_full_probability(api, sales):
    deal = _create(api, name="Sure thing", amount="800")
    won = _move(api, deal, stage_id=sales["stage"]["Won"]["id"]).get_json()
    assert won["status"] == "won" and won["probability"] == 100
    assert won["closed_at"] is not None and won["weighted_amount"] == 800
    history = api.get(f"{DEALS}/{deal['id']}/history").get_json()["data"]
    assert history[0]["changes"]["status"] == ["open", "won"]


def test_status_and_closing_time_follow_the_stage_only(api, sales):
    response = api.post(DEALS, json={"name": "Cheat", "status": "won", "closed_at": None})
    assert response.status_code == 422
    assert set(response.get_json()["fields"]) == {"status", "closed_at"}
    deal = _create(api, name="Honest")
    assert _move(api, deal, status="won").status_code == 422
    fields = {
        f["name"]: f for f in api.get("/api/v1/schema/objects/deals/fields").get_json()["data"]
    }
    assert fields["status"]["read_only"] and fields["closed_at"]["read_only"]
    assert fields["weighted_amount"]["read_only"] and not fields["stage_id"]["read_only"]
    schema = api.get("/api/v1/openapi.json").get_json()["components"]["schemas"]["deals_input"]
    assert "status" not in schema["properties"] and "stage_id" in schema["properties"]


def test_lookups_to_stages_cannot_be_expanded_but_companies_can(api):
    company = api.post("/api/v1/objects/companies", json={"name": "Initech"}).get_json()
    deal = _create(api, name="Expand me", company_id=company["id"])
    expanded = api.get(f"{DEALS}/{deal['id']}?expand=company_id").get_json()
    assert expanded["company_id"]["name"] == "Initech"
    refused = api.get(f"{DEALS}/{deal['id']}?expand=stage_id")
    assert refused.status_code == 422 and "expand" in refused.get_json()["fields"]


def test_deals_filter_by_stage_and_status(api, sales):
    _create(api, name="A", stage_id=sales["stage"]["Proposal"]["id"])
    _create(api, name="B", stage_id=sales["stage"]["Won"]["id"])
    _create(api, name="C")
    proposal = api.get(f"{DEALS}?filter[stage_id]={sales['stage']['Proposal']['id']}")
    assert [d["name"] for d in proposal.get_json()["data"]] == ["A"]
    open_deals = api.get(f"{DEALS}?filter[status]=open&sort=name").get_json()["data"]
    assert [d["name"] for d in open_deals] == ["A", "C"]


def test_a_member_who_sees_only_their_own_deals(app, tenant, api):
    ann_id = add_user(app, tenant, email="ann@acme.example.com")
    bob_id = add_user(app, tenant, email="bob@acme.example.com")
    ann = Api(app, token_for(app, tenant, ann_id))
    bob = Api(app, token_for(app, tenant, bob_id))
    ann_deal = _create(ann, name="Ann's deal")
    bob_deal = _create(bob, name="Bob's deal")
    api.put("/api/v1/permissions/member/deals", json={"visibility": "own"})
    assert [d["name"] for d in ann.get(DEALS).get_json()["data"]] == ["Ann's deal"]
    assert ann.get(f"{DEALS}/{bob_deal['id']}").status_code == 404
    assert ann.patch(f"{DEALS}/{bob_deal['id']}", json={"name": "Mine"}).status_code == 404
    assert ann.get(f"{DEALS}/{ann_deal['id']}").status_code == 200
    assert len(api.get(DEALS).get_json()["data"]) == 2
