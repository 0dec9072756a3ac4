"""Record services, written once for every object: create, read, update, soft delete,
restore, list with filters/sort/cursor, and the JSON form of a record.

They flush and never commit; every write is validated against the registry first (so a
bad write changes nothing) and leaves an audit entry.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import datetime as dt
import json
import re
import uuid
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from flask import g, has_request_context
from sqlalchemy import func, or_, select, tuple_
from sqlalchemy import null as sa_null
from sqlalchemy.orm.exc import StaleDataError

from core.objects import events
from core.objects.audit import AuditEntry
from core.objects.formulas import (
    evaluate_formula,
    expression_fields,
    formula_fields,
    parse_formula,
)
from core.objects.permissions import require_right, rights_of, visibility_condition
from core.objects.registry import (
    FieldSpec,
    ObjectSpec,
    metadata_lookup_target,
    object_for_tenant,
)
from core.objects.types import FieldValueError
from saas import clock
from saas.auth.actors import SYSTEM, SystemActor, is_system
from saas.auth.models import User
from saas.auth.roles import ADMIN
from saas.billing.features import require_feature
from saas.db import db, json_array_has_any
from saas.errors import Forbidden, NotFound, PreconditionFailed, ValidationFailed
from saas.events import emit
from saas.ids import new_id
from tenants.scoping import require_tenant_id

MAX_PAGE_SIZE = 200
DEFAULT_PAGE_SIZE = 50
RESTORE_DAYS = 30
OPERATORS = ("eq", "ne", "lt", "lte", "gt", "gte", "in", "contains", "is_null")
SYSTEM_FIELDS = ("id", "version", "created_at", "updated_at", "created_by_id", "deleted_at")


@dataclass(frozen=True)
class Filter:
    field: str
    op: str
    value: str


# Field-level access -----------------------------------------------------------------------


def hidden_fields(obj: ObjectSpec, role: str | None) -> set[str]:
    """The fields ``role`` may not see on ``obj``: those an admin hid from it, and the
    calculated fields that would show them: an amount's corporate value, a formula using a
    hidden field (or a hidden formula), a roll-up over an object the role cannot read or
    summarising, linking or filtering by a field hidden from it there. Admins and the system
    (None) see everything.
    """
    return _hidden_fields(obj, role, frozenset())


def _hidden_fields(obj: ObjectSpec, role: str | None, seen: frozenset) -> set[str]:
    hidden = {name for name, spec in obj.fields.items() if spec.access.get(role) == "hidden"}
    if role is None or role == ADMIN:
        return hidden
    seen = seen | {obj.api_name}
    # An amount's value in the corporate currency shows the amount (decision 0022).
    hidden |= {
        name
        for name, spec in obj.fields.items()
        if spec.options.get("corporate_value_of") in hidden
    }
    for name, spec in obj.fields.items():
        if spec.type == "rollup" and name not in hidden and _rollup_hidden(spec, role, seen):
            hidden.add(name)
    formulas = {
        name: expression_fields(spec.options.get("expression", ""))
        for name, spec in obj.fields.items()
        if spec.type == "formula" and name not in hidden
    }
    changed = True
    while changed:  # a formula over a hidden formula is hidden too
        changed = False
        for name, operands in formulas.items():
            if name not in hidden and operands & hidden:
                hidden.add(name)
                changed = True
    return hidden


def _rollup_hidden(spec: FieldSpec, role: str, seen: frozenset) -> bool:
    options = spec.options
    try:
        related = object_for_tenant(options.get("related_object") or "")
    except NotFound:
        return True
    if not rights_of(role, related.api_name)["read"]:
        return True
    used = {options.get("via"), *(options.get("where") or {})}
    if options.get("function") != "count":
        used.add(options.get("related_field"))
    if related.api_name in seen:  # a roll-up back to an object being checked: no loop
        related_hidden = {n for n, s in related.fields.items() if s.access.get(role) == "hidden"}
    else:
        related_hidden = _hidden_fields(related, role, seen)
    return bool(used & related_hidden)


def read_only_fields(obj: ObjectSpec, role: str | None) -> set[str]:
    return {
        name
        for name, spec in obj.fields.items()
        if spec.read_only or spec.access.get(role) in ("hidden", "read_only")
    } | hidden_fields(obj, role)


# Reading --------------------------------------------------------------------------------


def _stored_value(spec: FieldSpec, record) -> object:
    if spec.column:
        return spec.field_type.from_column(getattr(record, spec.column))
    return (record.custom or {}).get(spec.api_name)


def to_api(obj: ObjectSpec, record, *, role: str | None, fields: list[str] | None = None) -> dict:
    """One flat JSON object: ``id``, system fields, standard and custom fields side by side."""
    return to_api_many(obj, [record], role=role, fields=fields)[0]


def to_api_many(
    obj: ObjectSpec, records: list, *, role: str | None, fields: list[str] | None = None
) -> list[dict]:
    hidden = hidden_fields(obj, role)
    wanted = [
        name for name in obj.fields if name not in hidden and (fields is None or name in fields)
    ]
    trees, needed = _formulas_needed(obj, wanted)
    rollups = {
        name: _rollup_values(obj, obj.fields[name], records)
        for name in needed
        if obj.fields[name].type == "rollup"
    }
    children = {
        name: child.read(records)
        for name, child in obj.children.items()
        if fields is None or name in fields
    }
    rows = []
    for record in records:
        row = {
            "id": str(record.id),
            "object": obj.api_name,
            "version": record.version,
            "created_at": record.created_at.isoformat().replace("+00:00", "Z"),
            "updated_at": record.updated_at.isoformat().replace("+00:00", "Z"),
        }
        if record.deleted_at is not None:
            row["deleted_at"] = record.deleted_at.isoformat().replace("+00:00", "Z")
        values = {
            name: _stored_value(obj.fields[name], record)
            for name in obj.fields
            if obj.fields[name].type not in ("formula", "rollup")
        }
        for name, by_record in rollups.items():
            values[name] = by_record.get(record.id)
        for name in needed:
            if name in trees:
                _formula_value(name, trees, values, set())
        for name in wanted:
            row[name] = values.get(name)
        for name, by_record in children.items():
            row[name] = by_record.get(record.id, [])
        rows.append(row)
    return rows


def _formulas_needed(obj: ObjectSpec, wanted: list[str]) -> tuple[dict, list[str]]:
    """The parsed formulas, and the calculated fields to work out for ``wanted``: those
    wanted and the formulas and roll-ups their formulas use, however deep."""
    trees: dict = {}
    needed: list[str] = []
    pending = [name for name in wanted if obj.fields[name].type in ("formula", "rollup")]
    while pending:
        name = pending.pop()
        if name in needed:
            continue
        needed.append(name)
        spec = obj.fields[name]
        if spec.type != "formula":
            continue
        try:
            trees[name] = parse_formula(spec.options.get("expression", ""), set(obj.fields))
        except FieldValueError:  # it uses a field since retired: no value
            trees[name] = None
            continue
        pending += [
            operand
            for operand in formula_fields(trees[name])
            if obj.fields[operand].type in ("formula", "rollup")
        ]
    return trees, needed


def _formula_value(name: str, trees: dict, values: dict, stack: set):
    """The value of formula ``name`` for one record, its formula operands first."""
    if name in values:
        return values[name]
    tree = trees.get(name)
    if tree is None or name in stack:  # broken, or a formula that uses itself
        values[name] = None
        return None
    stack.add(name)
    for operand in formula_fields(tree):
        if operand in trees:
            _formula_value(operand, trees, values, stack)
    stack.discard(name)
    values[name] = evaluate_formula(tree, values)
    return values[name]


def expand_lookups(obj: ObjectSpec, rows: list[dict], names: list[str], *, actor) -> None:
    """Replace, in API rows of ``obj``, the ids of the lookups ``names`` by the related
    records as ``actor`` may read them (one query per lookup): hidden fields of the target
    left out; ``{"id": ...}`` for a record they may not see; the bare id when they may not
    read the target object at all. ValidationFailed (on ``expand``) for anything else than
    a visible lookup to records."""
    role = actor.role if actor else None
    hidden = hidden_fields(obj, role)
    for name in names:
        spec = obj.fields.get(name)
        if (
            spec is None
            or name in hidden
            or spec.type != "lookup"
            or metadata_lookup_target(spec.options["target"]) is not None
        ):
            raise ValidationFailed("Only lookups to records can be expanded.", field="expand")
        target = object_for_tenant(spec.options["target"])
        if actor is not None and not rights_of(actor.role, target.api_name)["read"]:
            continue  # the bare id, as without expand
        ids = sorted({row[name] for row in rows if row.get(name)})
        found = get_records_by_ids(target.api_name, ids, actor=actor)
        related = {item["id"]: item for item in to_api_many(target, found, role=role)}
        for row in rows:
            if row.get(name):
                row[name] = related.get(row[name], {"id": row[name]})


def _rollup_values(obj: ObjectSpec, spec: FieldSpec, records: list) -> dict:
    """count / sum / min / max over related records, for all ``records`` in one query."""
    options = spec.options
    related = object_for_tenant(options["related_object"])
    via = related.fields[options["via"]]
    via_column = getattr(related.model, via.column) if via.column else None
    if via_column is None:
        via_column = getattr(related.model, f"s_{via.slot}")
    function = options["function"]
    ids = [record.id for record in records]
    if not ids:
        return {}
    if function == "count":
        aggregate = func.count()
    else:
        target = related.fields[options["related_field"]]
        column = getattr(related.model, target.sort_column)
        aggregate = {"sum": func.sum, "min": func.min, "max": func.max}[function](column)
    query = (
        select(via_column, aggregate)
        .where(via_column.in_(ids if via.column else [str(i) for i in ids]))
        .where(related.model.deleted_at.is_(None))
        .group_by(via_column)
    )
    # Standard objects may summarise a subset: {"where": {"status": "won"}} (equality, or
    # any of a list of values), e.g. the revenue of a campaign's won deals.
    for name, wanted in (options.get("where") or {}).items():
        op, value = ("in", ",".join(wanted)) if isinstance(wanted, list) else ("eq", wanted)
        query = query.where(_condition(related, Filter(name, op, value)))
    if related.custom_object_id is not None:
        query = query.where(related.model.object_id == related.custom_object_id)
    result = {}
    for key, value in db.session.execute(query):
        key = key if isinstance(key, uuid.UUID) else uuid.UUID(str(key))
        if isinstance(value, Decimal):
            value = int(value) if value == value.to_integral_value() else float(value)
        result[key] = value
    if function == "count":
        return {record_id: result.get(record_id, 0) for record_id in ids}
    return result


def records_query(obj: ObjectSpec):
    """Every record of ``obj`` (including deleted ones) of the current tenant."""
    query = select(obj.model)
    if obj.custom_object_id is not None:
        query = query.where(obj.model.object_id == obj.custom_object_id)
    return query


def _visible(obj: ObjectSpec, actor: User | SystemActor, action: str):
    """The rights check for ``action``, and the visibility clause of ``actor`` (or None)."""
    rights = require_right(actor, obj.api_name, action, obj.label_plural.lower())
    return visibility_condition(obj.model, actor, rights["visibility"], rights["party_roles"])


def current_actor() -> User | SystemActor | None:
    """Who is reading in this request (a token's user or the signed-in person), None when
    nobody is signed in; ``SYSTEM`` outside a request, where the system itself reads. For
    titles that name other records."""
    from flask import g, has_request_context
    from flask_login import current_user

    if not has_request_context():
        return SYSTEM
    user = g.get("api_user")
    if user is None and current_user and current_user.is_authenticated:
        user = current_user._get_current_object()
    return user


def visible_title(object_name: str, record_id, *, hidden: str) -> str:
    """The title of a record if the current reader may see it, else ``hidden``."""
    obj = object_for_tenant(object_name)
    reader = current_actor()
    if reader is None:
        return hidden
    try:
        found = get_records_by_ids(object_name, [record_id], actor=reader)
    except Forbidden:
        return hidden
    return obj.title(found[0]) if found else hidden


def get_records_by_ids(object_name: str, ids, *, actor: User | SystemActor) -> list:
    """The live records among ``ids`` that ``actor`` may see (others are absent), in one query."""
    obj = object_for_tenant(object_name)
    is_system(actor)  # None is refused even when there is nothing to read
    keys = [uuid.UUID(str(i)) for i in ids]
    if not keys:
        return []
    query = records_query(obj).where(obj.model.id.in_(keys), obj.model.deleted_at.is_(None))
    condition = _visible(obj, actor, "read")
    if condition is not None:
        query = query.where(condition)
    return list(db.session.scalars(query))


def get_record(
    object_name: str,
    record_id,
    *,
    actor: User | SystemActor,
    action: str = "read",
    include_deleted: bool = False,
):
    """One record ``actor`` may see and act on (``SYSTEM``: every record), or NotFound."""
    obj = object_for_tenant(object_name)
    condition = _visible(obj, actor, action)
    try:
        key = uuid.UUID(str(record_id))
    except ValueError:
        raise NotFound(f"No {obj.label.lower()} with this id.") from None
    query = records_query(obj).where(obj.model.id == key)
    if not include_deleted:
        query = query.where(obj.model.deleted_at.is_(None))
    if condition is not None:
        query = query.where(condition)
    record = db.session.scalar(query)
    if record is None:
        raise NotFound(f"No {obj.label.lower()} with this id.")
    return record


# Validation -----------------------------------------------------------------------------


def _nullable(obj: ObjectSpec, spec: FieldSpec) -> bool:
    return obj.model.__table__.c[spec.column].nullable


def _refuse_empty_columns(obj: ObjectSpec, cleaned: dict) -> None:
    """A field error, not a database error, for an empty value that the object's rules did
    not complete and its column cannot hold."""
    errors = {
        name: ["This field cannot be empty."]
        for name, value in cleaned.items()
        if value is None
        and name in obj.fields
        and obj.fields[name].column
        and not _nullable(obj, obj.fields[name])
    }
    if errors:
        raise ValidationFailed("Some fields are not valid.", errors=errors)


def clean_input(
    obj: ObjectSpec, values: dict, *, actor: User | SystemActor, record=None
) -> dict[str, object]:
    """The stored form of every given field, or ValidationFailed with every field's problem."""
    role = actor.role if actor else None
    if not isinstance(values, dict):
        raise ValidationFailed("Send the record as a JSON object.")
    errors: dict[str, list[str]] = defaultdict(list)
    cleaned: dict[str, object] = {}
    hidden, locked = hidden_fields(obj, role), read_only_fields(obj, role)
    for name, raw in values.items():
        if name in SYSTEM_FIELDS or name == "object":
            continue
        if name in obj.children:
            try:
                cleaned[name] = obj.children[name].clean(raw, record, actor)
            except ValidationFailed as exc:
                for key, messages in (exc.errors or {name: [exc.message]}).items():
                    errors[key or name].extend(messages)
            continue
        spec = obj.fields.get(name)
        if spec is None or name in hidden:
            errors[name].append("There is no such field.")
            continue
        if spec.system:
            errors[name].append("This field is calculated and cannot be set.")
            continue
        if name in locked and not spec.read_only:
            errors[name].append("You cannot change this field.")
            continue
        try:
            current = _stored_value(spec, record) if record is not None else None
            cleaned[name] = spec.field_type.clean_write(raw, spec.options, current)
        except FieldValueError as exc:
            errors[name].append(str(exc))
            continue
        if cleaned[name] is None and spec.column and not spec.required and not _nullable(obj, spec):
            default = obj.model.__table__.c[spec.column].default
            if default is not None and default.is_scalar:
                cleaned[name] = spec.field_type.clean(default.arg, spec.options)
            elif spec.type == "boolean":
                cleaned[name] = False  # a checkbox left empty
            # Else the object's rules may complete it; _refuse_empty_columns checks after.
    creating = record is None
    if creating:
        for name, spec in obj.fields.items():
            if name not in values and spec.default is not None and not spec.read_only:
                cleaned[name] = spec.field_type.clean(spec.default, spec.options)
    for name, spec in obj.fields.items():
        if not spec.required or spec.read_only or name in errors:
            continue
        missing = cleaned.get(name) is None if (creating or name in cleaned) else False
        if missing:
            errors[name].append("This field is required.")
    for name, value in cleaned.items():
        if value is None or name in errors or name in obj.children:
            continue
        spec = obj.fields[name]
        if spec.type in ("lookup", "user") and not _reference_exists(spec, value, actor):
            errors[name].append("There is no such record.")
        elif spec.unique and _is_taken(obj, spec, value, record):
            errors[name].append("Another record already has this value.")
    if errors:
        raise ValidationFailed("Some fields are not valid.", errors=dict(errors))
    return cleaned


def _reference_exists(spec: FieldSpec, value: str, actor: User | SystemActor) -> bool:
    key = uuid.UUID(value)
    if spec.type == "user":
        return db.session.get(User, (require_tenant_id(), key)) is not None
    metadata_exists = metadata_lookup_target(spec.options["target"])
    if metadata_exists is not None:
        return metadata_exists(key)
    try:
        get_record(spec.options["target"], key, actor=actor)
    except (NotFound, Forbidden):
        return False
    return True


def _column_for(obj: ObjectSpec, spec: FieldSpec):
    name = spec.sort_column
    return getattr(obj.model, name) if name else None


def _is_taken(obj: ObjectSpec, spec: FieldSpec, value, record) -> bool:
    column = _column_for(obj, spec)
    if column is None:
        return False
    compared = (
        spec.field_type.to_column(value) if spec.column else spec.field_type.slot_value(value)
    )
    query = records_query(obj).where(column == compared, obj.model.deleted_at.is_(None))
    if record is not None:
        query = query.where(obj.model.id != record.id)
    return db.session.scalar(select(func.count()).select_from(query.subquery())) > 0


# Writing --------------------------------------------------------------------------------


def _apply(obj: ObjectSpec, record, cleaned: dict) -> dict[str, list]:
    """Write cleaned values into ``record``; return {field: [old, new]} of what changed."""
    changes = {}
    custom = dict(record.custom or {})
    for name, value in cleaned.items():
        if name in obj.children:
            continue
        spec = obj.fields[name]
        old = _stored_value(spec, record)
        if old == value:
            continue
        changes[name] = [old, value]
        if spec.column:
            setattr(record, spec.column, spec.field_type.to_column(value))
        else:
            if value is None:
                custom.pop(name, None)
            else:
                custom[name] = value
            if spec.slot:
                slot_value = spec.field_type.slot_value(value)
                if isinstance(slot_value, str):
                    slot_value = slot_value[:255]
                setattr(record, f"s_{spec.slot}", slot_value)
    record.custom = custom
    return changes


def _write_children(obj: ObjectSpec, record, cleaned: dict, actor: User | SystemActor) -> dict:
    """Store the child rows given with the write; {name: [old, new]} of those that changed."""
    changes = {}
    for name, child in obj.children.items():
        if name in cleaned:
            changed = child.write(record, cleaned[name], actor)
            if changed is not None:
                changes[name] = changed
    return changes


def warn(message: str) -> None:
    """Tell the person writing a record something they should know though the write goes
    ahead (an order over the customer's credit limit): the API adds it to the response's
    ``warnings``, the web pages show it with the success message."""
    if has_request_context():
        g.setdefault("trellis_record_warnings", []).append(message)


def record_warnings() -> list[str]:
    """The warnings of this request's writes, once (they are cleared)."""
    if not has_request_context():
        return []
    return g.pop("trellis_record_warnings", [])


_EVENTS = {
    "create": events.RecordCreated,
    "update": events.RecordUpdated,
    "delete": events.RecordDeleted,
    "restore": events.RecordRestored,
}


def _audit(obj: ObjectSpec, record, action: str, actor: User | SystemActor, changes: dict) -> None:
    """The write's history entry, then its event: every write of every object passes here."""
    stored = json.loads(json.dumps(changes, default=str))
    entry = AuditEntry(
        id=new_id(),
        object_name=obj.api_name,
        record_id=record.id,
        action=action,
        actor_id=actor.id if actor else None,
        changes=stored,
    )
    db.session.add(entry)
    db.session.flush()
    event_type = _EVENTS[action]
    details: dict = {}
    pairs = {
        name: tuple(value) if isinstance(value, list) and len(value) == 2 else (None, value)
        for name, value in stored.items()
    }
    if action == "create":
        details["values"] = {name: new for name, (_old, new) in pairs.items()}
    elif action in ("update", "restore"):
        details["changes"] = pairs
    emit(
        event_type(
            tenant_id=require_tenant_id(),
            actor_id=entry.actor_id,
            object_name=obj.api_name,
            record_id=record.id,
            audit_id=entry.id,
            **details,
        )
    )


# Standard objects that come with a plan feature (custom objects need "custom_objects").
PLAN_FEATURES = {"campaigns": "campaigns", "campaign_members": "campaigns"}


def plan_feature_of(obj: ObjectSpec) -> str | None:
    """The plan feature an object needs, or None for the objects of every plan."""
    if obj.custom_object_id is not None:
        return "custom_objects"
    return PLAN_FEATURES.get(obj.api_name)


def require_plan_for(obj: ObjectSpec) -> None:
    """Refuse a change to an object the workspace's plan does not include (records made
    during a trial, or on a bigger plan, stay readable and exportable)."""
    feature = plan_feature_of(obj)
    if feature is not None:
        require_feature(feature)


def create_record(object_name: str, values: dict, *, actor: User | SystemActor):
    obj = object_for_tenant(object_name)
    require_plan_for(obj)
    require_right(actor, obj.api_name, "create", obj.label_plural.lower())
    cleaned = clean_input(obj, values, actor=actor)
    record = obj.model(custom={})
    if obj.custom_object_id is not None:
        record.object_id = obj.custom_object_id
    if "owner_id" in obj.fields and cleaned.get("owner_id") is None and not is_system(actor):
        cleaned["owner_id"] = str(actor.id)
    if obj.before_write is not None:
        obj.before_write(None, cleaned, actor)
    _refuse_empty_columns(obj, cleaned)
    changes = _apply(obj, record, cleaned)
    record.created_by_id = actor.id if actor else None
    db.session.add(record)
    db.session.flush()
    changes |= _write_children(obj, record, cleaned, actor)
    _audit(obj, record, "create", actor, changes)
    db.session.flush()
    return record


def update_record(
    object_name: str, record_id, values: dict, *, actor: User | SystemActor, expected_version=None
):
    obj = object_for_tenant(object_name)
    require_plan_for(obj)
    record = get_record(object_name, record_id, actor=actor, action="update")
    if expected_version is not None and str(expected_version) != str(record.version):
        raise PreconditionFailed(
            "This record was changed by someone else since you loaded it. Reload and try again."
        )
    cleaned = clean_input(obj, values, actor=actor, record=record)
    if obj.before_write is not None:
        obj.before_write(record, cleaned, actor)
    _refuse_empty_columns(obj, cleaned)
    # Children first: their statements would flush the changed record early.
    child_changes = _write_children(obj, record, cleaned, actor)
    changes = _apply(obj, record, cleaned) | child_changes
    if changes:
        record.updated_at = clock.now()
        try:
            db.session.flush()
        except StaleDataError:
            raise PreconditionFailed(
                "This record was changed by someone else at the same time. Reload and try again."
            ) from None
        _audit(obj, record, "update", actor, changes)
        db.session.flush()
    return record


def delete_record(object_name: str, record_id, *, actor: User | SystemActor) -> None:
    """Soft delete: the record goes to the recycle bin for 30 days."""
    obj = object_for_tenant(object_name)
    require_plan_for(obj)
    record = get_record(object_name, record_id, actor=actor, action="delete")
    record.deleted_at = clock.now()
    db.session.flush()
    _audit(obj, record, "delete", actor, {})


def restore_record(object_name: str, record_id, *, actor: User | SystemActor):
    obj = object_for_tenant(object_name)
    require_plan_for(obj)
    record = get_record(object_name, record_id, actor=actor, action="delete", include_deleted=True)
    if record.deleted_at is None:
        return record
    if record.deleted_at < clock.now() - dt.timedelta(days=RESTORE_DAYS):
        raise NotFound(f"This {obj.label.lower()} was deleted more than {RESTORE_DAYS} days ago.")
    cleaned: dict = {}
    if obj.before_restore is not None:
        obj.before_restore(record, cleaned, actor)
    changes = _apply(obj, record, cleaned)
    record.deleted_at = None
    if changes:
        record.updated_at = clock.now()
    db.session.flush()
    _audit(obj, record, "restore", actor, changes)
    return record


def record_history(object_name: str, record_id, *, actor: User | SystemActor) -> list[AuditEntry]:
    obj = object_for_tenant(object_name)
    record = get_record(object_name, record_id, actor=actor, include_deleted=True)
    return list(
        db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.object_name == obj.api_name, AuditEntry.record_id == record.id)
            .order_by(AuditEntry.at.desc())
        )
    )


# Listing --------------------------------------------------------------------------------


# "now", "now+2h", "now-30m", "today", "today+7d": a moment relative to the time of the
# query, so that a saved filter such as "SLA due before now" stays true as time passes.
_RELATIVE = re.compile(r"^(now|today)(?:([+-])(\d{1,6})([mhdw]))?$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def _relative_moment(spec: FieldSpec, raw) -> str | None:
    """The stored form of a relative date/time filter value, or None when it is not one."""
    if spec.type not in ("date", "datetime") or not isinstance(raw, str):
        return None
    match = _RELATIVE.match(raw.strip().lower().replace(" ", ""))
    if match is None:
        return None
    base, sign, amount, unit = match.groups()
    moment = clock.now()
    if base == "today":
        moment = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    if amount:
        delta = dt.timedelta(**{_UNITS[unit]: int(amount)})
        moment = moment + delta if sign == "+" else moment - delta
    return moment.date().isoformat() if spec.type == "date" else moment.isoformat()


def _filter_value(spec: FieldSpec, raw: str):
    raw = _relative_moment(spec, raw) or raw
    value = spec.field_type.clean(raw, spec.options)
    if value is None:
        return None
    return spec.field_type.to_column(value) if spec.column else spec.field_type.slot_value(value)


def filter_column(obj: ObjectSpec, spec: FieldSpec):
    """The column a filter on ``spec`` reads (its own, or its filterable slot), or None."""
    return _column_for(obj, spec)


def filter_condition(obj: ObjectSpec, flt: Filter):
    """The WHERE clause of one filter on ``obj``, or ValidationFailed naming the field: the
    list API's filters, saved views and workflow conditions speak this one language."""
    return _condition(obj, flt)


def _condition(obj: ObjectSpec, flt: Filter):
    spec = obj.fields.get(flt.field)
    if spec is None:
        raise ValidationFailed("There is no such field.", field=flt.field)
    column = _column_for(obj, spec)
    if column is None:
        raise ValidationFailed(
            "This field cannot be filtered. An admin can mark it filterable.", field=flt.field
        )
    if flt.op not in OPERATORS:
        raise ValidationFailed(
            f"Unknown operator {flt.op!r}; use one of {', '.join(OPERATORS)}.", field=flt.field
        )
    if "\x00" in str(flt.value):
        raise ValidationFailed(
            "Remove the NUL character (\\u0000) from the filter.", field=flt.field
        )
    if spec.type == "multi_picklist" and flt.op in ("eq", "in", "contains", "ne"):
        return _has_value_condition(spec, column, flt)
    try:
        if flt.op == "is_null":
            flag = str(flt.value).lower()
            if flag not in ("true", "false", "1", "0"):
                raise FieldValueError("Use true or false.")
            return column.is_(None) if flag in ("true", "1") else column.is_not(None)
        if flt.op == "contains":
            if not spec.field_type.text_like:
                raise FieldValueError(
                    f"The contains operator searches text; {spec.label} ({flt.field}) is a "
                    f"{spec.field_type.label.lower()} field: use eq, ne, lt, lte, gt, gte, "
                    "in or is_null on it."
                )
            text = str(flt.value).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            return column.ilike(f"%{text}%", escape="\\")
        if flt.op == "in":
            values = [_filter_value(spec, part) for part in str(flt.value).split(",") if part]
            return column.in_(values)
        value = _filter_value(spec, flt.value)
    except FieldValueError as exc:
        raise ValidationFailed(str(exc), field=flt.field) from None
    if value is None:
        return column.is_(None) if flt.op == "eq" else column.is_not(None)
    if flt.op == "ne" and column.nullable:
        # "Is not X" includes the records with no value, as eq's complement (SQL's
        # ``column <> X`` leaves them out). Two plain conditions, each one an index serves.
        return or_(column != value, column.is_(None))
    comparisons = {
        "eq": column.__eq__,
        "ne": column.__ne__,
        "lt": column.__lt__,
        "lte": column.__le__,
        "gt": column.__gt__,
        "gte": column.__ge__,
    }
    return comparisons[flt.op](value)


def _has_value_condition(spec: FieldSpec, column, flt: Filter):
    """A multi-picklist holds a value: eq / contains (one value) and in (any of several);
    ne: holds none of them (records with no value at all included)."""
    wanted = [part.strip() for part in str(flt.value).split(",") if part.strip()]
    try:
        allowed = spec.field_type.clean(wanted, spec.options) if wanted else None
    except FieldValueError as exc:
        raise ValidationFailed(str(exc), field=flt.field) from None
    if not allowed:
        raise ValidationFailed("Give at least one value.", field=flt.field)
    held = json_array_has_any(column, allowed)
    return or_(column.is_(None), ~held) if flt.op == "ne" else held


def _encode_cursor(values: list) -> str:
    raw = json.dumps(values, default=str).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(cursor: str) -> list:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise ValidationFailed("The cursor is not valid.", field="cursor") from None
    if not isinstance(values, list) or len(values) != 2:
        raise ValidationFailed("The cursor is not valid.", field="cursor")
    return values


def list_records(
    object_name: str,
    *,
    filters: list[Filter] = (),
    sort: str | None = None,
    limit: int = DEFAULT_PAGE_SIZE,
    cursor: str | None = None,
    deleted: bool = False,
    actor: User | SystemActor,
) -> tuple[list, str | None]:
    """A page of records and the cursor of the next page (None on the last page).

    Sorting is on one field (``-field`` for descending), with the id as tie-breaker and
    empty values last; pagination is by keyset, so pages stay fast and stable.
    """
    obj = object_for_tenant(object_name)
    if not 1 <= limit <= MAX_PAGE_SIZE:
        raise ValidationFailed(f"Ask for 1 to {MAX_PAGE_SIZE} records.", field="limit")
    query = records_query(obj)
    query = query.where(
        obj.model.deleted_at.is_not(None) if deleted else obj.model.deleted_at.is_(None)
    )
    hidden = hidden_fields(obj, actor.role if actor else None)
    condition = _visible(obj, actor, "read")
    if condition is not None:
        query = query.where(condition)
    for flt in filters:
        if flt.field in hidden:
            raise ValidationFailed("There is no such field.", field=flt.field)
        query = query.where(_condition(obj, flt))

    descending = bool(sort and sort.startswith("-"))
    sort_name = (sort or "").lstrip("-") or None
    if sort_name in (None, "created_at"):
        # Ids are UUIDv7, ordered by creation time: the primary key index gives creation
        # order without an index of its own on created_at.
        sort_column, sort_spec = obj.model.id, None
    elif sort_name == "updated_at":
        sort_column, sort_spec = obj.model.updated_at, None
    else:
        sort_spec = obj.fields.get(sort_name)
        if sort_spec is None or sort_name in hidden:
            raise ValidationFailed("There is no such field.", field="sort")
        sort_column = _column_for(obj, sort_spec)
        if sort_column is None:
            raise ValidationFailed("This field cannot be sorted on.", field="sort")
    records = _keyset_page(query, sort_column, obj.model.id, descending, cursor, limit)
    next_cursor = None
    if len(records) > limit:
        records = records[:limit]
        last = records[-1]
        next_cursor = _encode_cursor([_cursor_raw(getattr(last, sort_column.key)), str(last.id)])
    return records, next_cursor


@dataclass(frozen=True)
class GroupTotals:
    """The records of one value of a field: how many, and per currency the sum of an amount
    and its sum weighted by a percentage (None without a weight)."""

    count: int
    sums: dict[str, tuple[Decimal, Decimal | None]]


def group_totals(
    object_name: str,
    field_name: str,
    *,
    filters: list[Filter] = (),
    amount_field: str | None = None,
    weight_field: str | None = None,
    actor: User | SystemActor,
) -> dict[str | None, GroupTotals]:
    """Per value of ``field_name`` (as a string; None for the records without one): the count
    of the records ``actor`` may see that match ``filters``, and the sum of ``amount_field``
    (weighted by ``weight_field`` / 100) per currency, in one query. An amount or weight
    field the actor may not see is not summed: totals never tell what fields hide."""
    obj = object_for_tenant(object_name)
    hidden = hidden_fields(obj, actor.role if actor else None)
    spec = obj.fields.get(field_name)
    group = _column_for(obj, spec) if spec is not None and field_name not in hidden else None
    if group is None:
        raise ValidationFailed("There is no such field.", field="field")
    amount = weight = currency = None
    amount_spec = obj.fields.get(amount_field or "")
    if amount_spec is not None and amount_field not in hidden:
        amount = _column_for(obj, amount_spec)
        source = obj.fields.get(amount_spec.options.get("currency_field") or "")
        if source is not None and source.api_name not in hidden:
            currency = _column_for(obj, source)
    weight_spec = obj.fields.get(weight_field or "")
    if amount is not None and weight_spec is not None and weight_field not in hidden:
        weight = _column_for(obj, weight_spec)
    columns = [group, currency if currency is not None else sa_null(), func.count()]
    if amount is not None:
        columns.append(func.sum(amount))
        columns.append(func.sum(amount * weight) if weight is not None else sa_null())
    query = records_query(obj).with_only_columns(*columns).where(obj.model.deleted_at.is_(None))
    condition = _visible(obj, actor, "read")
    if condition is not None:
        query = query.where(condition)
    for flt in filters:
        if flt.field in hidden:
            raise ValidationFailed("There is no such field.", field=flt.field)
        query = query.where(_condition(obj, flt))
    query = query.group_by(group, *([currency] if currency is not None else []))
    from core.objects.money import currency_of

    fallback = currency_of(amount_spec) if amount_spec is not None else None
    counts: dict[str | None, int] = defaultdict(int)
    sums: dict[str | None, dict] = defaultdict(dict)
    for row in db.session.execute(query):
        key = None if row[0] is None else str(row[0])
        counts[key] += row[2]
        if amount is not None and row[3] is not None:
            code = row[1] or fallback
            weighted = None if weight is None else Decimal(str(row[4] or 0)) / 100
            sums[key][code] = (Decimal(str(row[3])), weighted)
    return {key: GroupTotals(count, sums.get(key, {})) for key, count in counts.items()}


def _keyset_page(query, sort_column, id_column, descending: bool, cursor, limit: int) -> list:
    """Up to ``limit + 1`` records after ``cursor``: the records with a value in sort order
    (ties by id, in the same direction), then the empty ones by id.

    The two phases are two plain queries, each of which an index on (tenant, column) serves
    in order, backwards too; one query with ``NULLS LAST`` or ``OR column IS NULL`` makes
    PostgreSQL read and sort every record of the tenant (bench/custom_field_filter.py).
    """
    nullable = sort_column.nullable and not sort_column.primary_key
    last_value = last_id = None
    if cursor:
        last_value, last_id = _decode_cursor(cursor)
        try:
            last_id = uuid.UUID(last_id)
        except (TypeError, ValueError):
            raise ValidationFailed("The cursor is not valid.", field="cursor") from None
    in_empty_phase = cursor is not None and last_value is None
    records: list = []
    if not in_empty_phase:
        valued = query.where(sort_column.is_not(None)) if nullable else query
        if cursor:
            typed = _cursor_value(sort_column, last_value)
            if sort_column is id_column:
                beyond = id_column < last_id if descending else id_column > last_id
            else:
                # A row comparison is one index condition on (tenant, column, id).
                row, last = tuple_(sort_column, id_column), tuple_(typed, last_id)
                beyond = row < last if descending else row > last
            valued = valued.where(beyond)
        if descending:
            valued = valued.order_by(sort_column.desc(), id_column.desc())
        else:
            valued = valued.order_by(sort_column.asc(), id_column.asc())
        valued = valued.limit(limit + 1)
        records = list(db.session.scalars(valued))
    if nullable and len(records) <= limit:
        empty = query.where(sort_column.is_(None))
        if in_empty_phase:
            empty = empty.where(id_column > last_id)
        empty = empty.order_by(id_column.asc()).limit(limit + 1 - len(records))
        records += list(db.session.scalars(empty))
    return records


def _cursor_raw(value):
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    return value


def _cursor_value(column, raw):
    python_type = None
    with contextlib.suppress(NotImplementedError):
        python_type = column.type.python_type
    try:
        if python_type is dt.datetime:
            return dt.datetime.fromisoformat(raw)
        if python_type is dt.date:
            return dt.date.fromisoformat(raw)
        if python_type is Decimal:
            return Decimal(str(raw))
        if python_type is uuid.UUID:
            return uuid.UUID(str(raw))
    except (ValueError, ArithmeticError):
        raise ValidationFailed("The cursor is not valid.", field="cursor") from None
    return raw
