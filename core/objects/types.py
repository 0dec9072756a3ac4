"""Field types: how a value of each type is checked, normalised, stored and described.

Every write goes through ``FieldType.clean``: nothing untyped reaches storage. Stored values
are JSON-compatible (dates as ISO strings, decimals as strings) so that custom fields can
live in a JSON column; ``slot_kind`` says which typed index column a filterable custom field
of this type is mirrored into.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar
from urllib.parse import urlsplit

from email_validator import EmailNotValidError, validate_email

from core.objects import patterns

_HEX_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")


class FieldValueError(ValueError):
    """The value does not fit the field; the message is for the person who typed it."""


@dataclass(frozen=True)
class FieldType:
    name: ClassVar[str]
    label: ClassVar[str]
    slot_kind: ClassVar[str | None] = None  # "text", "number", "date" or None
    read_only: ClassVar[bool] = False
    # Whether values are text that "contains" can search (not numbers, dates, ids, flags).
    text_like: ClassVar[bool] = False
    options_allowed: ClassVar[frozenset[str]] = frozenset()

    def clean(self, value: Any, options: dict) -> Any:
        """The stored form of ``value`` (None for empty), or FieldValueError."""
        if value is None or value == "":
            return None
        return self._clean(value, options)

    def _clean(self, value: Any, options: dict) -> Any:
        raise NotImplementedError

    def clean_write(self, value: Any, options: dict, current: Any = None) -> Any:
        """The stored form of ``value`` written over ``current`` (the record's stored value;
        None on create), or FieldValueError. Stricter than ``clean`` where a value may stay
        on a record but not be chosen anew (an inactive picklist value)."""
        return self.clean(value, options)

    def values_affected(self, old_options: dict, new_options: dict) -> bool:
        """Whether stored values must be checked (and maybe converted) when the options of
        a field of this type change from ``old_options`` to ``new_options``."""
        return old_options != new_options

    def json_schema(self, options: dict) -> dict:
        return {"type": "string"}

    def slot_value(self, stored: Any) -> Any:
        """The value to mirror into a typed slot column for filtering and sorting."""
        return stored

    def to_column(self, stored: Any) -> Any:
        """The Python value for a model column of this type (standard fields)."""
        return stored

    def from_column(self, value: Any) -> Any:
        """The stored (JSON) form of a model column's value."""
        return value

    def check_options(self, options: dict) -> dict:
        """The type-specific options, checked; FieldValueError names what is wrong."""
        unknown = set(options) - self.options_allowed
        if unknown:
            names = ", ".join(sorted(unknown))
            raise FieldValueError(f"Unknown options for a {self.name} field: {names}.")
        for key, value in options.items():
            check = self.option_checks().get(key)
            if check is not None and value is not None:
                problem = check(value)
                if problem:
                    raise FieldValueError(f"The option {key}: {problem}")
        low, high = options.get("min"), options.get("max")
        if low is not None and high is not None and _comparable(low) > _comparable(high):
            raise FieldValueError("The minimum is above the maximum.")
        return options

    def option_checks(self) -> dict:
        """Option name -> a function that returns what is wrong with a value (or None)."""
        return _OPTION_CHECKS


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _whole_problem(value) -> str | None:
    if not _is_number(value) or value != int(value) or not 0 <= value <= 100_000:
        return "give a whole number from 0 to 100000."
    return None


def _number_problem(value) -> str | None:
    if not _is_number(value) or value != value or abs(value) >= 1e15:
        return "give a number."
    return None


def _scale_problem(value) -> str | None:
    if not _is_number(value) or value != int(value) or not 0 <= value <= 10:
        return "give a whole number of decimal places from 0 to 10."
    return None


def _regex_problem(value) -> str | None:
    if not isinstance(value, str):
        return "give a regular expression."
    problem = patterns.pattern_problem(value)
    return problem[:1].lower() + problem[1:] if problem else None


def _short_text_problem(value) -> str | None:
    if not isinstance(value, str) or len(value) > 200:
        return "give a text of at most 200 characters."
    return None


def _currency_problem(value) -> str | None:
    if not isinstance(value, str) or not re.fullmatch(r"[A-Z]{3}", value):
        return "give a three-letter currency code such as EUR."
    return None


def _date_problem(value) -> str | None:
    try:
        dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        return "give a date as YYYY-MM-DD."
    return None


def _comparable(value):
    return Decimal(str(value)) if _is_number(value) else str(value)


_OPTION_CHECKS = {
    "max_length": _whole_problem,
    "min_length": _whole_problem,
    "regex": _regex_problem,
    "regex_message": _short_text_problem,
    "min": _number_problem,
    "max": _number_problem,
    "scale": _scale_problem,
    "currency": _currency_problem,
    "target": _short_text_problem,
    "expression": lambda v: None if isinstance(v, str) else "give the formula as text.",
    "result_type": _short_text_problem,
    "function": _short_text_problem,
    "related_object": _short_text_problem,
    "related_field": _short_text_problem,
    "via": _short_text_problem,
}
_DATE_OPTION_CHECKS = {**_OPTION_CHECKS, "min": _date_problem, "max": _date_problem}


def _text(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int, float, Decimal)):
        raise FieldValueError("Enter text.")
    text = str(value)
    if "\x00" in text:
        # PostgreSQL cannot store it in text; refused here for every caller, not only HTTP.
        raise FieldValueError("Remove the NUL character (\\u0000): it cannot be stored.")
    return text


def _length_checked(text: str, options: dict, default_max: int) -> str:
    max_length = int(options.get("max_length") or default_max)
    if len(text) > max_length:
        raise FieldValueError(f"Use at most {max_length} characters.")
    min_length = options.get("min_length")
    if min_length and len(text) < int(min_length):
        raise FieldValueError(f"Use at least {min_length} characters.")
    return text


class TextType(FieldType):
    name = "text"
    label = "Text"
    text_like = True
    slot_kind = "text"
    options_allowed = frozenset({"max_length", "min_length", "regex", "regex_message"})

    def _clean(self, value, options):
        text = _text(value).strip()
        if "\n" in text or "\r" in text:
            raise FieldValueError("Use one line.")
        text = _length_checked(text, options, 255)
        pattern = options.get("regex")
        if pattern and not _matches(pattern, text):
            raise FieldValueError(
                options.get("regex_message") or "This value has the wrong format."
            )
        return text or None

    def json_schema(self, options):
        return {"type": "string", "maxLength": int(options.get("max_length") or 255)}


def _matches(pattern: str, text: str) -> bool:
    """``text`` fits the admin's format rule (run by RE2: linear time, no ReDoS). A rule
    saved before RE2 that RE2 cannot run refuses the value with a message, not a crash."""
    try:
        return patterns.fullmatch(pattern, text)
    except patterns.PatternError:
        raise FieldValueError(
            "This field's format rule can no longer be checked (it uses a pattern feature "
            "that is not supported). Ask an admin to change the field's pattern."
        ) from None


class LongTextType(FieldType):
    name = "long_text"
    label = "Long text"
    text_like = True
    options_allowed = frozenset({"max_length"})

    def _clean(self, value, options):
        return _length_checked(_text(value).strip(), options, 32_000) or None

    def json_schema(self, options):
        return {"type": "string", "maxLength": int(options.get("max_length") or 32_000)}


class RichTextType(LongTextType):
    """Stored as given; rendered through the sanitiser, never as raw HTML."""

    name = "rich_text"
    label = "Rich text"


class NumberType(FieldType):
    name = "number"
    label = "Number"
    slot_kind = "number"
    options_allowed = frozenset({"min", "max", "scale"})

    def _number(self, value, options) -> Decimal:
        if isinstance(value, bool):
            raise FieldValueError("Enter a number.")
        text = value.strip().replace(",", "") if isinstance(value, str) else str(value)
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise FieldValueError("Enter a number.") from None
        if not number.is_finite():
            raise FieldValueError("Enter a number.")
        if abs(number) >= Decimal("1e15"):
            raise FieldValueError("This number is too large.")
        if options.get("min") is not None and number < Decimal(str(options["min"])):
            raise FieldValueError(f"Enter {options['min']} or more.")
        if options.get("max") is not None and number > Decimal(str(options["max"])):
            raise FieldValueError(f"Enter {options['max']} or less.")
        scale = options.get("scale")
        if scale is not None:
            number = number.quantize(Decimal(1).scaleb(-int(scale)))
        return number

    def _clean(self, value, options):
        number = self._number(value, options)
        if number == number.to_integral_value() and options.get("scale") in (None, 0):
            return int(number)
        return float(number)

    def json_schema(self, options):
        schema: dict = {"type": "number"}
        if options.get("min") is not None:
            schema["minimum"] = options["min"]
        if options.get("max") is not None:
            schema["maximum"] = options["max"]
        return schema

    def slot_value(self, stored):
        # A float: number slots are double precision (see core.objects.models).
        return None if stored is None else float(Decimal(str(stored)))

    def to_column(self, stored):
        if stored is None or isinstance(stored, int):
            return stored
        return Decimal(str(stored))

    def from_column(self, value):
        if value is None:
            return None
        number = Decimal(str(value))
        return int(number) if number == number.to_integral_value() else float(number)


class CurrencyType(NumberType):
    """An amount with two decimals in the field's (or tenant's) currency."""

    name = "currency"
    label = "Currency"
    options_allowed = frozenset({"min", "max", "currency"})

    def _clean(self, value, options):
        if isinstance(value, dict):
            currency = value.get("currency")
            if currency and options.get("currency") and currency != options["currency"]:
                raise FieldValueError(f"Amounts here are in {options['currency']}.")
            value = value.get("amount")
            if value is None or value == "":
                return None
        number = self._number(value, options).quantize(Decimal("0.01"))
        return str(number)

    def from_column(self, value):
        return None if value is None else str(Decimal(str(value)).quantize(Decimal("0.01")))

    def json_schema(self, options):
        # Answered as a string with two decimals ("19.99"); accepted as that, as a number,
        # or as {"amount": ..., "currency": ...}.
        number = super().json_schema(options)
        return {
            "anyOf": [
                {"type": "string", "pattern": r"^-?[0-9]+(\.[0-9]+)?$"},
                number,
                {
                    "type": "object",
                    "properties": {
                        "amount": {"anyOf": [{"type": "string"}, number, {"type": "null"}]},
                        "currency": {"type": "string"},
                    },
                    "additionalProperties": False,
                },
            ],
            "description": "An amount, answered as a string with two decimals.",
        }


class PercentType(NumberType):
    name = "percent"
    label = "Percent"
    options_allowed = frozenset({"min", "max", "scale"})

    def _clean(self, value, options):
        options = {"min": 0, "max": 100, **options}
        return super()._clean(value, options)


class DateType(FieldType):
    name = "date"
    label = "Date"
    slot_kind = "date"
    options_allowed = frozenset({"min", "max"})

    def option_checks(self):
        return _DATE_OPTION_CHECKS

    def _clean(self, value, options):
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, dt.date):
            date = value
        else:
            try:
                date = dt.date.fromisoformat(_text(value).strip())
            except ValueError:
                raise FieldValueError("Enter a date as YYYY-MM-DD.") from None
        if options.get("min") and date < dt.date.fromisoformat(options["min"]):
            raise FieldValueError(f"Enter {options['min']} or later.")
        if options.get("max") and date > dt.date.fromisoformat(options["max"]):
            raise FieldValueError(f"Enter {options['max']} or earlier.")
        return date.isoformat()

    def json_schema(self, options):
        return {"type": "string", "format": "date"}

    def slot_value(self, stored):
        return None if stored is None else dt.date.fromisoformat(stored)

    def to_column(self, stored):
        return self.slot_value(stored)

    def from_column(self, value):
        return None if value is None else value.isoformat()


class DateTimeType(FieldType):
    name = "datetime"
    label = "Date and time"
    slot_kind = "date"

    def _clean(self, value, options):
        if isinstance(value, dt.datetime):
            moment = value
        else:
            text = _text(value).strip().replace("Z", "+00:00")
            try:
                moment = dt.datetime.fromisoformat(text)
            except ValueError:
                raise FieldValueError(
                    "Enter a date and time as YYYY-MM-DDTHH:MM:SS+00:00."
                ) from None
        if moment.tzinfo is None:
            raise FieldValueError("Give the time zone, e.g. 2026-01-31T09:00:00+01:00.")
        return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")

    def json_schema(self, options):
        return {"type": "string", "format": "date-time"}

    def slot_value(self, stored):
        if stored is None:
            return None
        return dt.datetime.fromisoformat(stored.replace("Z", "+00:00")).date()

    def to_column(self, stored):
        if stored is None:
            return None
        return dt.datetime.fromisoformat(stored.replace("Z", "+00:00"))

    def from_column(self, value):
        if value is None:
            return None
        return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


class BooleanType(FieldType):
    name = "boolean"
    label = "Checkbox"
    slot_kind = "text"
    TRUE = frozenset({"true", "1", "yes", "on"})
    FALSE = frozenset({"false", "0", "no", "off"})

    def clean(self, value, options):
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            return value
        if isinstance(value, (str, int)) and str(value).strip().lower() in self.TRUE:
            return True
        if isinstance(value, (str, int)) and str(value).strip().lower() in self.FALSE:
            return False
        raise FieldValueError("Enter true or false.")

    def json_schema(self, options):
        return {"type": "boolean"}

    def slot_value(self, stored):
        return None if stored is None else ("true" if stored else "false")


def picklist_values(options: dict, *, include_inactive: bool = False) -> list[str]:
    return [
        v["value"] for v in options.get("values", []) if include_inactive or not v.get("inactive")
    ]


def _no_longer_offered(value: str, options: dict) -> FieldValueError:
    offered = ", ".join(picklist_values(options)) or "none"
    return FieldValueError(f"{value!r} is no longer offered; choose one of: {offered}.")


class PicklistType(FieldType):
    """One value of a list. Values may be made inactive: records keep (and filter on) the
    ones they hold, but nobody can choose them anew (``clean_write``)."""

    name = "picklist"
    label = "Picklist"
    text_like = True
    slot_kind = "text"
    options_allowed = frozenset({"values"})

    def _clean(self, value, options):
        text = _text(value).strip()
        if text not in picklist_values(options, include_inactive=True):
            allowed = ", ".join(picklist_values(options)) or "none defined"
            raise FieldValueError(f"Choose one of: {allowed}.")
        return text

    def clean_write(self, value, options, current=None):
        cleaned = self.clean(value, options)
        if cleaned is not None and cleaned != current and cleaned not in picklist_values(options):
            raise _no_longer_offered(cleaned, options)
        return cleaned

    def values_affected(self, old_options, new_options):
        # Order, colours and inactive flags never change what a record may hold; only a
        # value taken off the list does.
        kept = set(picklist_values(new_options, include_inactive=True))
        return any(v not in kept for v in picklist_values(old_options, include_inactive=True))

    def json_schema(self, options):
        return {"type": "string", "enum": picklist_values(options, include_inactive=True)}

    def check_options(self, options):
        super().check_options(options)
        values = options.get("values")
        if not isinstance(values, list) or not values:
            raise FieldValueError("A picklist needs at least one value.")
        seen = set()
        for entry in values:
            value = entry.get("value") if isinstance(entry, dict) else None
            if not isinstance(value, str) or not value.strip() or value != value.strip():
                raise FieldValueError(
                    'Give each picklist value as {"value": "...", "color": "#hex"}, '
                    "without spaces around it."
                )
            extra = set(entry) - {"value", "color", "inactive"}
            if extra:
                raise FieldValueError(
                    f"Unknown properties of the value {value!r}: {', '.join(sorted(extra))}."
                )
            if not isinstance(entry.get("inactive", False), bool):
                raise FieldValueError(f"Give inactive as true or false for {value!r}.")
            color = entry.get("color")
            if color is not None and not (isinstance(color, str) and _HEX_COLOR.match(color)):
                raise FieldValueError(f"Give the colour of {value!r} as a code such as #1570ef.")
            if value in seen:
                raise FieldValueError(f"The value {value!r} is listed twice.")
            seen.add(value)
        if not picklist_values(options):
            raise FieldValueError("Keep at least one value active.")
        return options


class MultiPicklistType(PicklistType):
    name = "multi_picklist"
    label = "Multi-select picklist"
    slot_kind = None

    def _clean(self, value, options):
        if isinstance(value, str):
            value = [part.strip() for part in value.split(";") if part.strip()]
        if not isinstance(value, list):
            raise FieldValueError("Give a list of values.")
        allowed = picklist_values(options, include_inactive=True)
        chosen = []
        for item in value:
            if item not in allowed:
                raise FieldValueError(f"Choose among: {', '.join(picklist_values(options))}.")
            if item not in chosen:
                chosen.append(item)
        return chosen or None

    def clean_write(self, value, options, current=None):
        cleaned = self.clean(value, options)
        held = current if isinstance(current, list) else []
        active = picklist_values(options)
        for item in cleaned or []:
            if item not in held and item not in active:
                raise _no_longer_offered(item, options)
        return cleaned

    def json_schema(self, options):
        values = picklist_values(options, include_inactive=True)
        return {"type": "array", "items": {"type": "string", "enum": values}}


class EmailType(FieldType):
    name = "email"
    label = "E-mail"
    text_like = True
    slot_kind = "text"

    def _clean(self, value, options):
        text = _text(value).strip()
        if len(text) > 254:
            raise FieldValueError("That e-mail address is too long.")
        try:
            checked = validate_email(text, check_deliverability=False, globally_deliverable=False)
            return checked.normalized.lower()
        except EmailNotValidError as exc:
            raise FieldValueError(f"That e-mail address is not valid: {exc}") from None

    def json_schema(self, options):
        return {"type": "string", "format": "email"}


class PhoneType(FieldType):
    name = "phone"
    label = "Phone"
    text_like = True
    slot_kind = "text"
    _ALLOWED = re.compile(r"^\+?[0-9 ().\-/]{3,40}(?:\s*(?:x|ext\.?)\s*[0-9]{1,6})?$")

    def _clean(self, value, options):
        text = " ".join(_text(value).split())
        if not self._ALLOWED.match(text) or sum(c.isdigit() for c in text) < 3:
            raise FieldValueError("Enter a phone number, e.g. +44 20 7946 0958.")
        return text


class UrlType(FieldType):
    name = "url"
    label = "URL"
    text_like = True
    slot_kind = "text"

    def _clean(self, value, options):
        text = _text(value).strip()
        if "://" not in text:
            text = "https://" + text
        parts = urlsplit(text)
        host = parts.hostname or ""
        if parts.scheme not in ("http", "https") or "." not in host or len(text) > 2000:
            raise FieldValueError("Enter a web address, e.g. https://example.com.")
        return text

    def json_schema(self, options):
        return {"type": "string", "format": "uri"}


class LookupType(FieldType):
    """A reference to a record of another object (``options.target``); checked by the service."""

    name = "lookup"
    label = "Lookup"
    slot_kind = "text"
    options_allowed = frozenset({"target"})

    def _clean(self, value, options):
        if isinstance(value, dict):
            value = value.get("id")
        try:
            return str(uuid.UUID(str(value)))
        except ValueError:
            raise FieldValueError("Give the id of a record.") from None

    def json_schema(self, options):
        return {"type": "string", "format": "uuid", "x-target": options.get("target")}

    def to_column(self, stored):
        return None if stored is None else uuid.UUID(stored)

    def from_column(self, value):
        return None if value is None else str(value)

    def check_options(self, options):
        if not options.get("target"):
            raise FieldValueError("A lookup needs a target object.")
        return super().check_options(options)


class UserType(LookupType):
    name = "user"
    label = "User"
    options_allowed = frozenset()

    def check_options(self, options):
        return FieldType.check_options(self, options)


ADDRESS_PARTS = ("street", "city", "state", "postal_code", "country")


class AddressType(FieldType):
    name = "address"
    label = "Address"

    def _clean(self, value, options):
        if not isinstance(value, dict):
            raise FieldValueError("Give the address as street, city, state, postal_code, country.")
        unknown = set(value) - set(ADDRESS_PARTS)
        if unknown:
            raise FieldValueError(f"Unknown address parts: {', '.join(sorted(unknown))}.")
        cleaned = {}
        for part in ADDRESS_PARTS:
            text = value.get(part)
            if text in (None, ""):
                continue
            text = " ".join(_text(text).split())
            if len(text) > 200:
                raise FieldValueError(f"The {part.replace('_', ' ')} is too long.")
            cleaned[part] = text
        return cleaned or None

    def json_schema(self, options):
        return {
            "type": "object",
            "properties": {part: {"type": "string"} for part in ADDRESS_PARTS},
            "additionalProperties": False,
        }


class FormulaType(FieldType):
    """Read-only: computed from other fields of the record (``options.expression``)."""

    name = "formula"
    label = "Formula"
    read_only = True
    options_allowed = frozenset({"expression", "result_type"})

    def clean(self, value, options):
        raise FieldValueError("This field is calculated and cannot be set.")

    def json_schema(self, options):
        return {"readOnly": True}


class RollupType(FieldType):
    """Read-only: count, sum, min or max over related records."""

    name = "rollup"
    label = "Roll-up summary"
    read_only = True
    options_allowed = frozenset({"function", "related_object", "related_field", "via"})

    def clean(self, value, options):
        raise FieldValueError("This field is calculated and cannot be set.")

    def json_schema(self, options):
        return {"readOnly": True, "type": "number"}


FIELD_TYPES: dict[str, FieldType] = {
    cls.name: cls()
    for cls in (
        TextType,
        LongTextType,
        RichTextType,
        NumberType,
        CurrencyType,
        PercentType,
        DateType,
        DateTimeType,
        BooleanType,
        PicklistType,
        MultiPicklistType,
        EmailType,
        PhoneType,
        UrlType,
        LookupType,
        UserType,
        AddressType,
        FormulaType,
        RollupType,
    )
}
