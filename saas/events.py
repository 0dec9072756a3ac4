"""Typed events: what happened, told inside the transaction that made it happen.

A service that changes something emits an event once its change is flushed::

    emit(RecordUpdated(tenant_id=..., actor_id=..., object_name="deals", record_id=...,
                       changes={"stage_id": (old, new)}))

``emit`` then, in the caller's transaction:

1. calls the ``event_emitted(event)`` hook of every plugin: a notify hook may add to the
   same transaction (flush, never commit); an exception in it propagates, so the whole
   change rolls back and the caller's error handling applies;
2. writes one outbox job for every job subscribed to the event's name through
   ``register_event_jobs``: it exists exactly when the change commits, and runs after the
   commit (in the worker, or in-process without Redis) as ``job(tenant_id, *event.job_args())``:
   ids only, never CRM data, so a job reads the current state itself.

Events are small frozen dataclasses; each class has a stable ``name`` ("record.created")
that subscriptions and docs use. The record events live with the record services
(``core.objects.events``); areas and plugins define their own the same way.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from collections.abc import Callable, Iterable
from typing import ClassVar

from saas import clock


@dataclasses.dataclass(frozen=True, kw_only=True)
class Event:
    """Something that happened in one tenant, by an actor (None: the system)."""

    name: ClassVar[str] = "event"

    tenant_id: uuid.UUID
    actor_id: uuid.UUID | None
    at: dt.datetime = dataclasses.field(default_factory=clock.now)

    def job_args(self) -> tuple[str, ...]:
        """What a subscribed job receives after the tenant id: ids, never CRM data."""
        return (self.name,)


def subscriptions(pm) -> dict[str, list[Callable]]:
    """Event name → the jobs subscribed to it (``register_event_jobs``), core first."""
    found: dict[str, list[Callable]] = {}
    for contributed in reversed(pm.hook.register_event_jobs()):
        for event_name, job in _pairs(contributed):
            if not isinstance(event_name, str) or not callable(job):
                raise TypeError(
                    "register_event_jobs must return (event name, job) pairs, got "
                    f"{(event_name, job)!r}"
                )
            found.setdefault(event_name, []).append(job)
    return found


def _pairs(contributed) -> Iterable[tuple]:
    if isinstance(contributed, dict):
        return contributed.items()
    return contributed


def emit(event: Event) -> None:
    """Tell the plugins and the subscribed jobs about ``event`` (see the module's doc)."""
    from saas.jobs import enqueue
    from saas.plugins.tenant import active_hooks

    pm = active_hooks()  # core and the tenant's enabled plugins only
    pm.hook.event_emitted(event=event)
    for job in subscriptions(pm).get(event.name, ()):
        enqueue(job, event.tenant_id, *event.job_args())
