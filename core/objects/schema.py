"""Schema services: tenant admins add, change, reorder and retire custom fields, and create
custom objects. Metadata only: no DDL ever runs, so adding a field is instant at any size.
"""

from __future__ import annotations

import re
from collections import defaultdict

from sqlalchemy import func, select, update

from core.objects.formulas import parse_formula
from core.objects.models import SLOT_COUNTS, CustomObjectDefinition, FieldDefinition
from core.objects.records import records_query
from core.objects.registry import (
    ObjectSpec,
    forget_tenant_objects,
    is_reserved_object_name,
    object_for_tenant,
    standard_objects,
)
from core.objects.types import FIELD_TYPES, FieldValueError
from saas.db import db, utcnow
from saas.errors import Conflict, NotFound, ValidationFailed

MAX_FIELDS_PER_OBJECT = 800
API_NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
ROLLUP_FUNCTIONS = ("count", "sum", "min", "max")


def _check_api_name(name: str, *, field: str = "name") -> str:
    name = (name if isinstance(name, str) else "").strip()
    if not API_NAME.match(name) or name.endswith("_") or "__" in name:
        raise ValidationFailed(
            "Use lowercase letters, digits and single underscores, starting with a letter "
            "(at most 63 characters).",
            field=field,
        )
    return name


def _check_label(label: str, *, field: str = "label") -> str:
    label = " ".join((label if isinstance(label, str) else "").split())
    if not label:
        raise ValidationFailed("Enter a label.", field=field)
    if len(label) > 100:
        raise ValidationFailed("Use at most 100 characters.", field=field)
    return label


def _check_help_text(help_text) -> str | None:
    if help_text is not None and not isinstance(help_text, str):
        raise ValidationFailed("Enter the help text as text.", field="help_text")
    if help_text is not None and len(help_text) > 500:
        raise ValidationFailed("Use at most 500 characters.", field="help_text")
    return help_text


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
            parse_formula(options.get("expression", ""), set(obj.fields))
        if type_name == "rollup":
            _check_rollup(obj, options)
    except FieldValueError as exc:
        raise ValidationFailed(str(exc), field="options") from None
    return options


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


def _free_slot(object_name: str, kind: str) -> str:
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


def add_field(
    object_name: str,
    *,
    name: str,
    label: str,
    type: str,
    options: dict | None = None,
    required: bool = False,
    unique: bool = False,
    default=None,
    help_text: str | None = None,
    filterable: bool = False,
    access: dict | None = None,
) -> FieldDefinition:
    """Add a custom field. Unique fields are made filterable: uniqueness needs the index."""
    obj = object_for_tenant(object_name)
    errors: dict[str, list[str]] = defaultdict(list)
    try:
        name = _check_api_name(name)
    except ValidationFailed as exc:
        errors["name"].append(exc.message)
    else:
        if name in obj.fields or name in ("id", "object", "version", "custom"):
            errors["name"].append("This object already has a field with this name.")
    try:
        label = _check_label(label)
    except ValidationFailed as exc:
        errors["label"].append(exc.message)
    if not isinstance(type, str) or type not in FIELD_TYPES:
        errors["type"].append(f"Choose a type: {', '.join(FIELD_TYPES)}.")
    try:
        help_text = _check_help_text(help_text)
    except ValidationFailed as exc:
        errors["help_text"].append(exc.message)
    if errors:
        raise ValidationFailed("The field is not valid.", errors=dict(errors))
    field_type = FIELD_TYPES[type]
    options = _check_options(obj, type, options)
    filterable = bool(filterable or unique)
    if filterable and field_type.slot_kind is None:
        raise ValidationFailed(f"A {type} field cannot be filterable.", field="filterable")
    if (required or unique) and field_type.read_only:
        raise ValidationFailed("A calculated field cannot be required or unique.", field="type")
    if default is not None:
        try:
            default = field_type.clean(default, options)
        except FieldValueError as exc:
            raise ValidationFailed(str(exc), field="default") from None
    count = db.session.scalar(
        select(func.count())
        .select_from(FieldDefinition)
        .where(FieldDefinition.object_name == obj.api_name, FieldDefinition.retired_at.is_(None))
    )
    if count >= MAX_FIELDS_PER_OBJECT:
        raise Conflict(f"An object can have at most {MAX_FIELDS_PER_OBJECT} custom fields.")
    if db.session.scalar(
        select(func.count())
        .select_from(FieldDefinition)
        .where(FieldDefinition.object_name == obj.api_name, FieldDefinition.api_name == name)
    ):
        raise Conflict("A retired field already used this name; choose another.", field="name")
    definition = FieldDefinition(
        object_name=obj.api_name,
        api_name=name,
        label=label,
        type=type,
        options=options,
        required=bool(required),
        unique=bool(unique),
        default=default,
        help_text=help_text,
        filterable=filterable,
        slot=_free_slot(obj.api_name, field_type.slot_kind) if filterable else None,
        position=count,
        access=_check_access(access),
    )
    db.session.add(definition)
    db.session.flush()
    forget_tenant_objects()
    return definition


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
    object_name: str, field_name: str, *, changes: dict, preview: bool = False
) -> tuple[FieldDefinition, dict]:
    """Change label, help, options, required, filterable or type.

    A type change converts existing values; it is refused, naming the records, when some
    would not fit. With ``preview`` nothing is written and the conversion is returned.
    """
    allowed = {"label", "help_text", "options", "required", "filterable", "type", "access"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationFailed(f"These cannot be changed: {', '.join(sorted(unknown))}.")
    definition = get_field_definition(object_name, field_name)
    obj = object_for_tenant(object_name)
    report: dict = {}
    new_type = changes.get("type", definition.type)
    if not isinstance(new_type, str) or new_type not in FIELD_TYPES:
        raise ValidationFailed(f"Choose a type: {', '.join(FIELD_TYPES)}.", field="type")
    new_options = _check_options(
        obj,
        new_type,
        changes.get("options", definition.options if new_type == definition.type else {}),
    )
    if new_type != definition.type or "options" in changes:
        report = _convert_values(obj, definition, new_type, new_options, preview=preview)
    if preview:
        return definition, report
    if "label" in changes:
        definition.label = _check_label(changes["label"])
    if "help_text" in changes:
        definition.help_text = _check_help_text(changes["help_text"])
    if "required" in changes:
        definition.required = bool(changes["required"])
    if "access" in changes:
        definition.access = _check_access(changes["access"])
    old_slot = definition.slot
    definition.type = new_type
    definition.options = new_options
    filterable = bool(changes.get("filterable", definition.filterable) or definition.unique)
    kind = FIELD_TYPES[new_type].slot_kind
    if filterable and kind is None:
        raise ValidationFailed(f"A {new_type} field cannot be filterable.", field="filterable")
    if not filterable or (old_slot and not old_slot.startswith(kind or "-")):
        definition.slot = None
    definition.filterable = filterable
    if filterable and definition.slot is None:
        definition.slot = _free_slot(obj.api_name, kind)
    db.session.flush()
    if old_slot and old_slot != definition.slot:
        _clear_slot(obj, old_slot)
    if definition.slot and definition.slot != old_slot:
        _fill_slot(obj, definition)
    forget_tenant_objects()
    return definition, report


def _records_with(obj: ObjectSpec, field_name: str):
    for record in db.session.scalars(records_query(obj)):
        if field_name in (record.custom or {}):
            yield record


def _convert_values(obj, definition, new_type: str, options: dict, *, preview: bool) -> dict:
    field_type = FIELD_TYPES[new_type]
    failures, converted = [], 0
    new_values = {}
    for record in _records_with(obj, definition.api_name):
        value = record.custom[definition.api_name]
        try:
            new_values[record.id] = field_type.clean(value, options)
        except FieldValueError as exc:
            failures.append({"id": str(record.id), "value": value, "problem": str(exc)})
        else:
            converted += 1
    report = {"convertible": converted, "failures": failures[:50], "failure_count": len(failures)}
    if failures and not preview:
        ids = ", ".join(f["id"] for f in failures[:10])
        raise Conflict(
            f"{len(failures)} record(s) hold values that do not fit a {new_type} field "
            f"(for example {ids}). Fix them first, or preview the conversion.",
            errors={"type": [f"{f['id']}: {f['problem']}" for f in failures[:50]]},
        )
    if not preview:
        for record in _records_with(obj, definition.api_name):
            custom = dict(record.custom)
            if new_values[record.id] is None:
                custom.pop(definition.api_name)
            else:
                custom[definition.api_name] = new_values[record.id]
            record.custom = custom
    return report


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
    definition.retired_at = utcnow()
    if definition.slot:
        slot, definition.slot = definition.slot, None
        db.session.flush()
        _clear_slot(obj, slot)
    db.session.flush()
    forget_tenant_objects()


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
        or len(set(order)) != len(order)
        or set(order) != set(definitions)
    ):
        raise ValidationFailed("List every custom field of the object once.", field="order")
    for position, name in enumerate(order):
        definitions[name].position = position
    db.session.flush()
    forget_tenant_objects()


def create_custom_object(
    *, name: str, label: str, label_plural: str | None = None, description: str | None = None
) -> CustomObjectDefinition:
    name = _check_api_name(name)
    label = _check_label(label)
    label_plural = _check_label(label_plural or label + "s", field="label_plural")
    if description is not None and not isinstance(description, str):
        raise ValidationFailed("Enter the description as text.", field="description")
    if is_reserved_object_name(name) or _custom_object_exists(name):
        raise Conflict("An object with this name already exists.", field="name")
    definition = CustomObjectDefinition(
        api_name=name, label=label, label_plural=label_plural, description=description
    )
    db.session.add(definition)
    db.session.flush()
    forget_tenant_objects()
    return definition
