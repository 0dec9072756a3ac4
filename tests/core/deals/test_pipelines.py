"""Pipelines and stages: every workspace starts with "Sales"; admins shape them."""

from __future__ import annotations

from sqlalchemy import delete

from core.deals.models import Pipeline
from saas.db import db
from tenants.scoping import tenant_scope
from tests.conftest import make_tenant

PIPELINES = "/api/v1/pipelines"
DEALS = "/api/v1/objects/deals"


def _pipelines(api) -> list[dict]:
    response = api.get(PIPELINES)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["data"]


def test_a_new_workspace_has_the_default_sales_pipeline(api, other_api):
    (sales,) = _pipelines(api)
    assert sales["name"] == "Sales" and sales["is_default"] is True
    assert [(s["name"], s["probability"], s["kind"]) for s in sales["stages"]] == [
        ("Qualification", 10, "open"),
        ("Needs analysis", 25, "open"),
        ("Proposal", 50, "open"),
        ("Negotiation", 75, "open"),
        ("Won", 100, "won"),
        ("Lost", 0, "lost"),
    ]
    assert [s["position"] for s in sales["stages"]] == [0, 1, 2, 3, 4, 5]
    (theirs,) = _pipelines(other_api)
    assert theirs["name"] == "Sales" and theirs["id"] != sales["id"]
    assert not {s["id"] for s in theirs["stages"]} & {s["id"] for s in sales["stages"]}


def test_signing_up_creates_the_pipeline_in_the_same_transaction(app):
    created = make_tenant(app, "initech")
    with app.app_context(), tenant_scope(created["id"]):
        assert [p.name for p in db.session.query(Pipeline)] == ["Sales"]


def test_admin_creates_a_pipeline_with_stages(api):
    response = api.post(
        PIPELINES,
        json={
            "name": "Renewals",
            "stages": [
                {"name": "Due", "probability": 60},
                {"name": "Renewed", "kind": "won"},
                {"name": "Churned", "kind": "lost"},
            ],
        },
    )
    assert response.status_code == 201, response.get_json()
    renewals = response.get_json()
    assert renewals["is_default"] is False
    assert [(s["name"], s["probability"], s["kind"]) for s in renewals["stages"]] == [
        ("Due", 60, "open"),
        ("Renewed", 100, "won"),
        ("Churned", 0, "lost"),
    ]
    assert [p["name"] for p in _pipelines(api)] == ["Sales", "Renewals"]

    made_default = api.patch(f"{PIPELINES}/{renewals['id']}", json={"is_default": True})
    assert made_default.status_code == 200
    assert {p["name"]: p["is_default"] for p in _pipelines(api)} == {
        "Sales": False,
        "Renewals": True,
    }
    deal = api.post(DEALS, json={"name": "Yearly licence"}).get_json()
    assert deal["pipeline_id"] == renewals["id"]
    assert deal["stage_id"] == renewals["stages"][0]["id"]


def test_bad_pipelines_and_stages_are_refused(api):
    sales = _pipelines(api)[0]
    assert api.post(PIPELINES, json={"name": "sales"}).status_code == 409
    assert api.post(PIPELINES, json={"name": " "}).status_code == 422
    assert api.post(PIPELINES, json={"name": "X", "colour": "red"}).status_code == 422
    twice = {"name": "X", "stages": [{"name": "A", "probability": 1}] * 2}
    assert api.post(PIPELINES, json=twice).status_code == 422
    stages = f"{PIPELINES}/{sales['id']}/stages"
    for body in (
        {"name": "Demo", "probability": 101},
        {"name": "Demo", "probability": "50"},
        {"name": "Demo"},  # an open stage needs its probability
        {"name": "Demo", "probability": 5, "kind": "paused"},
    ):
        response = api.post(stages, json=body)
        assert response.status_code == 422, body
    assert api.post(stages, json={"name": "proposal", "probability": 5}).status_code == 409
    assert [p["name"] for p in _pipelines(api)] == ["Sales"]
    assert len(_pipelines(api)[0]["stages"]) == 6


def test_admin_adds_and_changes_stages(api):
    sales = _pipelines(api)[0]
    stages = f"{PIPELINES}/{sales['id']}/stages"
    demo = api.post(stages, json={"name": "Demo", "probability": 40, "position": 2})
    assert demo.status_code == 201, demo.get_json()
    names = [s["name"] for s in _pipelines(api)[0]["stages"]]
    assert names == [
        "Qualification",
        "Needs analysis",
        "Demo",
        "Proposal",
        "Negotiation",
        "Won",
        "Lost",
    ]

    path = f"{stages}/{demo.get_json()['id']}"
    changed = api.patch(path, json={"name": "Live demo", "probability": 45, "position": 0})
    assert changed.status_code == 200, changed.get_json()
    assert changed.get_json()["probability"] == 45
    after = _pipelines(api)[0]["stages"]
    assert [s["name"] for s in after][:2] == ["Live demo", "Qualification"]
    assert [s["position"] for s in after] == list(range(7))
    assert api.patch(path, json={"pipeline_id": sales["id"]}).status_code == 422
    assert api.patch(path, json={"name": "Proposal"}).status_code == 409


def test_a_stage_keeps_its_kind_while_deals_are_in_it(api):
    sales = _pipelines(api)[0]
    negotiation = sales["stages"][3]
    path = f"{PIPELINES}/{sales['id']}/stages/{negotiation['id']}"
    deal = api.post(DEALS, json={"name": "Stuck", "stage_id": negotiation["id"]}).get_json()
    refused = api.patch(path, json={"kind": "won"})
    assert refused.status_code == 409 and "1 deal" in refused.get_json()["message"]
    assert api.patch(path, json={"probability": 80}).status_code == 200
    # The deals in it keep the probability they had.
    assert api.get(f"{DEALS}/{deal['id']}").get_json()["probability"] == 75
    api.patch(f"{DEALS}/{deal['id']}", json={"stage_id": sales["stages"][0]["id"]})
    assert api.patch(path, json={"kind": "won"}).status_code == 200


def test_only_admins_change_pipelines(api, member_api):
    sales = _pipelines(member_api)[0]
    stage = sales["stages"][0]
    assert member_api.post(PIPELINES, json={"name": "Mine"}).status_code == 403
    assert member_api.patch(f"{PIPELINES}/{sales['id']}", json={"name": "Mine"}).status_code == 403
    stages = f"{PIPELINES}/{sales['id']}/stages"
    assert member_api.post(stages, json={"name": "X", "probability": 1}).status_code == 403
    assert member_api.patch(f"{stages}/{stage['id']}", json={"probability": 99}).status_code == 403
    assert _pipelines(api) == [sales]


def test_another_workspaces_pipeline_is_not_found(api, other_api):
    theirs = _pipelines(other_api)[0]
    stage = theirs["stages"][0]
    assert api.patch(f"{PIPELINES}/{theirs['id']}", json={"name": "Hijacked"}).status_code == 404
    stages = f"{PIPELINES}/{theirs['id']}/stages"
    assert api.post(stages, json={"name": "X", "probability": 1}).status_code == 404
    assert api.patch(f"{stages}/{stage['id']}", json={"probability": 99}).status_code == 404
    # Nor can a stage of mine be reached through their pipeline, or theirs through mine.
    mine = _pipelines(api)[0]
    crossed = f"{PIPELINES}/{mine['id']}/stages/{stage['id']}"
    assert api.patch(crossed, json={"probability": 99}).status_code == 404
    assert _pipelines(other_api) == [theirs]


def test_a_workspace_without_pipelines_gets_sales_with_its_first_deal(app, tenant, api):
    with app.app_context(), tenant_scope(tenant["id"]):
        db.session.execute(delete(Pipeline))
        db.session.commit()
    assert _pipelines(api) == []
    deal = api.post(DEALS, json={"name": "First"})
    assert deal.status_code == 201, deal.get_json()
    (sales,) = _pipelines(api)
    assert sales["name"] == "Sales" and deal.get_json()["stage_id"] == sales["stages"][0]["id"]
