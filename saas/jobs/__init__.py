"""Background jobs: RQ on Redis, with a transactional outbox, or in-process without Redis.

- ``@tenant_job(...)`` declares a job. A job receives the tenant id and object ids (never
  objects), runs in the app context inside ``tenant_scope``, and commits once or rolls
  back. Jobs are idempotent: ``record_effect(key)`` lets a job do its effect exactly once.
- ``enqueue(job, tenant_id, *ids)`` writes the job to the ``job_outbox`` table in the
  caller's transaction: it exists exactly when the change that caused it is committed.
- After the commit, ``dispatch_outbox()`` hands the outbox to RQ (``REDIS_URL`` set) or
  runs the jobs in-process (the embedded default). The worker sweeps the outbox every
  minute too, so nothing is lost when Redis crashes or a dispatch is interrupted.
"""

from saas.jobs.core import (  # noqa: F401
    JOBS,
    dispatch_outbox,
    enqueue,
    enqueue_for_every_tenant,
    record_effect,
    run_outbox_job,
    run_periodic,
    tenant_job,
)
