"""Schema services: tenant admins add, change, reorder and retire custom fields, and create
custom objects. Metadata only: no DDL ever runs, so adding a field is instant at any size.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict

from sqlalchemy import func, select, update

from core.objects.audit import AuditEntry
from core.objects.formulas import expression_fields, parse_formula
from core.objects.models import SLOT_COUNTS, CustomObjectDefinition, FieldDefinition
from core.objects.records import SYSTEM_FIELDS, records_query
from core.objects.registry import (
    ObjectSpec,
    forget_tenant_objects,
    is_reserved_object_name,
    object_for_tenant,
    standard_objects,
)
from core.objects.types import FIELD_TYPES, FieldValueError
from saas import clock, security_log
from saas.auth.models import User
from saas.billing.features import require_feature
from saas.db import db
from saas.errors import Conflict, NotFound, UserError, ValidationFailed

MAX_FIELDS_PER_OBJECT = 800
API_NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
ROLLUP_FUNCTIONS = ("count", "sum", "min", "max")
# Names a custom field cannot take: the properties every record has in the API.
RESERVED_FIELD_NAMES = frozenset({*SYSTEM_FIELDS, "object", "custom", "owner_id"})
ADDABLE = (
    "name",
    "label",
    "type",
    "options",
    "required",
    "unique",
    "default",
    "help_text",
    "filterable",
    "access",
    "section",
)
EDITABLE = tuple(key for key in ADDABLE if key != "name")


def _check_api_name(name, *, field: str = "name") -> str:
    name = name.strip() if isinstance(name, str) else ""
    if not API_NAME.match(name) or name.endswith("_") or "__" in name:
        raise ValidationFailed(
            "Use lowercase letters, digits and single underscores, starting with a letter "
            "(at most 63 characters).",
            field=field,
        )
    return name


def _check_label(label, *, field: str = "label") -> str:
    label = " ".join(label.split()) if isinstance(label, str) else ""
    if not label:
        raise ValidationFailed("Enter a label.", field=field)
    if len(label) > 100:
        raise ValidationFailed("Use at most 100 characters.", field=field)
    return label


def _check_help_text(help_text) -> str | None:
    if help_text is None:
        return None
    if not isinstance(help_text, str):
        raise ValidationFailed("Give the help text as text.", field="help_text")
    help_text = help_text.strip()
    if len(help_text) > 500:
        raise ValidationFailed("Use at most 500 characters.", field="help_text")
    return help_text or None


def _check_section(section) -> str | None:
    if section is None:
        return None
    if not isinstance(section, str):
        raise ValidationFailed("Give the section's name as text.", field="section")
    section = " ".join(section.split())
    if len(section) > 60:
        raise ValidationFailed("Use at most 60 characters.", field="section")
    return section or None


def _check_flag(value, *, field: str) -> bool:
    if not isinstance(value, bool):
        raise ValidationFailed("Give true or false.", field=field)
    return value


def _check_options(obj: ObjectSpec, type_name: str, options) -> dict:
    if options is None:
        options = {}
    if not isinstance(options, dict):
        raise ValidationFailed("Options must be a JSON object.", field="options")
    field_type = FIELD_TYPES[type_name]
    try:
        options = field_type.check_options(dict(options))
        if type_name == "lookup":
            target = options["target"]
            if target not in standard_objects() and not _custom_object_exists(target):
                raise FieldValueError(f"There is no object called {target!r}.")
        if type_name == "formula":
            parse_formula(options.get("expression", ""), obj.fields)
        if type_name == "rollup":
            _check_rollup(obj, options)
    except FieldValueError as exc:
        raise ValidationFailed(str(exc), field="options") from None
    return options


def _refuse_formula_cycle(obj: ObjectSpec, name: str, options: dict) -> None:
    """A formula may not use itself, directly or through other formulas (it would have no
    value): 422 naming the chain."""
    uses = {
        spec.api_name: expression_fields(spec.options.get("expression", ""))
        for spec in obj.fields.values()
        if spec.type == "formula" and spec.api_name != name
    }
    uses[name] = expression_fields(options.get("expression", ""))
    path, seen = [name], set()

    def reaches(current: str) -> bool:
        for used in sorted(uses.get(current, ())):
            if used == name:
                path.append(used)
                return True
            if used in uses and used not in seen:
                seen.add(used)
                path.append(used)
                if reaches(used):
                    return True
                path.pop()
        return False

    if reaches(name):
        raise ValidationFailed(
            f"A formula cannot use itself: {' -> '.join(path)}.", field="options"
        )


def _check_rollup(obj: ObjectSpec, options: dict) -> None:
    if options.get("function") not in ROLLUP_FUNCTIONS:
        raise FieldValueError(f"Choose a function: {', '.join(ROLLUP_FUNCTIONS)}.")
    try:
        related = object_for_tenant(options.get("related_object") or "")
    except NotFound:
        raise FieldValueError("Name the related object.") from None
    via = related.fields.get(options.get("via") or "")
    if via is None or via.type != "lookup" or via.options.get("target") != obj.api_name:
        raise FieldValueError(f"Name a lookup field of {related.api_name} that points here.")
    if via.sort_column is None:
        raise FieldValueError("The lookup field must be filterable.")
    if options["function"] != "count":
        target = related.fields.get(options.get("related_field") or "")
        if target is None or target.type not in ("number", "currency", "percent", "date"):
            raise FieldValueError("Name a number, currency or date field to summarise.")
        if target.sort_column is None:
            raise FieldValueError("The summarised field must be filterable.")


def _custom_object_exists(name: str) -> bool:
    return (
        db.session.scalar(
            select(func.count())
            .select_from(CustomObjectDefinition)
            .where(
                CustomObjectDefinition.api_name == name,
                CustomObjectDefinition.retired_at.is_(None),
            )
        )
        > 0
    )


def _free_slot(object_name: str, kind: str, *, used: set | None = None) -> str:
    if used is None:
        used = set(
            db.session.scalars(
                select(FieldDefinition.slot).where(
                    FieldDefinition.object_name == object_name,
                    FieldDefinition.retired_at.is_(None),
                    FieldDefinition.slot.is_not(None),
                )
            )
        )
    for n in range(1, SLOT_COUNTS[kind] + 1):
        if f"{kind}_{n}" not in used:
            return f"{kind}_{n}"
    raise Conflict(
        f"All {SLOT_COUNTS[kind]} filterable {kind} slots of this object are in use. "
        "Make another field non-filterable first.",
        field="filterable",
    )


def list_fields(object_name: str) -> ObjectSpec:
    return object_for_tenant(object_name)


def add_field(object_name: str, **field) -> FieldDefinition:
    """Add a custom field (the keyword arguments of ``add_fields``' entries): name, label,
    type, options, required, unique, default, help_text, filterable, access."""
    return add_fields(object_name, [field])[0]


def add_fields(object_name: str, fields: list[dict]) -> list[FieldDefinition]:
    """Add several custom fields to an object at once, all or none: each is checked as
    ``add_field`` checks it, and then against the others (names, the field limit, slots).
    Unique fields are made filterable: uniqueness needs the index."""
    obj = object_for_tenant(object_name)
    if obj.custom_object_id is not None:
        require_feature("custom_objects")
    rows = db.session.execute(
        select(FieldDefinition.api_name, FieldDefinition.retired_at, FieldDefinition.slot).where(
            FieldDefinition.object_name == obj.api_name
        )
    ).all()
    live = [row for row in rows if row.retired_at is None]
    retired_names = {row.api_name for row in rows if row.retired_at is not None}
    used_slots = {row.slot for row in live if row.slot}
    taken = set(obj.fields)
    if len(live) + len(fields) > MAX_FIELDS_PER_OBJECT:
        room = max(MAX_FIELDS_PER_OBJECT - len(live), 0)
        raise Conflict(
            f"An object can have at most {MAX_FIELDS_PER_OBJECT} custom fields; "
            f"{obj.label_plural} has {len(live)}, so {room} more can be added. "
            "Retire a field that is no longer used to make room.",
            field="name",
        )
    definitions = []
    for index, spec in enumerate(fields):
        try:
            definition = _new_definition(obj, spec, taken, retired_names, used_slots)
        except UserError as exc:
            if len(fields) == 1:
                raise
            exc.errors = {f"fields[{index}].{k}": v for k, v in (exc.errors or {}).items()}
            exc.message = f"Field {index + 1} ({spec.get('name')}): {exc.message}"
            raise
        definition.position = len(live) + index
        taken.add(definition.api_name)
        if definition.slot:
            used_slots.add(definition.slot)
        definitions.append(definition)
    db.session.add_all(definitions)
    db.session.flush()
    forget_tenant_objects()
    for definition in definitions:
        security_log.record(
            "schema.field_added",
            target=f"{obj.api_name}.{definition.api_name}",
            details=_logged_definition(definition),
        )
    return definitions


def _logged_definition(definition: FieldDefinition) -> dict:
    """What the security log keeps of a field's definition (before -> after on a change)."""
    return {key: getattr(definition, key) for key in EDITABLE}


def _new_definition(
    obj: ObjectSpec, spec: dict, taken: set, retired_names: set, used_slots: set
) -> FieldDefinition:
    unknown = set(spec) - set(ADDABLE)
    if unknown:
        raise ValidationFailed(f"Unknown properties: {', '.join(sorted(unknown))}.")
    errors: dict[str, list[str]] = defaultdict(list)
    name, label, type_name = spec.get("name"), spec.get("label"), spec.get("type")
    try:
        name = _check_api_name(name)
    except ValidationFailed as exc:
        errors["name"].append(exc.message)
    else:
        if name in RESERVED_FIELD_NAMES or name in obj.children:
            errors["name"].append(
                "This name is reserved for the record's own properties; choose another."
            )
        elif name in taken:
            errors["name"].append("This object already has a field with this name.")
    try:
        label = _check_label(label)
    except ValidationFailed as exc:
        errors["label"].append(exc.message)
    if not isinstance(type_name, str) or type_name not in FIELD_TYPES:
        errors["type"].append(f"Choose a type: {', '.join(FIELD_TYPES)}.")
    flags = {}
    for flag in ("required", "unique", "filterable"):
        try:
            flags[flag] = _check_flag(spec.get(flag, False), field=flag)
        except ValidationFailed as exc:
            errors[flag].append(exc.message)
    try:
        help_text = _check_help_text(spec.get("help_text"))
    except ValidationFailed as exc:
        errors["help_text"].append(exc.message)
    try:
        access = _check_access(spec.get("access"))
    except ValidationFailed as exc:
        errors["access"].append(exc.message)
    try:
        section = _check_section(spec.get("section"))
    except ValidationFailed as exc:
        errors["section"].append(exc.message)
    if errors:
        raise ValidationFailed("The field is not valid.", errors=dict(errors))
    field_type = FIELD_TYPES[type_name]
    options = _check_options(obj, type_name, spec.get("options"))
    if type_name == "formula":
        _refuse_formula_cycle(obj, name, options)
    unique = flags["unique"]
    filterable = flags["filterable"] or unique
    if (flags["required"] or unique) and field_type.read_only:
        key = "unique" if unique else "required"
        raise ValidationFailed("A calculated field cannot be required or unique.", field=key)
    if unique and field_type.slot_kind is None:
        raise ValidationFailed(f"A {type_name} field cannot be unique.", field="unique")
    if filterable and field_type.slot_kind is None:
        raise ValidationFailed(f"A {type_name} field cannot be filterable.", field="filterable")
    default = _clean_default(field_type, spec.get("default"), options)
    if name in retired_names:
        raise Conflict("A retired field already used this name; choose another.", field="name")
    return FieldDefinition(
        object_name=obj.api_name,
        api_name=name,
        label=label,
        type=type_name,
        options=options,
        required=flags["required"],
        unique=unique,
        default=default,
        help_text=help_text,
        filterable=filterable,
        slot=_free_slot(obj.api_name, field_type.slot_kind, used=used_slots)
        if filterable
        else None,
        access=access,
        section=section,
    )


def _clean_default(field_type, raw, options: dict, *, was=None):
    """The stored default (None for none): it must be a value a new record may take, so
    an inactive picklist value is refused. ``was`` is the earlier default, kept as it was
    but no longer fitting (the type or options changed)."""
    if raw is None or raw == "":
        return None
    try:
        return field_type.clean_write(raw, options, None)
    except FieldValueError as exc:
        if was is not None:
            raise ValidationFailed(
                f"The default value {was!r} does not fit any more: {exc} "
                "Change or clear the default in the same change.",
                field="default",
            ) from None
        raise ValidationFailed(str(exc), field="default") from None


def _check_access(access) -> dict:
    from saas.auth.roles import ADMIN, ROLES

    if not access:
        return {}
    if not isinstance(access, dict):
        raise ValidationFailed("Give access as {role: 'hidden' | 'read_only'}.", field="access")
    for role, level in access.items():
        if role not in ROLES or role == ADMIN or level not in ("hidden", "read_only"):
            raise ValidationFailed(
                "Give access as {role: 'hidden' | 'read_only'} for manager or member.",
                field="access",
            )
    return dict(access)


def get_field_definition(object_name: str, field_name: str) -> FieldDefinition:
    obj = object_for_tenant(object_name)
    definition = db.session.scalar(
        select(FieldDefinition).where(
            FieldDefinition.object_name == obj.api_name,
            FieldDefinition.api_name == field_name,
            FieldDefinition.retired_at.is_(None),
        )
    )
    if definition is None:
        if field_name in obj.fields:
            raise ValidationFailed("Standard fields cannot be changed.", field="name")
        raise NotFound(f"{obj.label} has no custom field {field_name!r}.")
    return definition


def update_field(
    object_name: str,
    field_name: str,
    *,
    changes: dict,
    preview: bool = False,
    actor: User | None = None,
) -> tuple[FieldDefinition, dict]:
    """Change label, help, options, required, unique, default, filterable, access or type.

    Everything is checked before anything is written. A type change, or new options that
    some stored values may not fit (a picklist value taken off the list), converts the
    values: refused with 409, naming the records, when some would not fit; else each
    changed record is rewritten and gets an audit entry by ``actor``. Reordering,
    recolouring or deactivating picklist values converts nothing. Turning ``unique`` on is
    refused, naming the records, while some hold the same value. A new ``default`` is for
    new records only. With ``preview`` nothing is written: the report says what would be
    converted (``changes``: old -> new), what would not fit and which records share a value.
    """
    if not isinstance(changes, dict):
        raise ValidationFailed("Send the changes as a JSON object.")
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        hint = " A field's API name cannot change." if "name" in unknown else ""
        raise ValidationFailed(
            f"These cannot be changed: {', '.join(sorted(unknown))}.{hint}",
            errors={key: ["This cannot be changed."] for key in sorted(unknown)},
        )
    definition = get_field_definition(object_name, field_name)
    obj = object_for_tenant(object_name)
    plan = _plan_change(obj, definition, changes)
    new_type, options = plan["type"], plan["options"]
    converting = new_type != definition.type or (
        "options" in changes
        and FIELD_TYPES[new_type].values_affected(definition.options or {}, options)
    )
    report: dict = {}
    converted: list = []
    if converting:
        converted, report = _conversion(obj, definition, new_type, options)
    duplicates = []
    if plan["unique"] and (converting or not definition.unique):
        duplicates = _duplicates(obj, definition, new_type, converted)
        report["duplicates"] = duplicates[:50]
        report["duplicate_count"] = len(duplicates)
    if preview:
        return definition, report
    if report.get("failure_count"):
        _refuse_conversion(definition, new_type, report)
    if duplicates:
        _refuse_duplicates(definition, duplicates)

    old_slot = definition.slot
    logged_before = _logged_definition(definition)
    for key in (
        "label",
        "help_text",
        "required",
        "unique",
        "default",
        "filterable",
        "access",
        "section",
    ):
        setattr(definition, key, plan[key])
    definition.type, definition.options, definition.slot = new_type, options, plan["slot"]
    db.session.flush()
    # Bulk clears first, then the records' new values and slots: one UPDATE per record
    # (one version step), and one audit entry per converted record.
    if old_slot and old_slot != definition.slot:
        _clear_slot(obj, old_slot)
    refill = definition.slot and (definition.slot != old_slot or converted)
    if refill and definition.slot == old_slot:
        _clear_slot(obj, definition.slot)  # values converted to empty leave no trace
    with db.session.no_autoflush:
        if converted:
            _write_conversion(obj, definition, converted, actor)
        if refill:
            _fill_slot(obj, definition)
    db.session.flush()
    forget_tenant_objects()
    changed = security_log.changes(logged_before, _logged_definition(definition))
    if changed:
        details = {"changes": changed}
        if converted:
            details["records_converted"] = len(converted)
        security_log.record(
            "schema.field_changed",
            actor=actor if actor is not None else security_log.CURRENT_ACTOR,
            target=f"{obj.api_name}.{definition.api_name}",
            details=details,
        )
    return definition, report


def _plan_change(obj: ObjectSpec, definition: FieldDefinition, changes: dict) -> dict:
    """The field as it will be after ``changes``, every change checked; nothing written."""
    plan = {
        "label": definition.label,
        "help_text": definition.help_text,
        "required": definition.required,
        "unique": definition.unique,
        "filterable": definition.filterable,
        "access": definition.access or {},
        "type": definition.type,
        "section": definition.section,
    }
    errors: dict[str, list[str]] = defaultdict(list)
    checks = {
        "label": _check_label,
        "help_text": _check_help_text,
        "access": _check_access,
        "section": _check_section,
        "required": lambda v: _check_flag(v, field="required"),
        "unique": lambda v: _check_flag(v, field="unique"),
        "filterable": lambda v: _check_flag(v, field="filterable"),
    }
    for key, check in checks.items():
        if key in changes:
            try:
                plan[key] = check(changes[key])
            except ValidationFailed as exc:
                errors[key].append(exc.message)
    new_type = changes.get("type", definition.type)
    if not isinstance(new_type, str) or new_type not in FIELD_TYPES:
        errors["type"].append(f"Choose a type: {', '.join(FIELD_TYPES)}.")
    if errors:
        raise ValidationFailed("The changes are not valid.", errors=dict(errors))
    same_type = new_type == definition.type
    plan["type"] = new_type
    plan["options"] = _check_options(
        obj, new_type, changes.get("options", definition.options if same_type else {})
    )
    if new_type == "formula":
        _refuse_formula_cycle(obj, definition.api_name, plan["options"])
    field_type = FIELD_TYPES[new_type]
    kind = field_type.slot_kind
    if field_type.read_only and (plan["required"] or plan["unique"]):
        key = "unique" if plan["unique"] else "required"
        raise ValidationFailed("A calculated field cannot be required or unique.", field=key)
    if plan["unique"] and kind is None:
        raise ValidationFailed(f"A {new_type} field cannot be unique.", field="unique")
    if kind is None and plan["filterable"]:
        if changes.get("filterable"):
            raise ValidationFailed(f"A {new_type} field cannot be filterable.", field="filterable")
        plan["filterable"] = False  # it was, as its old type; the new one cannot be
    plan["filterable"] = plan["filterable"] or plan["unique"]
    if "default" in changes:
        plan["default"] = _clean_default(field_type, changes["default"], plan["options"])
    elif not same_type or "options" in changes:
        plan["default"] = _clean_default(
            field_type, definition.default, plan["options"], was=definition.default
        )
    else:
        plan["default"] = definition.default
    old_slot = definition.slot
    if not plan["filterable"]:
        plan["slot"] = None
    elif old_slot and old_slot.startswith(f"{kind}_"):
        plan["slot"] = old_slot
    else:
        plan["slot"] = _free_slot(obj.api_name, kind)
    return plan


def _records_with(obj: ObjectSpec, field_name: str):
    for record in db.session.scalars(records_query(obj).order_by(obj.model.id)):
        if field_name in (record.custom or {}):
            yield record


def _conversion(obj, definition, new_type: str, options: dict) -> tuple[list, dict]:
    """What converting every stored value to ``new_type`` with ``options`` gives:
    [(record, old, new)] of the values that change, and the report."""
    field_type = FIELD_TYPES[new_type]
    failures, changed, fitting = [], [], 0
    for record in _records_with(obj, definition.api_name):
        value = record.custom[definition.api_name]
        try:
            new = field_type.clean(value, options)
        except FieldValueError as exc:
            failures.append({"id": str(record.id), "value": value, "problem": str(exc)})
            continue
        fitting += 1
        if new != value or type(new) is not type(value):
            changed.append((record, value, new))
    report = {
        "convertible": fitting,
        "failures": failures[:50],
        "failure_count": len(failures),
        "changes": [{"id": str(r.id), "old": old, "new": new} for r, old, new in changed[:50]],
        "change_count": len(changed),
    }
    return changed, report


def _refuse_conversion(definition, new_type: str, report: dict) -> None:
    failures = report["failures"]
    ids = ", ".join(f["id"] for f in failures[:10])
    if new_type != definition.type:
        what, key = f"do not fit a {new_type} field", "type"
    else:
        what, key = "the new options do not allow (a removed picklist value?)", "options"
    raise Conflict(
        f"{report['failure_count']} record(s) hold values that {what} "
        f"(for example {ids}). Fix them first, or preview the conversion.",
        errors={key: [f"{f['id']}: {f['problem']}" for f in failures]},
    )


def _duplicates(obj, definition, new_type: str, converted: list) -> list[dict]:
    """The values more than one live record holds (as the field's index compares them)."""
    field_type = FIELD_TYPES[new_type]
    new_values = {record.id: new for record, _, new in converted}
    holders: dict = defaultdict(list)
    for record in _records_with(obj, definition.api_name):
        if record.deleted_at is not None:
            continue
        value = new_values.get(record.id, record.custom[definition.api_name])
        if value is None:
            continue
        key = field_type.slot_value(value)
        key = key[:255] if isinstance(key, str) else key
        holders[json.dumps(key, default=str)].append((record, value))
    return [
        {"value": held[0][1], "ids": [str(record.id) for record, _ in held]}
        for held in holders.values()
        if len(held) > 1
    ]


def _refuse_duplicates(definition, duplicates: list[dict]) -> None:
    examples = "; ".join(f"{d['value']!r} in {', '.join(d['ids'][:5])}" for d in duplicates[:3])
    messages = [
        f"{record_id}: holds {d['value']!r}, as do {len(d['ids']) - 1} other record(s)"
        for d in duplicates
        for record_id in d["ids"]
    ]
    raise Conflict(
        f"{len(duplicates)} value(s) of {definition.label} are held by more than one record "
        f"({examples}), so it cannot be made unique. Make them different first.",
        errors={"unique": messages[:100]},
    )


def _write_conversion(obj, definition, converted: list, actor: User | None) -> None:
    """Store the converted values; each changed record gets an audit entry (old -> new)."""
    name = definition.api_name
    now = clock.now()
    for record, old, new in converted:
        custom = dict(record.custom)
        if new is None:
            custom.pop(name, None)
        else:
            custom[name] = new
        record.custom = custom
        record.updated_at = now
        db.session.add(
            AuditEntry(
                object_name=obj.api_name,
                record_id=record.id,
                action="update",
                actor_id=actor.id if actor else None,
                changes=json.loads(json.dumps({name: [old, new]}, default=str)),
            )
        )


def _clear_slot(obj: ObjectSpec, slot: str) -> None:
    query = update(obj.model).values({f"s_{slot}": None})
    if obj.custom_object_id is not None:
        query = query.where(obj.model.object_id == obj.custom_object_id)
    db.session.execute(query)


def _fill_slot(obj: ObjectSpec, definition: FieldDefinition) -> None:
    field_type = FIELD_TYPES[definition.type]
    for record in _records_with(obj, definition.api_name):
        value = field_type.slot_value(record.custom[definition.api_name])
        setattr(record, f"s_{definition.slot}", value[:255] if isinstance(value, str) else value)


def retire_field(object_name: str, field_name: str) -> None:
    """Hide the field everywhere; its values stay in the records for history."""
    definition = get_field_definition(object_name, field_name)
    obj = object_for_tenant(object_name)
    definition.retired_at = clock.now()
    if definition.slot:
        slot, definition.slot = definition.slot, None
        db.session.flush()
        _clear_slot(obj, slot)
    db.session.flush()
    forget_tenant_objects()
    security_log.record("schema.field_retired", target=f"{obj.api_name}.{definition.api_name}")


def reorder_fields(object_name: str, order: list[str]) -> None:
    obj = object_for_tenant(object_name)
    definitions = {
        d.api_name: d
        for d in db.session.scalars(
            select(FieldDefinition).where(
                FieldDefinition.object_name == obj.api_name, FieldDefinition.retired_at.is_(None)
            )
        )
    }
    if (
        not isinstance(order, list)
        or not all(isinstance(name, str) for name in order)
        or len(order) != len(set(order))
        or set(order) != set(definitions)
    ):
        raise ValidationFailed("List every custom field of the object once.", field="order")
    before = sorted(definitions, key=lambda name: definitions[name].position or 0)
    for position, name in enumerate(order):
        definitions[name].position = position
    db.session.flush()
    forget_tenant_objects()
    if before != order:
        security_log.record(
            "schema.fields_reordered",
            target=obj.api_name,
            details={"from": before, "to": order},
        )


def create_custom_object(
    *, name: str, label: str, label_plural: str | None = None, description: str | None = None
) -> CustomObjectDefinition:
    require_feature("custom_objects")
    name = _check_api_name(name)
    label = _check_label(label)
    label_plural = _check_label(label_plural or label + "s", field="label_plural")
    if description is not None and not isinstance(description, str):
        raise ValidationFailed("Enter the description as text.", field="description")
    if description is not None and len(description) > 500:
        raise ValidationFailed("Use at most 500 characters.", field="description")
    if is_reserved_object_name(name) or _custom_object_exists(name):
        raise Conflict("An object with this name already exists.", field="name")
    definition = CustomObjectDefinition(
        api_name=name, label=label, label_plural=label_plural, description=description
    )
    db.session.add(definition)
    db.session.flush()
    forget_tenant_objects()
    security_log.record(
        "schema.object_created",
        target=name,
        details={"label": label, "label_plural": label_plural, "description": description},
    )
    return definition
