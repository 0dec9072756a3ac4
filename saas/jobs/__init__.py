"""Background jobs: RQ on Redis, with a transactional outbox, or in-process without Redis.

- A job is a function ``job(tenant_id, *ids)`` registered under a stable name by a
  ``register_jobs`` hook (``{"billing.sync_seats": sync_seats_job}``); ``@tenant_job(...)``
  sets its timeout and retries. The outbox stores the name, never a module path. A job
  receives the tenant id and object ids (never objects), runs in the app context inside
  ``tenant_scope``, and commits once or rolls back. Jobs are idempotent:
  ``record_effect(key)`` lets a job do its effect exactly once.
- ``enqueue(job, tenant_id, *ids)`` writes the job to the ``job_outbox`` table in the
  caller's transaction: it exists exactly when the change that caused it is committed.
- After the commit, ``dispatch_outbox()`` hands the outbox to RQ (``REDIS_URL`` set) or
  runs the jobs in-process (the embedded default). The worker sweeps the outbox every
  minute too, so nothing is lost when Redis crashes or a dispatch is interrupted.
- ``register_periodic_tasks`` hooks give ``PeriodicTask``s; ``trellis scheduler`` starts each
  on its schedule through ``run_periodic_task(name)``.
"""

from saas.jobs.core import (  # noqa: F401
    JobRegistry,
    JobSpec,
    PeriodicTask,
    dispatch_outbox,
    enqueue,
    enqueue_for_every_tenant,
    job_registry,
    periodic_registry,
    record_effect,
    run_outbox_job,
    run_periodic_task,
    tenant_job,
)
