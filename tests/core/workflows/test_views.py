"""Setup → Workflows: an admin builds a workflow in the console (readable errors beside the
inputs), adds, reorders and removes actions, switches it on, and reads its run log."""

from __future__ import annotations

import re

from sqlalchemy import select

from core.objects import records
from core.workflows.models import Workflow
from saas.db import db
from tenants.scoping import tenant_scope
from tests.conftest import add_user, run_as_admin
from tests.core.workflows.test_engine import drain, tasks


def _workflow(app, tenant):
    with app.app_context(), tenant_scope(tenant["id"]):
        found = db.session.scalars(select(Workflow)).one()
        db.session.expunge(found)
        return found


def test_an_admin_builds_a_workflow_in_the_console(app, tenant, client):
    page = client.get("/admin/workflows/")
    assert page.status_code == 200 and "No workflows yet" in page.get_data(as_text=True)

    form = {
        "name": "Callback after repair",
        "object": "tickets",
        "trigger.type": "field_changed",
        "trigger.field": "status",
        "trigger.to": "closed",
        "conditions.match": "all",
        "conditions.rules[0].field": "priority",
        "conditions.rules[0].op": "in",
        "conditions.rules[0].value": "high,urgent",
        "conditions.rules[1].field": "",
    }
    refused = client.post("/admin/workflows/new", data={**form, "trigger.field": "nope"})
    assert refused.status_code == 422
    body = refused.get_data(as_text=True)
    assert "There is no such field." in body and 'aria-invalid="true"' in body
    assert 'value="Callback after repair"' in body  # what was typed stays
    saved = client.post("/admin/workflows/new", data=form)
    assert saved.status_code == 303
    workflow = _workflow(app, tenant)
    assert workflow.trigger == {"field": "status", "to": "closed"} and not workflow.active
    assert workflow.conditions["rules"] == [
        {"field": "priority", "op": "in", "value": "high,urgent"}
    ]
    base = f"/admin/workflows/{workflow.id}"

    refused = client.post(f"{base}/active", data={"active": "on"})  # no action yet
    assert refused.status_code == 303 and not _workflow(app, tenant).active

    page = client.get(f"{base}/actions/new?type=create_task")
    assert page.status_code == 200 and "Subject" in page.get_data(as_text=True)
    refused = client.post(f"{base}/actions/new?type=create_task", data={"subject": "{{ oops"})
    assert refused.status_code == 422 and "template error" in refused.get_data(as_text=True)
    ok = client.post(
        f"{base}/actions/new?type=create_task",
        data={
            "subject": "Call back: {{ record.subject }}",
            "due_in_days": "3",
            "assign_to": "owner",
        },
    )
    assert ok.status_code == 303
    ok = client.post(f"{base}/actions/new?type=update_fields", data={"values": "priority = normal"})
    assert ok.status_code == 303
    assert [a["type"] for a in _workflow(app, tenant).actions] == ["create_task", "update_fields"]
    client.post(f"{base}/actions/0/move", data={"direction": "down"})
    assert [a["type"] for a in _workflow(app, tenant).actions] == ["update_fields", "create_task"]
    client.post(f"{base}/actions/0/delete")
    assert [a["type"] for a in _workflow(app, tenant).actions] == ["create_task"]
    edit = client.get(f"{base}/actions/0")
    assert "Call back: {{ record.subject }}" in edit.get_data(as_text=True)

    assert client.post(f"{base}/active", data={"active": "on"}).status_code == 303
    assert _workflow(app, tenant).active

    ticket = run_as_admin(
        app,
        tenant,
        lambda admin: (
            records.create_record(
                "tickets", {"subject": "Oven", "priority": "urgent", "status": "open"}, actor=admin
            ).id
        ),
    )
    run_as_admin(
        app,
        tenant,
        lambda admin: records.update_record(
            "tickets", ticket, {"status": "closed", "resolution": "Fixed"}, actor=admin
        ),
    )
    with app.app_context():
        drain()
    assert [t[0] for t in tasks(app, tenant)] == ["Call back: Oven"]
    log = client.get(f"{base}/runs").get_data(as_text=True)
    assert "Succeeded" in log and "Create a task" in log and "open → closed" in log
    listing = client.get("/admin/workflows/").get_data(as_text=True)
    assert "Callback after repair" in listing and "On: switch off" in listing

    edit = client.post(base, data={**form, "name": "Callback", "trigger.to": "resolved"})
    assert (
        edit.status_code == 303 and _workflow(app, tenant).version == 6
    )  # two adds, a move, a removal, an edit
    assert client.post(f"{base}/delete").status_code == 303
    assert client.get(base).status_code == 404


def test_the_console_is_for_admins_and_in_chinese_too(app, tenant, client, login_as):
    add_user(app, tenant, email="m@acme.example.com", password="member password 1")
    member = login_as(tenant, "m@acme.example.com", "member password 1")
    assert member.get("/admin/workflows/").status_code in (403, 404)
    page = client.get("/admin/workflows/new", headers={"Accept-Language": "zh-CN"})
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert re.search("触发条件", text)
