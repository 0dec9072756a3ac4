"""The forecast: per-stage counts, amounts and weighted amounts, and the win rate."""

from __future__ import annotations

import pytest

from tests.conftest import add_user
from tests.core.objects.conftest import Api, token_for

DEALS = "/api/v1/objects/deals"
FORECAST = "/api/v1/deals/forecast"


@pytest.fixture
def stage(api) -> dict:
    pipeline = api.get("/api/v1/pipelines").get_json()["data"][0]
    return {s["name"]: s["id"] for s in pipeline["stages"]}


def _deal(api, name, stage_id, amount=None, **extra) -> dict:
    response = api.post(DEALS, json={"name": name, "stage_id": stage_id, "amount": amount, **extra})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _by_stage(report) -> dict:
    return {s["name"]: (s["count"], s["amount"], s["weighted_amount"]) for s in report["stages"]}


def test_forecast_per_stage_and_win_rate(api, stage):
    _deal(api, "Q1", stage["Qualification"], "1000")  # 10 %
    _deal(api, "Q2", stage["Qualification"], "500.50")
    _deal(api, "Q3", stage["Qualification"])  # no amount yet: counted, adds nothing
    _deal(api, "P1", stage["Proposal"], "2000", probability=60)  # the seller's own 60 %
    _deal(api, "W1", stage["Won"], "3000")
    _deal(api, "W2", stage["Won"], "100")
    _deal(api, "L1", stage["Lost"], "9999", lost_reason="Budget")
    gone = _deal(api, "Deleted", stage["Negotiation"], "7777")
    api.delete(f"{DEALS}/{gone['id']}")

    response = api.get(FORECAST)
    assert response.status_code == 200, response.get_json()
    report = response.get_json()
    assert report["pipeline"]["name"] == "Sales" and report["currency"] == "USD"
    assert _by_stage(report) == {
        "Qualification": (3, "1500.50", "150.05"),
        "Needs analysis": (0, "0.00", "0.00"),
        "Proposal": (1, "2000.00", "1200.00"),
        "Negotiation": (0, "0.00", "0.00"),
        "Won": (2, "3100.00", "3100.00"),
        "Lost": (1, "9999.00", "0.00"),
    }
    assert [s["probability"] for s in report["stages"]] == [10, 25, 50, 75, 100, 0]
    assert report["totals"] == {
        "open": {"count": 4, "amount": "3500.50", "weighted_amount": "1350.05"},
        "won": {"count": 2, "amount": "3100.00", "weighted_amount": "3100.00"},
        "lost": {"count": 1, "amount": "9999.00", "weighted_amount": "0.00"},
    }
    assert report["win_rate"] == round(2 / 3, 4)


def test_win_rate_is_empty_before_the_first_closed_deal(api, stage):
    _deal(api, "Open", stage["Proposal"], "10")
    assert api.get(FORECAST).get_json()["win_rate"] is None
    lost = _deal(api, "Gone", stage["Proposal"], "10")
    api.patch(f"{DEALS}/{lost['id']}", json={"stage_id": stage["Lost"], "lost_reason": "Timing"})
    assert api.get(FORECAST).get_json()["win_rate"] == 0


def test_forecast_of_another_pipeline(api, stage):
    other = api.post(
        "/api/v1/pipelines",
        json={"name": "Projects", "stages": [{"name": "Scoping", "probability": 20}]},
    ).get_json()
    _deal(api, "Sales deal", stage["Proposal"], "100")
    _deal(api, "Project", other["stages"][0]["id"], "1000")
    report = api.get(f"{FORECAST}?pipeline_id={other['id']}").get_json()
    assert report["pipeline"]["name"] == "Projects"
    assert _by_stage(report) == {"Scoping": (1, "1000.00", "200.00")}
    assert api.get(f"{FORECAST}?pipeline_id=nope").status_code == 404


def test_forecast_counts_only_the_deals_you_may_see(app, tenant, api, stage):
    ann_id = add_user(app, tenant, email="ann@acme.example.com")
    ann = Api(app, token_for(app, tenant, ann_id))
    _deal(ann, "Ann's", stage["Proposal"], "100")
    _deal(api, "Admin's", stage["Proposal"], "900")
    api.put("/api/v1/permissions/member/deals", json={"visibility": "own"})
    assert _by_stage(ann.get(FORECAST).get_json())["Proposal"] == (1, "100.00", "50.00")
    assert _by_stage(api.get(FORECAST).get_json())["Proposal"] == (2, "1000.00", "500.00")
    api.put("/api/v1/permissions/member/deals", json={"read": False})
    assert ann.get(FORECAST).status_code == 403


def test_forecast_of_another_workspaces_pipeline_is_not_found(api, other_api):
    theirs = other_api.get("/api/v1/pipelines").get_json()["data"][0]
    assert api.get(f"{FORECAST}?pipeline_id={theirs['id']}").status_code == 404
