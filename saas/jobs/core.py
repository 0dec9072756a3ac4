"""The job machinery (see the package docstring)."""

from __future__ import annotations

import datetime as dt
import functools
import logging
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app, g, has_app_context, has_request_context
from sqlalchemy import delete, or_, select
from sqlalchemy.exc import IntegrityError

from saas import clock
from saas.db import db
from saas.jobs.models import JobEffect, OutboxJob
from tenants.scoping import TenantScopeError, current_tenant_id, platform_scope, tenant_scope

log = logging.getLogger(__name__)

# A dispatched job whose row is still there after this long is dispatched again: the worker
# died, or Redis lost it. RQ's own abandoned-job detection takes much longer.
REDISPATCH_AFTER = dt.timedelta(minutes=2)


# A job's or periodic task's name: stable dotted words (``billing.sync_seats``), never a
# module path, so moving the code keeps the rows of the outbox valid.
NAME = re.compile(r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+")


@dataclass(frozen=True)
class JobSpec:
    name: str
    func: Callable
    timeout: int
    retries: int


@dataclass(frozen=True)
class PeriodicTask:
    """Work ``trellis scheduler`` starts on a schedule (``register_periodic_tasks``).

    ``run`` takes no arguments and returns a count; it typically enqueues one job per
    tenant (``enqueue_for_every_tenant``). It runs in the worker's app, outside any tenant
    scope; what it enqueued is committed and dispatched after it. Exactly one of ``cron``
    (a crontab line, UTC) and ``interval`` (seconds).
    """

    name: str
    run: Callable[[], int]
    cron: str | None = None
    interval: int | None = None

    def __post_init__(self) -> None:
        if not NAME.fullmatch(self.name):
            raise ValueError(f"periodic task {self.name!r}: a name is dotted lower-case words")
        if (self.cron is None) == (self.interval is None):
            raise ValueError(f"periodic task {self.name}: give exactly one of cron and interval")
        if self.interval is not None and self.interval < 1:
            raise ValueError(f"periodic task {self.name}: the interval is at least 1 second")

    def when(self) -> str:
        return f"cron {self.cron} UTC" if self.cron else f"every {self.interval} s"


def tenant_job(*, timeout: int = 60, retries: int = 3):
    """Give a job ``func(tenant_id, *ids)`` its run options; it runs inside the tenant's
    scope. The job gets its name where it is registered (``register_jobs``)."""

    def decorator(func: Callable) -> Callable:
        func.job_options = {"timeout": timeout, "retries": retries}
        return func

    return decorator


class JobRegistry:
    """The jobs of the running app by name, and the name of each job function."""

    def __init__(self, jobs: dict[str, Callable]):
        self.specs: dict[str, JobSpec] = {}
        self._names: dict[Callable, str] = {}
        for name, func in jobs.items():
            options = getattr(func, "job_options", {"timeout": 60, "retries": 3})
            self.specs[name] = JobSpec(name=name, func=func, **options)
            if func in self._names:
                raise ValueError(f"{func!r} is registered as job {self._names[func]} and {name}")
            self._names[func] = name

    def get(self, name: str) -> JobSpec | None:
        return self.specs.get(name)

    def name_of(self, job: Callable | str) -> str:
        name = job if isinstance(job, str) and job in self.specs else self._names.get(job)
        if name is None:
            raise ValueError(f"{job!r} is not a job registered through register_jobs")
        return name


def job_registry() -> JobRegistry:
    """The current app's jobs (``register_jobs`` of every hook), rebuilt when the manager's
    implementations change (a plugin registered in a test)."""
    from saas.plugins.manager import current_manager, jobs

    pm = current_manager()
    # The functions themselves, not their id(): an unregistered plugin's function may be
    # collected and its id reused by the next one.
    key = tuple(impl.function for impl in pm.hook.register_jobs.get_hookimpls())
    cached = current_app.extensions.get("trellis_jobs")
    if cached is None or cached[0] != key:
        cached = (key, JobRegistry(jobs(pm)))
        current_app.extensions["trellis_jobs"] = cached
    return cached[1]


def periodic_registry() -> dict[str, PeriodicTask]:
    """The current app's periodic tasks by name (``register_periodic_tasks``), core first."""
    from saas.plugins.manager import current_manager, periodic_tasks

    return {task.name: task for task in periodic_tasks(current_manager())}


def enqueue(
    job: Callable,
    tenant_id: uuid.UUID,
    *ids,
    dedup_key: str | None = None,
    delay: dt.timedelta | None = None,
) -> None:
    """Add a job to the outbox in the current transaction (flushes, never commits).

    ``job`` is a function registered through ``register_jobs``, or its name. With
    ``dedup_key``, a job with the same key that has not run yet absorbs this one.
    """
    name = job_registry().name_of(job)
    if current_tenant_id() not in (None, tenant_id):
        raise TenantScopeError("a job enqueued for another tenant")
    # The outbox row is the tenant's (its RLS policy checks for_tenant): written in its scope.
    with tenant_scope(tenant_id):
        if dedup_key is not None:
            pending = db.session.scalar(select(OutboxJob).where(OutboxJob.dedup_key == dedup_key))
            if pending is not None:
                return
        db.session.add(
            OutboxJob(
                job_name=name,
                for_tenant=tenant_id,
                args=[str(i) for i in ids],
                dedup_key=dedup_key,
                run_after=clock.now() + (delay or dt.timedelta()),
            )
        )
        db.session.flush()
    if has_request_context():
        g.trellis_jobs_pending = True


def record_effect(key: str) -> bool:
    """Record that the effect ``key`` happens in this transaction; False if it already did.

    Call it in the job before the effect; the row commits or rolls back with the effect.
    """
    try:
        with db.session.begin_nested():
            db.session.add(JobEffect(effect_key=key))
    except IntegrityError:
        return False
    return True


def _redis_queue():
    from redis import Redis
    from rq import Queue

    connection = Redis.from_url(current_app.config["REDIS_URL"])
    return Queue("trellis", connection=connection)


def dispatch_outbox(*, limit: int = 500) -> int:
    """Hand due outbox jobs to RQ, or run them here without Redis. Returns how many."""
    with platform_scope("outbox dispatcher: the due jobs of every tenant"):
        count, run_here = _dispatch_due(limit)
    # Without Redis the jobs run here, each in its tenant's scope (not the platform's).
    for outbox_id in run_here:
        run_outbox_job(str(outbox_id), in_process=True)
    return count


def _dispatch_due(limit: int) -> tuple[int, list[uuid.UUID]]:
    """Hand the due jobs to RQ; without Redis, the ids of those to run in this process."""
    now = clock.now()
    due = db.session.scalars(
        select(OutboxJob)
        .where(
            OutboxJob.run_after <= now,
            or_(
                OutboxJob.dispatched_at.is_(None),
                OutboxJob.dispatched_at < now - REDISPATCH_AFTER,
            ),
        )
        .order_by(OutboxJob.created_at)
        .limit(limit)
    ).all()
    if not due:
        return 0, []
    if current_app.config.get("REDIS_URL"):
        from rq import Retry

        queue = _redis_queue()
        registry = job_registry()
        for row in due:
            spec = registry.get(row.job_name)
            row.dispatched_at = now
            row.attempts += 1
            retries = spec.retries if spec else 0
            queue.enqueue(
                run_outbox_job,
                str(row.id),
                job_timeout=spec.timeout if spec else 60,
                retry=Retry(max=retries, interval=[5, 30, 120]) if retries else None,
                job_id=f"outbox-{row.id}-{row.attempts}",
            )
        db.session.commit()
        return len(due), []
    ids = [row.id for row in due]
    db.session.commit()
    return len(ids), ids


def run_outbox_job(outbox_id: str, *, in_process: bool = False) -> str:
    """Run one outbox job: the RQ entry point and the in-process path."""
    if not has_app_context():
        with _worker_app().app_context():
            return run_outbox_job(outbox_id, in_process=in_process)
    with platform_scope("outbox job: which tenant it runs for"):
        row = db.session.get(OutboxJob, uuid.UUID(outbox_id))
        if row is None:
            return "already done"
        tenant_id, args, name, row_id = row.for_tenant, list(row.args), row.job_name, row.id
        db.session.commit()
    return _run_for_tenant(tenant_id, name, row_id, args, in_process=in_process)


def _run_for_tenant(
    tenant_id: uuid.UUID, job_name: str, row_id: uuid.UUID, args: list, *, in_process: bool
) -> str:
    spec = job_registry().get(job_name)
    try:
        if spec is None:  # its area is gone (a plugin uninstalled): the row stays, failed
            raise LookupError(f"unknown job {job_name}")
        with tenant_scope(tenant_id):
            spec.func(tenant_id, *args)
            db.session.execute(delete(OutboxJob).where(OutboxJob.id == row_id))
            db.session.commit()
    except Exception as exc:
        db.session.rollback()
        log.exception("job %s for tenant %s failed", job_name, tenant_id)
        with tenant_scope(tenant_id):
            failed = db.session.get(OutboxJob, row_id)
            if failed is not None:
                failed.last_error = f"{type(exc).__name__}: {exc}"[:2000]
                if in_process:
                    failed.attempts += 1
                    failed.dispatched_at = clock.now()
            db.session.commit()
        if not in_process:
            raise
        return "failed"
    return "done"


def enqueue_for_every_tenant(job: Callable, kind: str, *, day: dt.date | None = None) -> int:
    """Enqueue ``job`` for every live tenant, once per tenant per ``day`` (default today):
    a second call the same day is absorbed by the jobs not yet run. The nightly work of
    ``trellis scheduler`` (billing reconciliation, quote expiry, recycle-bin purge)."""
    from tenants.models import Tenant

    day = day or clock.today()
    tenant_ids = db.session.scalars(select(Tenant.id).where(Tenant.status != "deleted")).all()
    for tenant_id in tenant_ids:
        enqueue(job, tenant_id, dedup_key=f"{kind}:{tenant_id}:{day.isoformat()}")
    return len(tenant_ids)


def run_periodic_task(name: str) -> int:
    """The RQ entry point of every periodic task (``trellis scheduler`` registers it with the
    task's name): run the task in the worker's app, commit what it enqueued, and hand the
    jobs over to RQ."""
    with _worker_app().app_context():
        task = periodic_registry().get(name)
        if task is None:
            raise LookupError(f"unknown periodic task {name}")
        count = task.run()
        db.session.commit()
        dispatch_outbox()
        return count


@functools.cache
def _worker_app():
    """One app per worker process, built on its first job."""
    from saas.app import create_app

    return create_app()
