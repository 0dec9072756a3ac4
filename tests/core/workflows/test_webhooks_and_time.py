"""Outbound webhooks (signed, retried with back-off through the outbox, the answer kept,
non-public addresses refused in production) and the date and schedule triggers, with the
one clock moved instead of waiting."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from sqlalchemy import select

from core.objects import records
from core.workflows import engine, services
from core.workflows.models import WebhookDelivery, Workflow, WorkflowRun
from saas import clock
from saas.db import db
from saas.jobs import dispatch_outbox
from tenants.scoping import tenant_scope
from tests.conftest import run_as_admin
from tests.core.workflows.test_engine import company, drain, make_workflow, runs, tasks


class Receiver:
    """A local HTTP endpoint that answers with the statuses it is given, in turn."""

    def __init__(self, statuses):
        self.statuses = list(statuses)
        self.calls: list[tuple[dict, bytes]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.calls.append((dict(self.headers), body))
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.end_headers()
                self.wfile.write(b'{"received": true}')

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    found = []

    def make(statuses=()):
        found.append(Receiver(statuses))
        return found[-1]

    yield make
    for item in found:
        item.close()


def deliveries(app, tenant):
    with app.app_context(), tenant_scope(tenant["id"]):
        found = db.session.scalars(select(WebhookDelivery)).all()
        db.session.expunge_all()
        return found


def test_a_webhook_is_signed_and_its_answer_kept(app, tenant, receiver):
    endpoint = receiver([200])
    flow = make_workflow(
        app,
        tenant,
        trigger_type="record_created",
        actions=[{"type": "webhook", "url": endpoint.url}],
    )
    record_id = company(app, tenant, name="Initech")
    ((headers, body),) = endpoint.calls
    payload = json.loads(body)
    assert payload["record"]["name"] == "Initech" and payload["record_id"] == str(record_id)
    assert payload["event"] == "record.created" and payload["workflow_id"] == str(flow)
    with app.app_context(), tenant_scope(tenant["id"]):
        secret = db.session.get(Workflow, (tenant["id"], flow)).signing_secret
    stamp, signature = (part.split("=", 1)[1] for part in headers["Trellis-Signature"].split(","))
    expected = hmac.new(secret.encode(), f"{stamp}.".encode() + body, hashlib.sha256)
    assert hmac.compare_digest(signature, expected.hexdigest())
    (delivery,) = deliveries(app, tenant)
    assert headers["Trellis-Delivery"] == str(delivery.id) == payload["delivery_id"]
    assert delivery.status == "delivered" and delivery.response_status == 200
    assert delivery.response_body == '{"received": true}' and delivery.attempts == 1


def test_a_failed_webhook_is_retried_later_with_back_off_then_given_up(
    app, tenant, receiver, moving_clock
):
    endpoint = receiver([500, 503, 200])
    make_workflow(
        app,
        tenant,
        trigger_type="record_created",
        actions=[{"type": "webhook", "url": endpoint.url}],
    )
    company(app, tenant)
    (delivery,) = deliveries(app, tenant)
    assert delivery.status == "pending" and delivery.response_status == 500
    assert len(endpoint.calls) == 1
    with app.app_context():
        drain()
    assert len(endpoint.calls) == 1  # not before its time
    moving_clock.advance(seconds=31)
    with app.app_context():
        drain()
    assert len(endpoint.calls) == 2  # after 30 s
    moving_clock.advance(seconds=61)
    with app.app_context():
        drain()
    (delivery,) = deliveries(app, tenant)
    assert len(endpoint.calls) == 3 and delivery.status == "delivered" and delivery.attempts == 3
    headers = [call[0]["Trellis-Delivery"] for call in endpoint.calls]
    assert len(set(headers)) == 1  # one id for every attempt: the receiver's idempotency key


def test_production_refuses_webhooks_to_private_addresses(app, tenant, monkeypatch):
    from core.workflows import webhooks
    from saas.errors import ValidationFailed

    monkeypatch.setitem(app.config, "WEBHOOKS_ALLOW_PRIVATE", False)
    with app.app_context():
        with pytest.raises(ValidationFailed):
            webhooks.clean_url("http://example.com/hook")  # https only
        for address in (
            "127.0.0.1",
            "10.0.0.8",
            "169.254.169.254",
            "[::ffff:127.0.0.1]",
            "2130706433",
            "0x7f000001",
            "100.64.0.1",
        ):
            with pytest.raises(ConnectionError):
                webhooks._check_address(f"https://{address}/hook")


def test_a_date_trigger_fires_once_days_before_the_date(app, tenant, moving_clock):
    today = clock.now().date()
    flow = make_workflow(
        app,
        tenant,
        object_name="deals",
        trigger_type="date_reached",
        trigger={"field": "close_date", "offset_days": -3},
        actions=[{"type": "create_task", "subject": "Renewal: {{ record.name }}"}],
    )
    run_as_admin(
        app,
        tenant,
        lambda admin: [
            records.create_record(
                "deals",
                {"name": name, "close_date": str(today + dt.timedelta(days=days))},
                actor=admin,
            )
            for name, days in (("Soon", 3), ("Later", 10))
        ],
    )

    def scan():
        with app.app_context(), tenant_scope(tenant["id"]):
            count = engine.scan_time_triggers()
            db.session.commit()
        with app.app_context():
            drain()
        return count

    assert scan() == 1
    assert scan() == 0  # once per record and date
    assert [t[0] for t in tasks(app, tenant)] == ["Renewal: Soon"]
    moving_clock.advance(days=7)
    assert scan() == 1
    assert sorted(t[0] for t in tasks(app, tenant)) == ["Renewal: Later", "Renewal: Soon"]
    assert all(run.trigger_event == "date" for run in runs(app, tenant, flow))


def test_a_schedule_fires_in_the_workspace_time_zone(app, tenant):
    from tenants.settings import update_settings

    start = dt.datetime(2026, 12, 7, 7, 0, tzinfo=dt.UTC)  # a Monday, 08:00 in Berlin
    with clock.travel(start, tick=False):

        def setup(admin):
            update_settings({"timezone": "Europe/Berlin"}, logged_as=None)
            records.create_record("companies", {"name": "Weekly"}, actor=admin)
            return services.create_workflow(
                name="Monday calls",
                object_name="companies",
                trigger_type="schedule",
                trigger={"cron": "0 9 * * 1"},
                actions=[{"type": "create_task", "subject": "Call"}],
                active=True,
                actor=admin,
            ).next_run_at

        next_run = run_as_admin(app, tenant, setup)
        assert next_run == dt.datetime(2026, 12, 7, 8, 0, tzinfo=dt.UTC)  # 09:00 Berlin
    for moment, expected in (
        (dt.datetime(2026, 12, 7, 7, 59, tzinfo=dt.UTC), 0),
        (dt.datetime(2026, 12, 7, 8, 1, tzinfo=dt.UTC), 1),
        (dt.datetime(2026, 12, 7, 8, 6, tzinfo=dt.UTC), 0),
    ):
        with clock.travel(moment, tick=False):
            with app.app_context(), tenant_scope(tenant["id"]):
                assert engine.scan_time_triggers() == expected
                db.session.commit()
    with app.app_context(), tenant_scope(tenant["id"]):
        (workflow,) = db.session.scalars(select(Workflow)).all()
        assert workflow.next_run_at == dt.datetime(2026, 12, 14, 8, 0, tzinfo=dt.UTC)
        assert len(db.session.scalars(select(WorkflowRun)).all()) == 1


def test_the_periodic_task_enqueues_one_scan_per_tenant_and_slot(app, tenant, other_tenant):
    from saas.jobs import periodic_registry
    from saas.jobs.models import OutboxJob
    from tenants.scoping import platform_scope

    with app.app_context():
        task = periodic_registry()["workflows.time_triggers"]
        assert task.run() == 2 and task.run() == 2
        db.session.commit()
        with platform_scope("test: the scans of every tenant"):
            names = db.session.scalars(select(OutboxJob.job_name)).all()
        assert names.count("workflows.scan_time_triggers") == 2
        dispatch_outbox()
