"""``/api/v1/workflows``: admins build, change, switch and delete workflows and read the run
log; members cannot; bad definitions get 422 with the place of the problem."""

from __future__ import annotations

from tests.conftest import add_user
from tests.core.objects.conftest import Api, token_for
from tests.core.workflows.test_engine import drain

FLOW = {
    "name": "Welcome call",
    "object": "companies",
    "trigger": {"type": "record_created"},
    "conditions": {"match": "all", "rules": [{"field": "name", "op": "contains", "value": "Co"}]},
    "actions": [{"type": "create_task", "subject": "Call {{ record.name }}", "due_in_days": 1}],
    "active": True,
}


def test_admins_build_a_workflow_and_read_its_run_log(app, tenant):
    api = Api(app, token_for(app, tenant, tenant["admin_id"]))
    created = api.post("/api/v1/workflows", json=FLOW)
    assert created.status_code == 201, created.get_json()
    flow = created.get_json()
    assert flow["version"] == 1 and flow["trigger"] == {"type": "record_created"}
    assert flow["actions"][0]["assign_to"] == "owner"  # the stored, completed settings
    assert api.get("/api/v1/workflows").get_json()["data"][0]["id"] == flow["id"]

    company = api.post("/api/v1/objects/companies", json={"name": "Initech Co"})
    assert company.status_code == 201
    with app.app_context():
        drain()
    (run,) = api.get(f"/api/v1/workflows/{flow['id']}/runs").get_json()["data"]
    assert run["status"] == "succeeded" and run["record_id"] == company.get_json()["id"]
    assert run["steps"][0]["type"] == "create_task" and run["steps"][0]["status"] == "succeeded"
    assert api.get(f"/api/v1/workflows/{flow['id']}/runs/{run['id']}").get_json() == run

    off = api.patch(f"/api/v1/workflows/{flow['id']}", json={"active": False})
    assert off.status_code == 200 and off.get_json()["active"] is False
    assert off.get_json()["version"] == 1  # switching is no new version
    changed = api.patch(
        f"/api/v1/workflows/{flow['id']}", json={"trigger": {"type": "record_updated"}}
    )
    assert changed.get_json()["version"] == 2

    secret = api.get(f"/api/v1/workflows/{flow['id']}/secret").get_json()["signing_secret"]
    rotated = api.post(f"/api/v1/workflows/{flow['id']}/secret").get_json()["signing_secret"]
    assert len(secret) == 64 and rotated != secret

    assert api.delete(f"/api/v1/workflows/{flow['id']}").status_code == 204
    assert api.get(f"/api/v1/workflows/{flow['id']}").status_code == 404


def test_bad_definitions_get_422_with_the_field(app, tenant):
    api = Api(app, token_for(app, tenant, tenant["admin_id"]))
    cases = [
        ({**FLOW, "trigger": {"type": "field_changed", "field": "nope"}}, "trigger.field"),
        ({**FLOW, "actions": [{"type": "create_task", "subject": 5}]}, "actions[0].subject"),
        (
            {**FLOW, "actions": [{"type": "send_email", "to": "field", "field": ["x"]}]},
            "actions[0].field",
        ),
        ({**FLOW, "conditions": [{"field": "name", "op": "between"}]}, "conditions.rules[0]"),
        ({**FLOW, "trigger": ["record_created"]}, "trigger"),
        ({**FLOW, "active": "yes"}, "active"),
    ]
    for body, field in cases:
        response = api.post("/api/v1/workflows", json=body)
        assert response.status_code == 422, (body, response.get_json())
        assert field in response.get_json()["fields"], response.get_json()
    assert api.post("/api/v1/workflows", json={**FLOW, "colour": "red"}).status_code == 422
    assert api.post("/api/v1/workflows", json=FLOW).status_code == 201
    assert api.post("/api/v1/workflows", json=FLOW).status_code == 409  # the same name


def test_members_cannot_see_or_change_workflows(app, tenant):
    member = Api(app, token_for(app, tenant, add_user(app, tenant, email="m@acme.example.com")))
    assert member.get("/api/v1/workflows").status_code == 403
    assert member.post("/api/v1/workflows", json=FLOW).status_code == 403


def test_a_manual_workflow_runs_on_a_record_it_is_asked_to(app, tenant):
    api = Api(app, token_for(app, tenant, tenant["admin_id"]))
    flow = api.post(
        "/api/v1/workflows", json={**FLOW, "trigger": {"type": "manual"}, "conditions": None}
    ).get_json()
    company = api.post("/api/v1/objects/companies", json={"name": "Hooli"}).get_json()
    with app.app_context():
        drain()
    assert api.get(f"/api/v1/workflows/{flow['id']}/runs").get_json()["data"] == []
    started = api.post(f"/api/v1/workflows/{flow['id']}/runs", json={"record_id": company["id"]})
    assert started.status_code == 201 and started.get_json()["status"] == "queued"
    with app.app_context():
        drain()
    (run,) = api.get(f"/api/v1/workflows/{flow['id']}/runs").get_json()["data"]
    assert run["status"] == "succeeded" and run["trigger"]["event"] == "manual"
    missing = api.post(f"/api/v1/workflows/{flow['id']}/runs", json={"record_id": "nope"})
    assert missing.status_code == 404


def test_the_openapi_document_describes_the_workflow_endpoints(app, tenant):
    api = Api(app, token_for(app, tenant, tenant["admin_id"]))
    document = api.get("/api/v1/openapi.json").get_json()
    assert {"/api/v1/workflows", "/api/v1/workflows/{workflow_id}/runs"} <= set(document["paths"])
    assert "WorkflowRun" in document["components"]["schemas"]


def test_an_inbound_webhook_starts_its_workflow_once_per_delivery(app, tenant, mail):
    import json

    from core.workflows.webhooks import sign
    from tests.conftest import TenantClient

    api = Api(app, token_for(app, tenant, tenant["admin_id"]))
    flow = api.post(
        "/api/v1/workflows",
        json={
            "name": "ERP says",
            "object": "companies",
            "active": True,
            "trigger": {"type": "inbound_webhook"},
            "actions": [
                {
                    "type": "send_email",
                    "to": "address",
                    "address": "ops@example.org",
                    "subject": "Order {{ payload.order }} shipped",
                    "body": "Done.",
                }
            ],
        },
    ).get_json()
    path = flow["inbound_path"]
    assert path.startswith(f"/hooks/workflows/{flow['id']}/")
    caller = TenantClient(app, tenant)  # not signed in: the address is the credential
    body = json.dumps({"order": "PO-7"}).encode()
    headers = {"Content-Type": "application/json", "Trellis-Delivery": "d-1"}
    first = caller.post(path, data=body, headers=headers)
    assert first.status_code == 202, first.get_data(as_text=True)
    assert caller.post(path, data=body, headers=headers).get_json() == {"status": "duplicate"}
    assert caller.post(path[:-3] + "xyz", data=body, headers=headers).status_code == 404
    forged = {**headers, "Trellis-Delivery": "d-2", "Trellis-Signature": "t=1,v1=00"}
    assert caller.post(path, data=body, headers=forged).status_code == 401
    with app.app_context():
        from core.workflows.models import Workflow
        from saas.db import db
        from tenants.scoping import tenant_scope

        with tenant_scope(tenant["id"]):
            secret = db.session.get(
                Workflow, (tenant["id"], __import__("uuid").UUID(flow["id"]))
            ).signing_secret
    signed = {
        **headers,
        "Trellis-Delivery": "d-3",
        "Trellis-Signature": sign(secret, 1700000000, body),
    }
    assert caller.post(path, data=body, headers=signed).status_code == 202
    assert (
        caller.post(
            path, data=b"x" * (70 * 1024), headers={**headers, "Trellis-Delivery": "big"}
        ).status_code
        == 413
    )
    with app.app_context():
        drain()
    assert [m["subject"] for m in mail] == ["Order PO-7 shipped", "Order PO-7 shipped"]
