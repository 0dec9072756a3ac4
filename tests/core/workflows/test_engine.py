"""Workflows run from the record services' events through outbox jobs: triggers, conditions
in the API's filter language, each core action, versions, the run log, one effect per run
however often its job is delivered, and the loop guard."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from core.objects import records
from core.workflows import engine, services
from core.workflows.models import Workflow, WorkflowRun
from saas.auth.actors import SYSTEM
from saas.auth.models import User
from saas.db import db
from saas.errors import Forbidden, ValidationFailed
from saas.jobs import dispatch_outbox
from saas.jobs.models import OutboxJob
from tenants.scoping import tenant_scope
from tests.conftest import add_user, run_as_admin


def _admin(tenant):
    return db.session.get(User, (tenant["id"], tenant["admin_id"]))


def make_workflow(app, tenant, **values):
    values.setdefault("name", "Flow")
    values.setdefault("object_name", "companies")
    values.setdefault("active", True)
    return run_as_admin(
        app, tenant, lambda admin: services.create_workflow(actor=admin, **values).id
    )


def write(app, tenant, action):
    """Do ``action(admin)`` as the admin, commit, and run the jobs it led to."""
    result = run_as_admin(app, tenant, action)
    with app.app_context():
        drain()
    return result


def drain():
    for _ in range(10):
        if not dispatch_outbox():
            return


def runs(app, tenant, workflow_id=None):
    with app.app_context(), tenant_scope(tenant["id"]):
        query = select(WorkflowRun).order_by(WorkflowRun.id)
        if workflow_id:
            query = query.where(WorkflowRun.workflow_id == workflow_id)
        found = db.session.scalars(query).all()
        db.session.expunge_all()
        return found


def company(app, tenant, **values):
    values.setdefault("name", "Acme Tools")
    return write(
        app, tenant, lambda admin: records.create_record("companies", values, actor=admin).id
    )


def update(app, tenant, object_name, record_id, values):
    write(
        app,
        tenant,
        lambda admin: records.update_record(object_name, record_id, values, actor=admin),
    )


def get(app, tenant, object_name, record_id):
    with app.app_context(), tenant_scope(tenant["id"]):
        obj = records.object_for_tenant(object_name)
        return records.to_api(
            obj, records.get_record(object_name, record_id, actor=SYSTEM), role=None
        )


def task(subject="Call {{ record.name }}"):
    return {"type": "create_task", "subject": subject, "due_in_days": 2}


def tasks(app, tenant):
    with app.app_context(), tenant_scope(tenant["id"]):
        found, _ = records.list_records(
            "activities", filters=[records.Filter("type", "eq", "task")], actor=SYSTEM
        )
        return [(t.subject, t.related_id, t.assignee_id) for t in found]


def test_a_created_record_starts_a_run_after_the_commit_that_creates_a_task(app, tenant):
    flow = make_workflow(app, tenant, trigger_type="record_created", actions=[task()])
    record_id = run_as_admin(
        app,
        tenant,
        lambda admin: records.create_record("companies", {"name": "Initech"}, actor=admin).id,
    )
    (run,) = runs(app, tenant)
    assert run.status == "queued" and run.record_id == str(record_id)  # written with the change
    assert tasks(app, tenant) == []  # nothing ran inside the request
    with app.app_context():
        drain()
    (run,) = runs(app, tenant)
    assert run.status == "succeeded" and run.workflow_id == flow and run.version == 1
    (step,) = run.steps
    assert step["type"] == "create_task" and step["status"] == "succeeded"
    assert step["started_at"] and step["finished_at"]
    ((subject, related, assignee),) = tasks(app, tenant)
    assert subject == "Call Initech" and related == str(record_id)
    assert assignee == tenant["admin_id"]  # the record's owner


def test_a_rolled_back_change_starts_no_run(app, tenant):
    make_workflow(app, tenant, trigger_type="record_created", actions=[task()])
    with app.app_context(), tenant_scope(tenant["id"]):
        records.create_record("companies", {"name": "Gone"}, actor=_admin(tenant))
        db.session.rollback()
        assert db.session.scalars(select(WorkflowRun)).all() == []
        assert db.session.scalars(select(OutboxJob)).all() == []


def test_inactive_workflows_and_other_objects_do_not_run(app, tenant):
    make_workflow(
        app, tenant, name="Off", trigger_type="record_created", actions=[task()], active=False
    )
    make_workflow(
        app,
        tenant,
        name="Deals",
        object_name="deals",
        trigger_type="record_created",
        actions=[task()],
    )
    company(app, tenant)
    assert runs(app, tenant) == []


def test_field_changed_from_a_value_to_a_value(app, tenant):
    flow = make_workflow(
        app,
        tenant,
        object_name="tickets",
        trigger_type="field_changed",
        trigger={"field": "status", "from": "open", "to": "closed"},
        actions=[task("Call back after the repair: {{ record.subject }}")],
    )
    ticket = write(
        app,
        tenant,
        lambda admin: (
            records.create_record(
                "tickets", {"subject": "Washer leaks", "status": "open"}, actor=admin
            ).id
        ),
    )
    update(app, tenant, "tickets", ticket, {"status": "pending"})  # open → pending: no
    assert runs(app, tenant, flow) == []
    update(app, tenant, "tickets", ticket, {"status": "open"})
    update(app, tenant, "tickets", ticket, {"status": "closed", "resolution": "New hose"})
    (run,) = runs(app, tenant, flow)  # open → closed: yes
    assert run.trigger_data["changes"]["status"] == ["open", "closed"]
    assert tasks(app, tenant)[0][0] == "Call back after the repair: Washer leaks"


def test_conditions_use_the_filter_language_with_and_or_groups(app, tenant):
    flow = make_workflow(
        app,
        tenant,
        trigger_type="record_created",
        conditions={
            "match": "all",
            "rules": [
                {"field": "name", "op": "contains", "value": "Tools"},
                {
                    "match": "any",
                    "rules": [
                        {"field": "website", "op": "is_null", "value": "true"},
                        {"field": "website", "op": "contains", "value": "acme"},
                    ],
                },
            ],
        },
        actions=[task()],
    )
    company(app, tenant, name="Acme Tools")
    company(app, tenant, name="Acme Tools Two", website="https://acme.example")
    company(app, tenant, name="Other Tools", website="https://other.example")
    company(app, tenant, name="Not matching")
    statuses = [run.status for run in runs(app, tenant, flow)]
    assert statuses == ["succeeded", "succeeded", "skipped", "skipped"]
    assert runs(app, tenant, flow)[2].error == engine.CONDITIONS_NOT_MET
    assert len(tasks(app, tenant)) == 2


def test_a_bad_definition_is_refused_with_the_place_of_the_problem(app, tenant):
    def attempt(**values):
        values.setdefault("name", "Bad")
        values.setdefault("object_name", "companies")
        values.setdefault("trigger_type", "record_created")
        values.setdefault("actions", [task()])
        with pytest.raises(ValidationFailed) as caught:
            run_as_admin(app, tenant, lambda admin: services.create_workflow(actor=admin, **values))
        return caught.value

    assert attempt(object_name="nothing").field == "object"
    assert attempt(trigger_type="nope").field == "trigger.type"
    assert attempt(trigger_type="stage_entered").field == "trigger.type"  # deals only
    assert attempt(trigger_type="field_changed", trigger={"field": "x"}).field == "trigger.field"
    error = attempt(
        conditions={"rules": [{"field": "name", "op": "gt", "value": "a"}, {"field": "nope"}]}
    )
    assert error.field == "conditions.rules[1]"
    assert attempt(actions=[], active=True).field == "actions"  # nothing to do
    assert attempt(actions={"type": "create_task"}).field == "actions"
    assert attempt(actions=[task(), {"type": "create_task", "subject": ""}]).field == (
        "actions[1].subject"
    )
    assert attempt(actions=[task("{{ unclosed")]).field == "actions[0].subject"
    assert attempt(actions=[{"type": "update_fields", "values": {"nope": 1}}]).field.startswith(
        "actions[0]"
    )
    assert attempt(actions=[{"type": "webhook", "url": "ftp://x"}]).field == "actions[0].url"
    assert attempt(trigger_type="schedule", trigger={"cron": "every day"}).field == "trigger.cron"
    with app.app_context(), tenant_scope(tenant["id"]):
        assert db.session.scalars(select(Workflow)).all() == []  # nothing half-saved


def test_only_admins_manage_workflows(app, tenant):
    member = add_user(app, tenant, email="m@acme.example.com")
    with app.app_context(), tenant_scope(tenant["id"]):
        user = db.session.get(User, (tenant["id"], member))
        with pytest.raises(Forbidden):
            services.list_workflows(actor=user)
        with pytest.raises(Forbidden):
            services.create_workflow(
                name="x",
                object_name="companies",
                trigger_type="record_created",
                actions=[task()],
                actor=user,
            )


def test_a_run_keeps_the_version_it_started_with(app, tenant):
    flow = make_workflow(app, tenant, trigger_type="record_created", actions=[task("First")])
    run_as_admin(
        app, tenant, lambda admin: records.create_record("companies", {"name": "A"}, actor=admin)
    )
    run_as_admin(
        app,
        tenant,
        lambda admin: services.update_workflow(
            flow, changes={"actions": [task("Second")]}, actor=admin
        ),
    )
    with app.app_context():
        drain()
    assert [t[0] for t in tasks(app, tenant)] == ["First"]  # queued under version 1
    company(app, tenant, name="B")
    assert sorted(t[0] for t in tasks(app, tenant)) == ["First", "Second"]
    assert [run.version for run in runs(app, tenant, flow)] == [1, 2]
    # A change of the name alone is no new version.
    run_as_admin(
        app,
        tenant,
        lambda admin: services.update_workflow(flow, changes={"name": "Renamed"}, actor=admin),
    )
    with app.app_context(), tenant_scope(tenant["id"]):
        assert db.session.get(Workflow, (tenant["id"], flow)).version == 2


def test_a_run_delivered_twice_has_one_effect(app, tenant):
    make_workflow(app, tenant, trigger_type="record_created", actions=[task()])
    run_as_admin(
        app, tenant, lambda admin: records.create_record("companies", {"name": "A"}, actor=admin)
    )
    (run,) = runs(app, tenant)
    with app.app_context(), tenant_scope(tenant["id"]):
        engine.run_workflow_job(tenant["id"], str(run.id))
        db.session.commit()
        engine.run_workflow_job(tenant["id"], str(run.id))  # redelivered: nothing
        db.session.commit()
    with app.app_context():
        drain()  # and the outbox row's own delivery: nothing either
    assert len(tasks(app, tenant)) == 1


def test_update_fields_and_a_failed_step_is_logged_and_stops_the_run(app, tenant):
    flow = make_workflow(
        app,
        tenant,
        trigger_type="record_created",
        actions=[
            {"type": "update_fields", "values": {"website": "https://set.example"}},
            {"type": "assign_owner", "mode": "user", "user_id": str(tenant["admin_id"])},
        ],
    )
    record_id = company(app, tenant)
    assert get(app, tenant, "companies", record_id)["website"] == "https://set.example"
    (run,) = runs(app, tenant, flow)
    assert [s["status"] for s in run.steps] == ["succeeded", "succeeded"]
    # The owner is deactivated: the step fails, its error is logged, the run stops there.
    member = add_user(app, tenant, email="gone@acme.example.com")
    run_as_admin(
        app,
        tenant,
        lambda admin: services.update_workflow(
            flow,
            changes={
                "actions": [
                    {"type": "assign_owner", "mode": "user", "user_id": str(member)},
                    {"type": "update_fields", "values": {"website": "https://never.example"}},
                ]
            },
            actor=admin,
        ),
    )
    with app.app_context(), tenant_scope(tenant["id"]):
        db.session.get(User, (tenant["id"], member)).is_active = False
        db.session.commit()
    second = company(app, tenant, name="Second")
    run = runs(app, tenant, flow)[-1]
    assert run.status == "failed" and len(run.steps) == 1
    assert run.steps[0]["status"] == "failed" and "no longer active" in run.steps[0]["error"]
    assert get(app, tenant, "companies", second)["website"] is None


def test_round_robin_assigns_the_team_in_turn(app, tenant):
    from saas.auth import teams

    ids = [add_user(app, tenant, email=f"{n}@acme.example.com", name=n) for n in ("Ann", "Bo")]

    def setup(admin):
        team = teams.create_team(name="Service")
        for user_id in ids:
            teams.set_team(user=db.session.get(User, (tenant["id"], user_id)), team_id=team.id)
        return team.id

    team_id = run_as_admin(app, tenant, setup)
    make_workflow(
        app,
        tenant,
        object_name="tickets",
        trigger_type="record_created",
        actions=[{"type": "assign_owner", "mode": "round_robin", "team_id": str(team_id)}],
    )
    owners = []
    for n in range(3):
        ticket = write(
            app,
            tenant,
            lambda admin, n=n: (
                records.create_record("tickets", {"subject": f"Complaint {n}"}, actor=admin).id
            ),
        )
        owners.append(get(app, tenant, "tickets", ticket)["owner_id"])
    assert owners == [str(ids[0]), str(ids[1]), str(ids[0])]


def test_send_email_to_the_owner_and_to_the_customer_on_the_timeline(app, tenant, mail):
    make_workflow(
        app,
        tenant,
        object_name="contacts",
        trigger_type="record_created",
        actions=[
            {
                "type": "send_email",
                "to": "owner",
                "subject": "New contact {{ record.first_name }}",
                "body": "Say hello.",
            },
            {
                "type": "send_email",
                "to": "field",
                "field": "email",
                "subject": "Welcome",
                "body": "Dear {{ record.first_name }}, welcome.",
            },
        ],
    )
    contact = write(
        app,
        tenant,
        lambda admin: (
            records.create_record(
                "contacts",
                {"first_name": "Ada", "last_name": "L", "email": "ada@example.org"},
                actor=admin,
            ).id
        ),
    )
    with app.app_context():
        drain()
    assert {(m["to"], m["subject"]) for m in mail} == {
        (tenant["admin_email"], "New contact Ada"),
        ("ada@example.org", "Welcome"),
    }
    with app.app_context(), tenant_scope(tenant["id"]):
        found, _ = records.list_records(
            "activities", filters=[records.Filter("related_id", "eq", str(contact))], actor=SYSTEM
        )
        assert [(a.type, a.subject) for a in found] == [("email", "Welcome")]


def test_a_deal_entering_a_stage(app, tenant):
    from core.deals.models import PipelineStage

    with app.app_context(), tenant_scope(tenant["id"]):
        stages = {s.name: str(s.id) for s in db.session.scalars(select(PipelineStage))}
    flow = make_workflow(
        app,
        tenant,
        object_name="deals",
        trigger_type="stage_entered",
        trigger={"stage_id": stages["Negotiation"]},
        conditions={"rules": [{"field": "amount", "op": "gt", "value": "10000"}]},
        actions=[task("Approve the discount on {{ record.name }}")],
    )
    small = write(
        app,
        tenant,
        lambda admin: (
            records.create_record("deals", {"name": "Small", "amount": "500"}, actor=admin).id
        ),
    )
    big = write(
        app,
        tenant,
        lambda admin: (
            records.create_record("deals", {"name": "Big", "amount": "25000"}, actor=admin).id
        ),
    )
    assert runs(app, tenant, flow) == []  # created in the first stage
    update(app, tenant, "deals", small, {"stage_id": stages["Negotiation"]})
    update(app, tenant, "deals", big, {"stage_id": stages["Proposal"]})
    update(app, tenant, "deals", big, {"stage_id": stages["Negotiation"]})
    assert [r.status for r in runs(app, tenant, flow)] == ["skipped", "succeeded"]
    assert [t[0] for t in tasks(app, tenant)] == ["Approve the discount on Big"]


def test_workflows_that_trigger_each_other_stop_at_the_depth_limit(app, tenant):
    # Ping renames the company Pong, Pong renames it Ping: an endless loop without the guard.
    for name, to, then in (("Ping", "Ping", "Pong"), ("Pong", "Pong", "Ping")):
        make_workflow(
            app,
            tenant,
            name=name,
            trigger_type="field_changed",
            trigger={"field": "name", "to": to},
            actions=[{"type": "update_fields", "values": {"name": then}}],
        )
    record_id = company(app, tenant, name="Start")
    update(app, tenant, "companies", record_id, {"name": "Ping"})
    for _ in range(20):
        with app.app_context():
            if not dispatch_outbox():
                break
    found = runs(app, tenant)
    assert [run.depth for run in found] == list(range(engine.MAX_DEPTH + 2))
    *ran, stopped = found
    assert all(run.status == "succeeded" for run in ran)
    assert stopped.status == "stopped" and stopped.error == engine.LOOP_LIMIT


def test_runs_are_the_tenants_own(app, tenant, other_tenant):
    make_workflow(app, tenant, trigger_type="record_created", actions=[task()])
    company(app, other_tenant, name="Globex thing")
    assert runs(app, other_tenant) == [] and runs(app, tenant) == []


def test_deleted_and_restored_triggers(app, tenant):
    deleted = make_workflow(
        app,
        tenant,
        name="D",
        trigger_type="record_deleted",
        actions=[task("Deleted {{ record.name }}")],
    )
    restored = make_workflow(
        app,
        tenant,
        name="R",
        trigger_type="record_restored",
        actions=[task("Restored {{ record.name }}")],
    )
    record_id = company(app, tenant, name="Phoenix")
    write(app, tenant, lambda admin: records.delete_record("companies", record_id, actor=admin))
    write(app, tenant, lambda admin: records.restore_record("companies", record_id, actor=admin))
    assert [r.status for r in runs(app, tenant, deleted)] == ["succeeded"]
    assert [r.status for r in runs(app, tenant, restored)] == ["succeeded"]
    assert sorted(t[0] for t in tasks(app, tenant)) == ["Deleted Phoenix", "Restored Phoenix"]


def test_the_run_log_through_the_services(app, tenant):
    flow = make_workflow(app, tenant, trigger_type="record_created", actions=[task()])
    company(app, tenant)
    with app.app_context(), tenant_scope(tenant["id"]):
        (run,) = services.list_runs(flow, actor=_admin(tenant))
        shown = services.run_to_api(run, deliveries=services.deliveries_of(run))
        assert shown["status"] == "succeeded" and shown["steps"][0]["result"]["task_id"]
        assert shown["webhooks"] == []
        with pytest.raises(services.NotFound):
            services.get_run(flow, uuid.uuid4(), actor=_admin(tenant))
