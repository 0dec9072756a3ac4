"""The record services' events: emitted by ``core.objects.records`` for every write of every
object (standard, custom or a plugin's), after the write and its audit entry are flushed.

See ``saas.events`` for how they are delivered. ``changes`` maps each changed field's API
name to ``(old, new)`` as the audit trail stores them (JSON values).
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Mapping
from typing import ClassVar

from saas.events import Event


@dataclasses.dataclass(frozen=True, kw_only=True)
class RecordEvent(Event):
    name: ClassVar[str] = "record"

    object_name: str
    record_id: uuid.UUID
    audit_id: uuid.UUID | None = None  # the record's history entry of this change

    def job_args(self) -> tuple[str, ...]:
        return (self.name, self.object_name, str(self.record_id))


@dataclasses.dataclass(frozen=True, kw_only=True)
class RecordCreated(RecordEvent):
    name: ClassVar[str] = "record.created"

    values: Mapping[str, object] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True, kw_only=True)
class RecordUpdated(RecordEvent):
    name: ClassVar[str] = "record.updated"

    changes: Mapping[str, tuple] = dataclasses.field(default_factory=dict)

    def changed(self, field: str) -> bool:
        return field in self.changes


@dataclasses.dataclass(frozen=True, kw_only=True)
class RecordDeleted(RecordEvent):
    name: ClassVar[str] = "record.deleted"


@dataclasses.dataclass(frozen=True, kw_only=True)
class RecordRestored(RecordEvent):
    name: ClassVar[str] = "record.restored"

    changes: Mapping[str, tuple] = dataclasses.field(default_factory=dict)


EVENTS = {cls.name: cls for cls in (RecordCreated, RecordUpdated, RecordDeleted, RecordRestored)}
