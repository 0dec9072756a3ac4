"""Jobs and periodic tasks come from the hooks: an area's register_jobs names its jobs
(stable names, stored in the outbox) and register_periodic_tasks gives trellis scheduler its
work, with no list in saas/jobs edited."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from saas.db import db
from saas.jobs import PeriodicTask, dispatch_outbox, enqueue, job_registry, run_periodic_task
from saas.jobs.models import OutboxJob
from saas.plugins import hookimpl
from saas.plugins.manager import build_manager, jobs, periodic_tasks
from tenants.scoping import tenant_scope

FAKE_HOOKS = """
    from saas.plugins import hookimpl


    @hookimpl
    def register_jobs():
        from core.zz_fakejobs.work import note_job, note_job_hourly

        return {"zz_fake.note": note_job, "zz_fake.note_hourly": note_job_hourly}


    @hookimpl
    def register_periodic_tasks():
        from core.zz_fakejobs.work import note_every_tenant
        from saas.jobs import PeriodicTask

        return [PeriodicTask("zz_fake.note_hourly", note_every_tenant, cron="5 * * * *")]
"""

FAKE_WORK = """
    from saas.jobs import enqueue_for_every_tenant, tenant_job
    from tenants.scoping import current_tenant_id

    NOTES = []


    @tenant_job(timeout=7, retries=1)
    def note_job(tenant_id, what):
        NOTES.append((str(current_tenant_id()), what))


    def note_every_tenant():
        return enqueue_for_every_tenant(note_job_hourly, "zz-fake-hourly")


    @tenant_job(timeout=7, retries=0)
    def note_job_hourly(tenant_id):
        note_job(tenant_id, "hourly")
"""


@pytest.fixture
def fake_app(app, make_area, build_app):
    make_area("zz_fakejobs", FAKE_HOOKS, work=FAKE_WORK)
    return build_app()


def test_core_jobs_and_periodic_tasks_come_from_the_hooks():
    pm = build_manager()
    assert {
        "billing.sync_seats",
        "billing.reconcile",
        "mail.deliver_outbox",
        "orders.expire_quotes",
        "objects.purge_deleted",
    } <= set(jobs(pm))
    tasks = {task.name: task.when() for task in periodic_tasks(pm)}
    assert list(tasks)[0] == "jobs.sweep_outbox"  # the platform first
    assert tasks == {
        "jobs.sweep_outbox": "every 30 s",
        "billing.reconcile_nightly": "cron 17 3 * * * UTC",
        "orders.expire_quotes_nightly": "cron 7 0 * * * UTC",
        "objects.purge_nightly": "cron 43 2 * * * UTC",
        "workflows.time_triggers": "every 300 s",
    } | {name: when for name, when in tasks.items() if name.startswith("zz")}


def test_a_new_areas_job_runs_under_its_stable_name(fake_app, tenant):
    from core.zz_fakejobs import work

    with fake_app.app_context():
        spec = job_registry().get("zz_fake.note")
        assert (spec.func, spec.timeout, spec.retries) == (work.note_job, 7, 1)
        with tenant_scope(tenant["id"]):
            enqueue(work.note_job, tenant["id"], "hello")
            assert db.session.scalar(select(OutboxJob.job_name)) == "zz_fake.note"
            db.session.commit()
        assert dispatch_outbox() == 1
    assert [(str(tenant["id"]), "hello")] == work.NOTES


def test_a_new_areas_periodic_task_is_scheduled_and_runs(fake_app, tenant, monkeypatch):
    import rq.cron
    from core.zz_fakejobs import work

    from saas.jobs import core as jobs_core

    registered = []

    class FakeCron:
        def __init__(self, connection):
            pass

        def register(self, func, queue_name, args=(), name="", **when):
            registered.append((func, queue_name, args, name, when))

        def start(self):
            pass

    monkeypatch.setattr(rq.cron, "CronScheduler", FakeCron)
    monkeypatch.setitem(fake_app.config, "REDIS_URL", "redis://127.0.0.1:1/0")
    result = fake_app.test_cli_runner().invoke(args=["scheduler"])
    assert result.exit_code == 0, result.output
    assert "zz_fake.note_hourly: cron 5 * * * * UTC" in result.output
    hourly = (run_periodic_task, "trellis", ("zz_fake.note_hourly",), "zz_fake.note_hourly")
    assert (*hourly, {"cron": "5 * * * *"}) in registered
    assert registered[0][2] == ("jobs.sweep_outbox",)

    # When it is due, RQ calls run_periodic_task with the name, in the worker's app.
    monkeypatch.setitem(fake_app.config, "REDIS_URL", None)
    monkeypatch.setattr(jobs_core, "_worker_app", lambda: fake_app)
    assert run_periodic_task("zz_fake.note_hourly") == 1  # one live tenant
    assert [(str(tenant["id"]), "hourly")] == work.NOTES  # enqueued, committed, dispatched
    with pytest.raises(LookupError, match="unknown periodic task zz_fake.gone"):
        run_periodic_task("zz_fake.gone")


def _with(hook_name, result):
    pm = build_manager()

    class Extra:
        pass

    def impl(self):
        return result

    impl.__name__ = hook_name
    setattr(Extra, hook_name, hookimpl(impl))
    pm.register(Extra(), name="extra")
    return pm


@pytest.mark.parametrize(
    "contributed, error",
    [
        ({"saas.billing.jobs.sync_seats_job.x": print}, None),
        ({"Billing.Sync": print}, "is not dotted lower-case words"),
        ({"sync_seats": print}, "is not dotted lower-case words"),
        ({"billing.sync_seats": print}, "job billing.sync_seats is registered twice"),
        ({"extra.job": "saas.mail.deliver_outbox_job"}, "not a function"),
    ],
)
def test_job_names_are_checked(contributed, error):
    pm = _with("register_jobs", contributed)
    if error is None:
        assert print in jobs(pm).values()
        return
    with pytest.raises((ValueError, TypeError), match=error):
        jobs(pm)


def test_one_function_under_two_names_is_refused(app):
    pm = app.extensions["trellis_plugins"]

    class Twice:
        @hookimpl
        def register_jobs(self):
            from saas.billing.jobs import sync_seats_job

            return {"extra.sync_again": sync_seats_job}

    pm.register(Twice(), name="twice")
    try:
        with app.app_context(), pytest.raises(ValueError, match="billing.sync_seats and extra"):
            job_registry()
    finally:
        pm.unregister(name="twice")


def test_periodic_tasks_are_checked():
    with pytest.raises(ValueError, match="exactly one of cron and interval"):
        PeriodicTask("extra.task", print)
    with pytest.raises(ValueError, match="exactly one of cron and interval"):
        PeriodicTask("extra.task", print, cron="* * * * *", interval=5)
    with pytest.raises(ValueError, match="dotted lower-case words"):
        PeriodicTask("extra task", print, interval=5)
    with pytest.raises(ValueError, match="at least 1 second"):
        PeriodicTask("extra.task", print, interval=0)
    pm = _with("register_periodic_tasks", [PeriodicTask("jobs.sweep_outbox", print, interval=5)])
    with pytest.raises(ValueError, match="periodic task jobs.sweep_outbox is registered twice"):
        periodic_tasks(pm)
    pm = _with("register_periodic_tasks", ["jobs.sweep_outbox"])
    with pytest.raises(TypeError, match="must return PeriodicTask objects"):
        periodic_tasks(pm)
