"""Purge for good the records that have been in the recycle bin longer than RESTORE_DAYS.

Soft delete keeps a record restorable for ``RESTORE_DAYS`` (30) days; after that it is due,
and this module deletes it, for every object (standard, plugin and custom), tenant by tenant,
in batches. What happens around a purged record (docs/decisions/0015-purging-the-recycle-bin.md):

- its child rows (quote and order lines) go with it (their foreign keys cascade);
- records that are *part of* it go with it, whatever their state: activities attached to it
  (``related_object`` / ``related_id``), the members of a campaign, a product's price book
  entries, the relationships it is a party to (see ``PART_OF``);
- lookups of other records that point to it are cleared, with an ``update`` audit entry on
  each record changed (actor: none, the system);
- a record that others cannot do without (a price book an order still names: the order's
  column cannot be empty) is *held*: it stays in the recycle bin until nothing needs it;
- its audit entries stay (who created, changed and deleted it remains on record), and a
  last ``purge`` entry is written for every record purged.

Services here flush and never commit. ``purge_tenant`` is the boundary of one tenant's run
(the nightly job and ``trellis purge-deleted`` call it): it commits after each batch, so a
tenant with 100,000 deleted records never holds one huge transaction, and a run that stops
half-way is simply continued by the next one.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import ForeignKeyConstraint, delete, select, update

from core.objects.audit import AuditEntry
from core.objects.models import RecordMixin
from core.objects.records import RESTORE_DAYS, records_query
from core.objects.registry import ObjectSpec, objects_for_tenant
from saas import clock, security_log
from saas.db import db
from saas.jobs import enqueue_for_every_tenant, tenant_job
from tenants.scoping import tenant_scope

BATCH_SIZE = 500

# Lookups whose record is part of the record they point to, and is purged with it.
PART_OF: set[tuple[str, str]] = {
    ("campaign_members", "campaign_id"),
    ("campaign_members", "contact_id"),
    ("campaign_members", "lead_id"),
    ("price_book_entries", "product_id"),
    ("price_book_entries", "price_book_id"),
    ("relationships", "from_company_id"),
    ("relationships", "from_contact_id"),
    ("relationships", "to_company_id"),
    ("relationships", "to_contact_id"),
}
# Objects whose records attach to one record of any object (activities) purge with it.
POLYMORPHIC = ("related_object", "related_id")


def purge_with_parent(object_name: str, *lookups: str) -> None:
    """Declare that records of ``object_name`` are part of the record their ``lookups``
    point to, and are purged with it (for plugin objects, such as a booking's travellers)."""
    PART_OF.update((object_name, name) for name in lookups)


def purge_date(record) -> dt.datetime | None:
    """When a record in the recycle bin is purged (the first nightly run after this)."""
    if record.deleted_at is None:
        return None
    return record.deleted_at + dt.timedelta(days=RESTORE_DAYS)


@dataclass
class PurgeReport:
    """What a run did (or, dry, would do): per object API name."""

    purged: Counter = field(default_factory=Counter)
    cleared: Counter = field(default_factory=Counter)  # lookups emptied, per referring object
    held: Counter = field(default_factory=Counter)
    # Per object, the last due record handled: the next batch starts after it.
    last: dict[str, uuid.UUID] = field(default_factory=dict)

    def add(self, other: PurgeReport) -> None:
        self.purged.update(other.purged)
        self.cleared.update(other.cleared)
        self.held.update(other.held)
        self.last.update(other.last)

    @property
    def empty(self) -> bool:
        return not self.last

    def lines(self) -> list[str]:
        names = sorted(set(self.purged) | set(self.held) | set(self.cleared))
        out = []
        for name in names:
            parts = [f"{self.purged[name]} purged"]
            if self.cleared[name]:
                parts.append(f"{self.cleared[name]} lookup(s) cleared")
            if self.held[name]:
                parts.append(f"{self.held[name]} held (still needed by other records)")
            out.append(f"{name}: {', '.join(parts)}")
        return out


# What points to a record ----------------------------------------------------------------


@dataclass(frozen=True)
class Reference:
    """A way rows of ``model`` point to records of the purged object.

    kind: "part_of" (purge them too), "clear" (empty the reference) or "hold" (keep the
    record purged-to-be while they point to it). ``obj`` is None for rows that are not
    records (quote lines); ``column`` is None for a custom lookup kept in ``custom``.
    """

    kind: str
    model: type
    obj: ObjectSpec | None
    field: str
    column: str | None = None
    slot: str | None = None
    polymorphic: bool = False


def _record_model(table) -> type | None:
    for mapper in db.Model.registry.mappers:
        if mapper.local_table is table:
            return mapper.class_
    return None


def references_to(target: ObjectSpec, objects: list[ObjectSpec]) -> list[Reference]:
    """Every way records of other objects (and child rows) point to ``target``'s records."""
    refs: list[Reference] = []
    covered: set[tuple[str, str]] = set()
    for obj in objects:
        table = obj.model.__table__
        for spec in obj.fields.values():
            if spec.type != "lookup" or spec.options.get("target") != target.api_name:
                continue
            if spec.column:
                covered.add((table.name, spec.column))
                nullable = table.c[spec.column].nullable
            else:
                nullable = True
            if (obj.api_name, spec.api_name) in PART_OF:
                kind = "part_of"
            else:
                kind = "clear" if nullable else "hold"
            refs.append(Reference(kind, obj.model, obj, spec.api_name, spec.column, spec.slot))
        related = [obj.fields.get(name) for name in POLYMORPHIC]
        if all(spec is not None and spec.column for spec in related):
            refs.append(Reference("part_of", obj.model, obj, POLYMORPHIC[1], polymorphic=True))
    # Real foreign keys the registry does not describe: child rows, unregistered columns.
    target_table = target.model.__table__
    for table in db.metadata.tables.values():
        for constraint in table.constraints:
            if not isinstance(constraint, ForeignKeyConstraint):
                continue
            if constraint.referred_table is not target_table:
                continue
            columns = [c for c in constraint.columns if c.name != "tenant_id"]
            if len(columns) != 1 or (table.name, columns[0].name) in covered:
                continue
            if (constraint.ondelete or "").upper() == "CASCADE":
                continue  # the database deletes them with the record (quote lines)
            column = columns[0]
            model = _record_model(table)
            if model is None:
                continue
            kind = "clear" if column.nullable else "hold"
            refs.append(Reference(kind, model, None, column.name, column.name))
    return refs


def _pointing(ref: Reference, target: ObjectSpec, ids: list[uuid.UUID]):
    """A query of (row, referenced id) for the rows of ``ref`` that point to ``ids``."""
    model = ref.model
    query = records_query(ref.obj) if ref.obj is not None else select(model)
    if ref.polymorphic:
        value = model.related_id
        return query.add_columns(value).where(
            model.related_object == target.api_name, value.in_([str(i) for i in ids])
        )
    if ref.column:
        value = getattr(model, ref.column)
        return query.add_columns(value).where(value.in_(ids))
    value = getattr(model, f"s_{ref.slot}") if ref.slot else model.custom[ref.field].as_string()
    return query.add_columns(value).where(value.in_([str(i) for i in ids]))


def _as_uuid(value) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


# Purging --------------------------------------------------------------------------------


class _Run:
    """One batch: the records purged so far (to skip them as referrers) and the report."""

    def __init__(self, objects: list[ObjectSpec], now: dt.datetime) -> None:
        self.objects = objects
        self.now = now
        self.doomed: dict[type, set[uuid.UUID]] = {}
        self.report = PurgeReport()
        self._refs: dict[str, list[Reference]] = {}

    def refs(self, target: ObjectSpec) -> list[Reference]:
        if target.api_name not in self._refs:
            self._refs[target.api_name] = references_to(target, self.objects)
        return self._refs[target.api_name]

    def held(self, target: ObjectSpec, ids: list[uuid.UUID], seen: frozenset = frozenset()):
        """The ids among ``ids`` that some row cannot do without (directly, or through a
        record that is part of it and is itself needed)."""
        key = (target.api_name, tuple(sorted(ids)))
        if not ids or key in seen:
            return set()
        seen = seen | {key}
        held: set[uuid.UUID] = set()
        for ref in self.refs(target):
            if ref.kind == "hold":
                rows = db.session.execute(_pointing(ref, target, ids)).all()
                held |= {_as_uuid(value) for _, value in rows}
            elif ref.kind == "part_of":
                rows = db.session.execute(_pointing(ref, target, ids)).all()
                parents = {row[0].id: _as_uuid(row[1]) for row in rows}
                needed = self.held(ref.obj, list(parents), seen)
                held |= {parents[child] for child in needed}
        return held

    def purge(self, target: ObjectSpec, ids: list[uuid.UUID], *, causes: dict | None = None):
        """Purge ``ids`` of ``target`` (none of them held) and what is part of them;
        ``causes``: {id: "object/id"} of the record each one is purged with."""
        if not ids:
            return
        self.doomed.setdefault(target.model, set()).update(ids)
        for ref in self.refs(target):
            if ref.kind != "part_of":
                continue
            parts = {}
            for record, parent in db.session.execute(_pointing(ref, target, ids)).all():
                db.session.expunge(record)
                if record.id not in self._doomed(ref.model):
                    parts[record.id] = f"{target.api_name}/{parent}"
            self.purge(ref.obj, list(parts), causes=parts)
        for ref in self.refs(target):
            if ref.kind == "clear":
                self._clear(ref, target, ids)
        found = db.session.execute(
            records_query(target)
            .with_only_columns(target.model.id, target.model.deleted_at)
            .where(target.model.id.in_(ids))
        ).all()
        for record_id, deleted_at in found:
            changes = {"deleted_at": [_iso(deleted_at), None]}
            if causes and record_id in causes:
                changes["purged_with"] = [causes[record_id], None]
            db.session.add(
                AuditEntry(
                    object_name=target.api_name,
                    record_id=record_id,
                    action="purge",
                    actor_id=None,
                    changes=changes,
                )
            )
        db.session.flush()
        db.session.execute(
            delete(target.model).where(target.model.id.in_(ids)),
            execution_options={"synchronize_session": False},
        )
        if found:
            self.report.purged[target.api_name] += len(found)

    def _doomed(self, model) -> set[uuid.UUID]:
        return self.doomed.get(model, set())

    def _clear(self, ref: Reference, target: ObjectSpec, ids: list[uuid.UUID]) -> None:
        if ref.obj is None:
            column = getattr(ref.model, ref.column)
            db.session.execute(
                update(ref.model).where(column.in_(ids)).values({ref.column: None}),
                execution_options={"synchronize_session": False},
            )
            return
        doomed = self._doomed(ref.model)
        for record, value in db.session.execute(_pointing(ref, target, ids)).all():
            if record.id in doomed:
                continue
            if ref.column:
                setattr(record, ref.column, None)
            else:
                custom = dict(record.custom or {})
                custom.pop(ref.field, None)
                record.custom = custom
                if ref.slot:
                    setattr(record, f"s_{ref.slot}", None)
            db.session.add(
                AuditEntry(
                    object_name=ref.obj.api_name,
                    record_id=record.id,
                    action="update",
                    actor_id=None,
                    changes={ref.field: [str(value), None]},
                )
            )
            self.report.cleared[ref.obj.api_name] += 1
        db.session.flush()


def _iso(moment: dt.datetime | None) -> str | None:
    return moment.isoformat().replace("+00:00", "Z") if moment else None


def _due(obj: ObjectSpec, *, cutoff: dt.datetime, after, limit: int) -> list[uuid.UUID]:
    """Up to ``limit`` due records of ``obj`` after the id ``after``, in id order (the key's
    index; held records and dry runs move on by id instead of seeing the same ones again)."""
    query = (
        records_query(obj)
        .with_only_columns(obj.model.id)
        .where(obj.model.deleted_at.is_not(None), obj.model.deleted_at < cutoff)
        .order_by(obj.model.id)
        .limit(limit)
    )
    if after is not None:
        query = query.where(obj.model.id > after)
    return list(db.session.scalars(query))


def purge_next_batch(
    *, limit: int = BATCH_SIZE, now: dt.datetime | None = None, after: dict | None = None
) -> PurgeReport:
    """Purge up to ``limit`` due records of one object of the current tenant (and what goes
    with them); ``after``: {object: last id handled} of earlier batches. Flushes only.

    An empty report means nothing is due any more.
    """
    now = now or clock.now()
    cutoff = now - dt.timedelta(days=RESTORE_DAYS)
    run = _Run(objects_for_tenant(), now)
    for obj in run.objects:
        if not issubclass(obj.model, RecordMixin):
            continue
        ids = _due(obj, cutoff=cutoff, after=(after or {}).get(obj.api_name), limit=limit)
        if not ids:
            continue
        held = run.held(obj, ids)
        run.purge(obj, [i for i in ids if i not in held])
        if held:
            run.report.held[obj.api_name] += len(held)
        run.report.last[obj.api_name] = max(ids)
        if run.report.purged:
            # In the batch's own transaction: a dry run, rolled back, leaves no entry.
            security_log.record(
                "data.purged",
                actor=None,
                target=obj.api_name,
                details={
                    "purged": dict(run.report.purged),
                    "lookups_cleared": dict(run.report.cleared),
                    "held": dict(run.report.held),
                    "deleted_before": cutoff,
                },
            )
        return run.report
    return run.report


# The boundary: one tenant's run, the nightly job, the CLI ---------------------------------


def purge_tenant(
    tenant_id: uuid.UUID,
    *,
    dry_run: bool = False,
    batch_size: int = BATCH_SIZE,
    now: dt.datetime | None = None,
) -> PurgeReport:
    """Purge a tenant's due records, one committed transaction per batch.

    A dry run does the same work and rolls every batch back: its report is exact and it
    changes nothing.
    """
    now = now or clock.now()
    with tenant_scope(tenant_id):
        report = _purge_pass(dry_run=dry_run, batch_size=batch_size, now=now)
        if report.held and report.purged and not dry_run:
            # What held a record may have been purged after it in this pass (the orders
            # of a price book): a second pass purges it now rather than tomorrow night.
            again = _purge_pass(dry_run=False, batch_size=batch_size, now=now)
            report.held = again.held
            report.purged.update(again.purged)
            report.cleared.update(again.cleared)
    return report


def _purge_pass(*, dry_run: bool, batch_size: int, now: dt.datetime) -> PurgeReport:
    report = PurgeReport()
    while True:
        batch = purge_next_batch(limit=batch_size, now=now, after=report.last)
        report.add(batch)
        if dry_run or batch.empty:
            db.session.rollback()
        else:
            db.session.commit()
        if batch.empty:
            return report


@tenant_job(timeout=3600, retries=3)
def purge_deleted_records_job(tenant_id) -> None:
    """Nightly, per tenant. Idempotent: purged records are gone, the rest is done next."""
    purge_tenant(_as_uuid(tenant_id))


def enqueue_purges(*, day: dt.date | None = None) -> int:
    """Enqueue today's purge of every live tenant (once per tenant per day)."""
    return enqueue_for_every_tenant(purge_deleted_records_job, "purge-deleted", day=day)
