"""The kit of workflow triggers and actions (``register_workflow_triggers``,
``register_workflow_actions``): what core's own workflow area and plugins contribute.

A trigger says which events start a workflow (``events``: event names such as
``record.updated`` or a plugin's own ``booking.confirmed``) and, given an event and the
trigger's settings, whether this one does (``matches``). An action does one step of a run
(``run``) and says what it did. Both may check their settings when a workflow is saved
(``clean``), raising ``saas.errors.ValidationFailed`` with a message the admin reads.

The workflow engine (``core/workflows``) stamps each with its owner, finds them by
``name``, and calls them inside the run's job, in the tenant's scope and transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class WorkflowTrigger:
    """What starts a workflow.

    - ``name``: stable dotted or snake_case words (``record_created``, ``tourism.booking``);
      it is stored in the workflow, so it never changes.
    - ``label``: what the admin reads in the builder (mark it with ``N_`` / ``_l``).
    - ``events``: the event names it listens to; empty for triggers that the engine starts
      by time (date and schedule triggers are core's).
    - ``matches(event, config)``: True when this event starts a workflow with these trigger
      settings (``config``, a dict). Default: every event of ``events``.
    - ``clean(config, object_name)``: the settings to store, or ``ValidationFailed``.
      Default: the settings as given.
    - ``record_of(event)``: ``(object API name, record id)`` the run works on, or None for a
      run without a record. Default: the event's ``object_name`` and ``record_id``.
    - ``objects``: the object API names it applies to (empty: every object).
    """

    name: str
    label: str
    events: tuple[str, ...] = ()
    matches: Callable[..., bool] | None = None
    clean: Callable[..., dict] | None = None
    record_of: Callable[..., tuple[str, uuid.UUID] | None] | None = None
    objects: tuple[str, ...] = ()
    owner: str = "core"


@dataclass(frozen=True)
class ActionContext:
    """What an action's ``run`` gets: the run's tenant, workflow, run and step, the record it
    works on (``record``: its fields by API name as the API shows them, None without one)
    and the step's settings (``config``). ``effect_key`` is unique to this step of this run:
    pass it to ``saas.jobs.record_effect`` (or send it as an idempotency key) for an effect
    outside the database."""

    tenant_id: uuid.UUID
    workflow_id: uuid.UUID
    run_id: uuid.UUID
    step: int
    object_name: str | None
    record_id: uuid.UUID | None
    record: Mapping[str, object] | None
    config: Mapping[str, object] = field(default_factory=dict)
    trigger: Mapping[str, object] = field(default_factory=dict)

    @property
    def effect_key(self) -> str:
        return f"workflows.step:{self.run_id}:{self.step}"


@dataclass(frozen=True)
class WorkflowAction:
    """One kind of step of a workflow.

    - ``name``, ``label``: as for a trigger.
    - ``run(context)``: does the step inside the run's transaction (flush, never commit) and
      returns a JSON-able dict the run log shows; a ``saas.errors.UserError`` (or any
      exception) fails the step, rolls back what the step did, and stops the run.
    - ``clean(config, object_name)``: the settings to store, or ``ValidationFailed``.
    """

    name: str
    label: str
    run: Callable[[ActionContext], dict | None]
    clean: Callable[..., dict] | None = None
    owner: str = "core"
