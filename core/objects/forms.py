"""HTML forms of records, written once for every object: which input each field type gets,
how a submitted form becomes the values the record services take, and back.

A form carries the *raw* value of each field (what the person typed: strings, a list for a
multi-select, a dict of parts for an address, a bool for a checkbox), so that a form shown
again after an error keeps exactly what was typed. ``service_values`` turns raw values into
the input of ``create_record`` / ``update_record``, whose ``FieldType.clean`` does all the
checking. Date-times are typed in the workspace's time zone (``datetime-local`` inputs
have none) and sent to the service with it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask_babel import get_locale
from werkzeug.datastructures import MultiDict

from core.objects.money import currency_of, format_money
from core.objects.records import Filter, hidden_fields, read_only_fields
from core.objects.registry import FieldSpec, ObjectSpec
from core.objects.types import ADDRESS_PARTS
from saas.i18n import N_, _, _l, format_day, format_moment
from tenants.settings import zone_of

# The HTML input of each field type (types not listed are calculated and never edited).
INPUTS = {
    "text": "text",
    "long_text": "textarea",
    "rich_text": "textarea",
    "number": "number",
    "currency": "number",
    "percent": "number",
    "date": "date",
    "datetime": "datetime-local",
    "boolean": "checkbox",
    "picklist": "select",
    "multi_picklist": "multi",
    "email": "email",
    "phone": "tel",
    "url": "url",
    "lookup": "lookup",
    "user": "user",
    "address": "address",
}
# Types that make poor table columns by default (they are long or structured).
WIDE_TYPES = frozenset({"long_text", "rich_text", "address"})
ADDRESS_LABELS = {
    "street": _l("Street"),
    "city": _l("City"),
    "state": _l("State or region"),
    "postal_code": _l("Postal code"),
    "country": _l("Country"),
}


def workspace_zone(settings: dict | None) -> ZoneInfo:
    """The workspace's time zone (``settings["timezone"]``), UTC when unset or unknown."""
    return zone_of(settings)


def form_fields(obj: ObjectSpec, role: str | None) -> list[FieldSpec]:
    """The fields ``role`` may fill in on a form, in layout order: standard, then custom."""
    locked = read_only_fields(obj, role)
    fields = [spec for name, spec in obj.fields.items() if name not in locked]
    return sorted(fields, key=lambda spec: (spec.custom, spec.position))


def visible_fields(obj: ObjectSpec, role: str | None) -> list[FieldSpec]:
    hidden = hidden_fields(obj, role)
    fields = [spec for name, spec in obj.fields.items() if name not in hidden]
    return sorted(fields, key=lambda spec: (spec.custom, spec.position))


DEFAULT_SECTION = N_("Details")
CUSTOM_SECTION = N_("Custom fields")


def section_of(spec: FieldSpec) -> str:
    return spec.section or (CUSTOM_SECTION if spec.custom else DEFAULT_SECTION)


def sections(fields: list[FieldSpec]) -> list[tuple[str, list[FieldSpec]]]:
    """Fields grouped for display, the sections in the order their first field comes
    (standard fields first): "Details", the object's own sections ("Financials",
    "Address"), then the sections admins named for custom fields, then "Custom fields".
    A custom field whose section has a standard section's name joins it."""
    groups: dict[str, list[FieldSpec]] = {}
    for spec in fields:
        groups.setdefault(section_of(spec), []).append(spec)
    if CUSTOM_SECTION in groups:  # the catch-all comes last
        groups[CUSTOM_SECTION] = groups.pop(CUSTOM_SECTION)
    return list(groups.items())


def titled_sections(fields: list[FieldSpec]) -> list[tuple[str, list[FieldSpec]]]:
    """:func:`sections` with each section's title in the reader's language (the standard
    ones are in the catalogue; a name an admin typed is shown as typed)."""
    return [(_(name), specs) for name, specs in sections(fields)]


# Form -> raw values -> service values ------------------------------------------------------


def raw_from_form(fields: list[FieldSpec], form: MultiDict) -> dict[str, object]:
    """What the person submitted for ``fields``, as typed (see the module docstring)."""
    raw: dict[str, object] = {}
    for spec in fields:
        kind = INPUTS.get(spec.type)
        name = spec.api_name
        if kind == "checkbox":
            raw[name] = form.get(name) in ("on", "true", "1", "yes")
        elif kind == "multi":
            raw[name] = [value for value in form.getlist(name) if value]
        elif kind == "address":
            raw[name] = {part: form.get(f"{name}.{part}", "").strip() for part in ADDRESS_PARTS}
        elif kind is not None:
            raw[name] = form.get(name, "")
    return raw


def service_values(
    fields: list[FieldSpec], raw: dict[str, object], zone: ZoneInfo
) -> dict[str, object]:
    """The values to give the record service for the raw values of ``fields``."""
    values: dict[str, object] = {}
    for spec in fields:
        if spec.api_name not in raw:
            continue
        value = raw[spec.api_name]
        kind = INPUTS.get(spec.type)
        if kind == "address":
            value = {part: text for part, text in value.items() if text} or None
        elif kind == "multi":
            value = value or None
        elif kind == "datetime-local":
            value = _with_zone(value, zone)
        values[spec.api_name] = value
    return values


def _with_zone(text: str, zone: ZoneInfo) -> str:
    """``2026-01-31T09:00`` typed in the workspace's zone, as an ISO date-time with offset."""
    text = (text or "").strip()
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return text  # the service explains what it expects
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment.isoformat()


# Stored values -> raw values (for a form that edits a record) ------------------------------


def raw_from_row(fields: list[FieldSpec], row: dict, zone: ZoneInfo) -> dict[str, object]:
    """The raw form values of a record (``to_api``'s row) for ``fields``."""
    raw: dict[str, object] = {}
    for spec in fields:
        value = row.get(spec.api_name)
        kind = INPUTS.get(spec.type)
        if kind == "checkbox":
            raw[spec.api_name] = bool(value)
        elif kind == "multi":
            raw[spec.api_name] = list(value or [])
        elif kind == "address":
            raw[spec.api_name] = {part: (value or {}).get(part, "") for part in ADDRESS_PARTS}
        elif kind == "datetime-local":
            raw[spec.api_name] = local_datetime(value, zone, for_input=True)
        else:
            raw[spec.api_name] = "" if value is None else str(value)
    return raw


def default_raw(fields: list[FieldSpec], zone: ZoneInfo) -> dict[str, object]:
    """The raw values of an empty form: each field's default, if it has one."""
    return raw_from_row(fields, {spec.api_name: spec.default for spec in fields}, zone)


def local_datetime(value: str | None, zone: ZoneInfo, *, for_input: bool = False) -> str:
    """A stored UTC date-time in the workspace's zone (``YYYY-MM-DDTHH:MM`` for inputs)."""
    if not value:
        return ""
    moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(zone)
    return moment.strftime("%Y-%m-%dT%H:%M" if for_input else "%d %b %Y, %H:%M")


# List filters in the query string ---------------------------------------------------------

# The operators a person picks from, with the service's operator each one stands for.
OPERATOR_LABELS = {
    "eq": _l("is"),
    "ne": _l("is not"),
    "contains": _l("contains"),
    "gt": _l("is more than"),
    "gte": _l("is at least"),
    "lt": _l("is less than"),
    "lte": _l("is at most"),
    "in": _l("is one of (a, b, …)"),
    "empty": _l("is empty"),
    "not_empty": _l("is not empty"),
}


@dataclass(frozen=True)
class FilterRow:
    """One row of the filter form: ``?f=industry&op=eq&v=Retail`` (repeatable)."""

    field: str
    op: str
    value: str

    def to_filter(self) -> Filter:
        if self.op == "empty":
            return Filter(self.field, "is_null", "true")
        if self.op == "not_empty":
            return Filter(self.field, "is_null", "false")
        return Filter(self.field, self.op, self.value)


def filter_rows(args: MultiDict) -> list[FilterRow]:
    fields, ops, values = args.getlist("f"), args.getlist("op"), args.getlist("v")
    rows = []
    for index, name in enumerate(fields):
        if not name:
            continue
        op = ops[index] if index < len(ops) and ops[index] else "eq"
        value = values[index] if index < len(values) else ""
        rows.append(FilterRow(name, op, value.strip()))
    return rows


def default_columns(obj: ObjectSpec, fields: list[FieldSpec], count: int = 5) -> list[str]:
    """The first fields that make good columns, leaving out the text fields that the record's
    title is made of (a company's name, a contact's first and last name)."""
    title_parts = {
        name for name in obj.search_fields if name in obj.fields and obj.fields[name].type == "text"
    }
    names = [
        spec.api_name
        for spec in fields
        if spec.type not in WIDE_TYPES and spec.api_name not in title_parts
    ]
    return names[:count]


def title_sort_field(obj: ObjectSpec) -> str | None:
    """The sortable field that orders records by their title (a contact's last name)."""
    candidates = [
        obj.fields[name]
        for name in obj.search_fields
        if name in obj.fields and obj.fields[name].type == "text"
    ]
    candidates.sort(key=lambda spec: not spec.required)
    for spec in candidates:
        if spec.sort_column:
            return spec.api_name
    return None


# Values shown on pages ----------------------------------------------------------------------


def local_moment(moment: dt.datetime | None, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%d %b %Y, %H:%M") if moment else ""


def _number_text(value) -> str:
    """1234.5 as "1,234.5" (en) or "1,234.5" (zh_Hans): every digit kept, the reader's
    grouping and decimal signs."""
    from babel.numbers import format_decimal

    number = Decimal(str(value)).normalize()
    places = max(0, -number.as_tuple().exponent)
    pattern = "#,##0" + ("." + "0" * places if places else "")
    return format_decimal(number, format=pattern, locale=get_locale() or "en")


def is_money(spec: FieldSpec) -> bool:
    """Whether the field holds an amount of money: a currency field, a formula whose result
    is one (a deal's weighted amount), or a sum, minimum or maximum of currency fields."""
    if spec.type == "currency":
        return True
    if spec.type == "formula":
        return spec.options.get("result_type") == "currency"
    if spec.type == "rollup" and spec.options.get("function") in ("sum", "min", "max"):
        from core.objects.registry import object_for_tenant
        from saas.errors import NotFound

        try:
            related = object_for_tenant(spec.options.get("related_object", ""))
        except NotFound:
            return False
        target = related.fields.get(spec.options.get("related_field", ""))
        return target is not None and target.type == "currency"
    return False


def with_currency_sources(obj: ObjectSpec, names: list[str]) -> list[str]:
    """``names`` and the fields that hold the currency of their amounts (a quote's total is
    in the quote's currency), so that a row read for these columns can show them."""
    sources = [
        obj.fields[name].options.get("currency_field")
        for name in names
        if name in obj.fields and obj.fields[name].options.get("currency_field")
    ]
    return list(dict.fromkeys([*names, *(s for s in sources if s in obj.fields)]))


def display_text(spec: FieldSpec, value, zone: ZoneInfo, row: dict | None = None) -> str:
    """A stored value as a person reads it (links and colours are the template's); amounts
    in the currency of the field, of the record ``row`` or of the workspace."""
    if value is None or value == "" or value == []:
        return ""
    kind = spec.type
    if kind == "boolean":
        return _("Yes") if value else _("No")
    if is_money(spec) and not isinstance(value, bool):
        return format_money(value, currency_of(spec, row))
    # Numbers, dates and moments as the reader's language writes them (Babel), moments in
    # the reader's time zone (theirs, else the workspace's).
    if kind == "percent":
        return f"{_number_text(value)} %"
    if kind in ("number", "formula", "rollup") and isinstance(value, int | float | Decimal):
        return _number_text(value)
    if kind == "date":
        return format_day(value)
    if kind == "datetime":
        return format_moment(value)
    if kind == "multi_picklist":
        return _(", ").join(value)
    if kind == "address":
        return ", ".join(value[part] for part in ADDRESS_PARTS if value.get(part))
    return str(value)
