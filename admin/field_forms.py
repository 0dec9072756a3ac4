"""The admin's custom field form: what it sends, turned into the arguments of the schema
services (``add_field`` / ``update_field``), and a field definition turned back into the
form's values.

The form has one set of inputs per kind of option (``opt_<name>``); only those of the
chosen type are read, so a form submitted with every option box visible (no JavaScript)
still means what the admin sees. Options are parsed here (numbers, patterns, picklist
lines); the services then check them against the field type.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from werkzeug.datastructures import MultiDict

from core.objects.choices import PALETTE, palette_name
from core.objects.models import FieldDefinition
from core.objects.patterns import pattern_problem
from core.objects.permissions import rights_of
from saas.auth.roles import ADMIN, ROLES
from saas.errors import ValidationFailed
from saas.i18n import _, _l

# The option inputs each type shows, in form order.
TYPE_OPTIONS = {
    "text": ("min_length", "max_length", "regex", "regex_message"),
    "long_text": ("max_length",),
    "rich_text": ("max_length",),
    "number": ("min", "max", "scale"),
    "currency": ("min", "max", "currency"),
    "percent": ("min", "max", "scale"),
    "date": ("min_date", "max_date"),
    "picklist": ("values",),
    "multi_picklist": ("values",),
    "lookup": ("target",),
    "formula": ("expression",),
    "rollup": ("function", "related_object", "via", "related_field"),
}
# How the option inputs are grouped and labelled: key -> (label, input type, hint).
OPTION_GROUPS = (
    (_l("Text"), ("min_length", "max_length", "regex", "regex_message")),
    (_l("Numbers"), ("min", "max", "scale", "currency")),
    (_l("Dates"), ("min_date", "max_date")),
    (_l("Picklist values"), ("values",)),
    (_l("Lookup"), ("target",)),
    (_l("Formula"), ("expression",)),
    (_l("Roll-up summary"), ("function", "related_object", "via", "related_field")),
)
OPTION_INPUTS = {
    "min_length": (_l("Minimum length"), "number", None),
    "max_length": (_l("Maximum length"), "number", _l("Characters; 255 for text when empty.")),
    "regex": (
        _l("Pattern"),
        "text",
        _l("A regular expression the whole value must match, e.g. [A-Z]{2}[0-9]{6}."),
    ),
    "regex_message": (_l("Message when the pattern does not match"), "text", None),
    "min": (_l("Minimum"), "number", None),
    "max": (_l("Maximum"), "number", None),
    "scale": (_l("Decimal places"), "number", _l("Values are rounded to this many places.")),
    "currency": (_l("Currency code"), "text", _l("Three letters, e.g. EUR.")),
    "min_date": (_l("Earliest date"), "date", None),
    "max_date": (_l("Latest date"), "date", None),
    "values": (
        _l("Values"),
        "textarea",
        _l(
            "One per line. Add a colour after a bar: Hot | red. Colours: %(colours)s. A value "
            "no longer offered: Old | grey | inactive.",
            colours=", ".join(PALETTE),
        ),
    ),
    "target": (_l("Points to"), "select", None),
    "expression": (
        _l("Formula"),
        "text",
        _l("Field API names, numbers, + - * / and round(x, 2), abs(x), min(a, b), max(a, b)."),
    ),
    "function": (_l("Summary"), "select", None),
    "related_object": (_l("Related object"), "select", None),
    "via": (_l("Its lookup field that points here"), "text", _l("The API name, e.g. company_id.")),
    "related_field": (
        _l("Field to summarise"),
        "text",
        _l("A number, currency or date field; not for a count."),
    ),
}


def option_types(key: str) -> list[str]:
    """The field types that use the option input ``key``."""
    return [name for name, keys in TYPE_OPTIONS.items() if key in keys]


# Form inputs that stand for another option name (the date bounds have date inputs).
OPTION_NAMES = {"min_date": "min", "max_date": "max"}
ROLLUP_FUNCTION_LABELS = {
    "count": _l("Count of records"),
    "sum": _l("Sum"),
    "min": _l("Smallest value"),
    "max": _l("Largest value"),
}
ACCESS_ROLES = [role for role in ROLES if role != ADMIN]


def access_choices(role: str, object_name: str) -> list[tuple[str, str]]:
    """The field access levels a new field can have for ``role``, in words that say what the
    role can really do with it: a role that can neither create nor change these records
    (viewers never can) is offered "Can see" or "Cannot see", not "Can see and edit"."""
    rights = rights_of(role, object_name)
    if not rights["read"]:
        return [
            ("", _("No access (this role cannot open these records)")),
            ("hidden", _("Cannot see")),
        ]
    if rights["create"] or rights["update"]:
        return [
            ("", _("Can see and edit")),
            ("read_only", _("Can see, not edit")),
            ("hidden", _("Cannot see")),
        ]
    return [("", _("Can see")), ("hidden", _("Cannot see"))]


def role_writes(role: str, object_name: str) -> bool:
    """Whether ``role`` can create or change records of the object at all."""
    rights = rights_of(role, object_name)
    return bool(rights["create"] or rights["update"])


_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")


def _number(text: str) -> int | float:
    try:
        number = Decimal(text.replace(",", ""))
    except InvalidOperation:
        raise ValueError(_("Enter a number.")) from None
    if not number.is_finite():
        raise ValueError(_("Enter a number."))
    return int(number) if number == number.to_integral_value() else float(number)


def _whole(text: str) -> int:
    if not text.isdigit() or int(text) > 100_000:
        raise ValueError(_("Enter a whole number from 0 to 100000."))
    return int(text)


def _date(text: str) -> str:
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        raise ValueError(_("Enter a date as YYYY-MM-DD.")) from None


def _pattern(text: str) -> str:
    problem = pattern_problem(text)
    if problem:
        raise ValueError(problem)
    return text


def parse_picklist_values(text: str) -> list[dict]:
    """One value per line: ``Hot``, ``Hot | red`` or ``Hot | #d92d20 | inactive``."""
    entries = []
    for line in text.splitlines():
        parts = [part.strip() for part in line.split("|")]
        if not parts[0]:
            continue
        entry: dict = {"value": parts[0]}
        color = parts[1] if len(parts) > 1 else ""
        if color:
            name = palette_name(color)
            if name is not None:
                entry["color"] = PALETTE[name]
            elif _HEX.match(color):
                entry["color"] = color.lower()
            else:
                raise ValueError(
                    _(
                        "Unknown colour %(colour)s for %(value)s: use one of %(colours)s or a "
                        "code such as #1570ef.",
                        colour=repr(color),
                        value=repr(parts[0]),
                        colours=", ".join(PALETTE),
                    )
                )
        if len(parts) > 2 and parts[2].lower() == "inactive":
            entry["inactive"] = True
        entries.append(entry)
    return entries


def picklist_values_text(options: dict) -> str:
    lines = []
    for entry in options.get("values", []):
        parts = [entry["value"]]
        if entry.get("color") or entry.get("inactive"):
            parts.append(palette_name(entry.get("color")) or entry.get("color") or "")
        if entry.get("inactive"):
            parts.append("inactive")
        lines.append(" | ".join(parts))
    return "\n".join(lines)


_PARSERS = {
    "min": _number,
    "max": _number,
    "scale": _whole,
    "min_length": _whole,
    "max_length": _whole,
    "min_date": _date,
    "max_date": _date,
    "regex": _pattern,
    "values": parse_picklist_values,
}


def options_from_form(type_name: str, form: MultiDict) -> dict:
    """The options of a ``type_name`` field, or ValidationFailed naming each bad input."""
    options, errors = {}, {}
    for key in TYPE_OPTIONS.get(type_name, ()):
        raw = form.get(f"opt_{key}", "").strip()
        if not raw:
            continue
        try:
            options[OPTION_NAMES.get(key, key)] = _PARSERS.get(key, str)(raw)
        except ValueError as exc:
            errors[f"opt_{key}"] = [str(exc)]
    if errors:
        raise ValidationFailed(_("Some options are not valid."), errors=errors)
    return options


def access_from_form(form: MultiDict) -> dict:
    return {
        role: form.get(f"access.{role}")
        for role in ACCESS_ROLES
        if form.get(f"access.{role}") in ("hidden", "read_only")
    }


def add_field_arguments(form: MultiDict) -> dict:
    """The keyword arguments of ``add_field`` for the submitted form."""
    type_name = form.get("type", "")
    return {
        "name": form.get("name", "").strip(),
        "label": form.get("label", ""),
        "type": type_name,
        "options": options_from_form(type_name, form),
        "required": "required" in form,
        "unique": "unique" in form,
        "default": form.get("default", "").strip() or None,
        "help_text": form.get("help_text", "").strip() or None,
        "filterable": "filterable" in form,
        "access": access_from_form(form),
        "section": " ".join(form.get("section", "").split()) or None,
    }


def default_text(value) -> str:
    """A stored default as the form shows it (``Gold``, ``10``, ``true``, ``A; B``)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "; ".join(str(item) for item in value)
    return str(value)


def field_changes(definition: FieldDefinition, form: MultiDict) -> dict:
    """What the edit form changes (only what differs, so that an untouched picklist does
    not make the service convert every record's value)."""
    new_type = form.get("type") or definition.type
    options = options_from_form(new_type, form)
    current = {
        "label": definition.label,
        "help_text": definition.help_text,
        "required": definition.required,
        "unique": definition.unique,
        "filterable": definition.filterable,
        "default": default_text(definition.default) or None,
        "access": definition.access or {},
        "section": definition.section,
    }
    wanted = {
        "label": " ".join(form.get("label", "").split()),
        "help_text": form.get("help_text", "").strip() or None,
        "required": "required" in form,
        "unique": "unique" in form,
        "filterable": "filterable" in form,
        "default": form.get("default", "").strip() or None,
        "access": access_from_form(form),
        "section": " ".join(form.get("section", "").split()) or None,
    }
    changes = {key: value for key, value in wanted.items() if value != current[key]}
    if new_type != definition.type:
        changes["type"] = new_type
        changes["options"] = options
    elif options != (definition.options or {}):
        changes["options"] = options
    return changes


def form_values(definition: FieldDefinition) -> MultiDict:
    """The edit form's values for a field as it is."""
    values = MultiDict(
        {
            "label": definition.label,
            "help_text": definition.help_text or "",
            "section": definition.section or "",
            "type": definition.type,
        }
    )
    for flag in ("required", "filterable", "unique"):
        if getattr(definition, flag):
            values[flag] = "on"
    if definition.default is not None:
        values["default"] = default_text(definition.default)
    options = definition.options or {}
    for key in TYPE_OPTIONS.get(definition.type, ()):
        value = options.get(OPTION_NAMES.get(key, key))
        if key == "values":
            values["opt_values"] = picklist_values_text(options)
        elif value is not None:
            values[f"opt_{key}"] = str(value)
    for role, level in (definition.access or {}).items():
        values[f"access.{role}"] = level
    return values
