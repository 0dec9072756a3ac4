"""Jobs: the outbox, in-process and RQ execution, idempotent effects, lost-job recovery."""

from __future__ import annotations

import datetime as dt

import pytest
import redis
from sqlalchemy import func, select

from saas import clock
from saas.app import create_app
from saas.db import db
from saas.jobs import dispatch_outbox, enqueue, record_effect, tenant_job
from saas.jobs.models import JobEffect, OutboxJob
from saas.plugins import hookimpl
from tenants.scoping import current_tenant_id, platform_scope, tenant_scope
from tests.conftest import REQUIRE_SERVICES, redis_test_url, test_config

REDIS_URL = redis_test_url()  # this worker's own database (the jobs tests flush it)
EFFECTS: list[tuple] = []


@tenant_job(timeout=10, retries=0)
def remember_job(tenant_id, key):
    assert current_tenant_id() == tenant_id  # the job runs inside its tenant's scope
    if record_effect(f"remember:{key}"):
        EFFECTS.append((str(tenant_id), key))


@tenant_job(timeout=10, retries=0)
def failing_job(tenant_id):
    raise RuntimeError("boom")


class TestJobs:
    """This module's jobs, registered like an area's (``register_jobs``)."""

    @hookimpl
    def register_jobs(self):
        return {"tests.remember": remember_job, "tests.failing": failing_job}


def _register_test_jobs(application):
    pm = application.extensions["trellis_plugins"]
    if pm.get_plugin("tests.jobs") is None:
        pm.register(TestJobs(), name="tests.jobs")
    return pm


@pytest.fixture(autouse=True)
def _clear_effects(request):
    EFFECTS.clear()
    if "app" in request.fixturenames:
        pm = _register_test_jobs(request.getfixturevalue("app"))
        yield
        pm.unregister(name="tests.jobs")
    else:
        yield


def _outbox_count(app) -> int:
    with app.app_context(), platform_scope("test: every tenant's jobs"):
        return db.session.scalar(select(func.count()).select_from(OutboxJob))


def test_job_runs_in_process_after_commit(app, tenant):
    with app.app_context():
        with tenant_scope(tenant["id"]):
            enqueue(remember_job, tenant["id"], "a")
            db.session.commit()
        assert dispatch_outbox() == 1
    assert [(str(tenant["id"]), "a")] == EFFECTS
    assert _outbox_count(app) == 0


def test_rolled_back_change_leaves_no_job(app, tenant):
    with app.app_context():
        with tenant_scope(tenant["id"]):
            enqueue(remember_job, tenant["id"], "never")
            db.session.rollback()
        assert dispatch_outbox() == 0
    assert EFFECTS == []


def test_effects_happen_once_however_often_a_job_is_delivered(app, tenant):
    with app.app_context():
        with tenant_scope(tenant["id"]):
            for _ in range(3):
                enqueue(remember_job, tenant["id"], "same")
            db.session.commit()
        assert dispatch_outbox() == 3
        with tenant_scope(tenant["id"]):
            assert db.session.scalar(select(func.count()).select_from(JobEffect)) == 1
    assert [(str(tenant["id"]), "same")] == EFFECTS


def test_dedup_key_coalesces_pending_jobs(app, tenant):
    with app.app_context(), tenant_scope(tenant["id"]):
        enqueue(remember_job, tenant["id"], "x", dedup_key="k")
        enqueue(remember_job, tenant["id"], "y", dedup_key="k")
        db.session.commit()
    assert _outbox_count(app) == 1


def test_failed_job_stays_in_the_outbox_and_is_retried_later(app, tenant):
    with app.app_context():
        with tenant_scope(tenant["id"]):
            enqueue(failing_job, tenant["id"])
            db.session.commit()
        dispatch_outbox()
        with tenant_scope(tenant["id"]):
            row = db.session.scalar(select(OutboxJob))
            assert row.attempts == 1 and "boom" in row.last_error
        assert dispatch_outbox() == 0  # not before the retry delay
        with tenant_scope(tenant["id"]):
            row = db.session.scalar(select(OutboxJob))
            row.dispatched_at = clock.now() - dt.timedelta(minutes=3)
            db.session.commit()
        assert dispatch_outbox() == 1
        with tenant_scope(tenant["id"]):
            assert db.session.scalar(select(OutboxJob.attempts)) == 2


def test_unknown_job_is_refused_at_enqueue(app, tenant):
    with app.app_context(), tenant_scope(tenant["id"]):
        with pytest.raises(ValueError, match="not a job registered through register_jobs"):
            enqueue(lambda tenant_id: None, tenant["id"])
        with pytest.raises(ValueError, match="not a job registered"):
            enqueue("tests.nothing", tenant["id"])


def test_the_outbox_stores_the_stable_name_and_a_job_is_enqueued_by_name(app, tenant):
    with app.app_context():
        with tenant_scope(tenant["id"]):
            enqueue(remember_job, tenant["id"], "by-function")
            enqueue("tests.remember", tenant["id"], "by-name")
            names = db.session.scalars(select(OutboxJob.job_name)).all()
            assert names == ["tests.remember", "tests.remember"]
            db.session.commit()
        assert dispatch_outbox() == 2
    assert sorted(key for _, key in EFFECTS) == ["by-function", "by-name"]


def test_an_outbox_row_naming_no_registered_job_fails_and_stays(app, tenant):
    """A job whose area is gone (a plugin uninstalled) fails like any job; its row stays
    with the reason, and the jobs after it still run."""
    with app.app_context():
        with tenant_scope(tenant["id"]):
            db.session.add(OutboxJob(job_name="gone.job", for_tenant=tenant["id"], args=[]))
            db.session.flush()
            enqueue(remember_job, tenant["id"], "after")
            db.session.commit()
        assert dispatch_outbox() == 2
        with tenant_scope(tenant["id"]):
            row = db.session.scalar(select(OutboxJob))
            assert row.job_name == "gone.job" and row.attempts == 1
            assert row.last_error == "LookupError: unknown job gone.job"
    assert [key for _, key in EFFECTS] == ["after"]


@pytest.fixture
def redis_app(database_urls, app):
    try:
        connection = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
        connection.ping()
    except redis.RedisError:
        if REQUIRE_SERVICES:
            pytest.fail(f"Redis is required in CI and is not reachable at {REDIS_URL}")
        pytest.skip("Redis is not reachable")
    connection.flushdb()
    application = create_app(test_config(*database_urls, REDIS_URL=REDIS_URL))
    _register_test_jobs(application)
    yield application, connection
    connection.flushdb()
    connection.close()
    with application.app_context():
        db.engine.dispose()


def _work(application, connection) -> None:
    from rq import Queue, SimpleWorker

    class Worker(SimpleWorker):
        """Without the command listener (nothing sends these workers commands): rq 3.0's
        listener thread can read for another 60 s after it unsubscribes, and redis-py 8.2
        waits for it, so a burst took 60 s now and then."""

        def subscribe(self) -> None:
            self.pubsub_thread = None

    with application.app_context():
        Worker([Queue("trellis", connection=connection)], connection=connection).work(burst=True)


def test_with_redis_jobs_go_through_rq(redis_app, tenant):
    application, connection = redis_app
    with application.app_context():
        with tenant_scope(tenant["id"]):
            enqueue(remember_job, tenant["id"], "via-rq")
            db.session.commit()
        assert dispatch_outbox() == 1
    assert EFFECTS == []  # queued, not run here
    _work(application, connection)
    assert [(str(tenant["id"]), "via-rq")] == EFFECTS
    assert _outbox_count(application) == 0


def test_jobs_survive_a_redis_crash(redis_app, tenant):
    application, connection = redis_app
    with application.app_context():
        with tenant_scope(tenant["id"]):
            enqueue(remember_job, tenant["id"], "survivor")
            db.session.commit()
        dispatch_outbox()
    connection.flushdb()  # Redis lost everything it had
    _work(application, connection)
    assert EFFECTS == []
    with application.app_context():
        with tenant_scope(tenant["id"]):
            row = db.session.scalar(select(OutboxJob))
            row.dispatched_at = clock.now() - dt.timedelta(minutes=3)
            db.session.commit()
        assert dispatch_outbox() == 1
    _work(application, connection)
    assert [(str(tenant["id"]), "survivor")] == EFFECTS
