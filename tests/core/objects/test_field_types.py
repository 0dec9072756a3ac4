"""Every field type accepts what it should, refuses the rest, and stores typed values."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.objects.types import FIELD_TYPES, FieldValueError

PICK = {"values": [{"value": "Gold"}, {"value": "Silver"}, {"value": "Old", "inactive": True}]}


def clean(type_name, value, options=None):
    return FIELD_TYPES[type_name].clean(value, options or {})


@pytest.mark.parametrize(
    ("type_name", "value", "options", "stored"),
    [
        ("text", "  Hello  ", {}, "Hello"),
        ("text", 42, {}, "42"),
        ("text", "AB-12", {"regex": r"[A-Z]{2}-\d+"}, "AB-12"),
        ("long_text", "line one\nline two", {}, "line one\nline two"),
        ("rich_text", "<p>Hi</p>", {}, "<p>Hi</p>"),
        ("number", "1,234", {}, 1234),
        ("number", 2.5, {}, 2.5),
        ("number", "3.14159", {"scale": 2}, 3.14),
        ("currency", "19.999", {}, "20.00"),
        ("currency", {"amount": "5", "currency": "EUR"}, {"currency": "EUR"}, "5.00"),
        ("percent", "55.5", {}, 55.5),
        ("date", "2026-02-28", {}, "2026-02-28"),
        ("date", dt.date(2020, 1, 1), {}, "2020-01-01"),
        ("datetime", "2026-02-28T10:00:00+01:00", {}, "2026-02-28T09:00:00Z"),
        ("boolean", "yes", {}, True),
        ("boolean", 0, {}, False),
        ("picklist", "Gold", PICK, "Gold"),
        ("multi_picklist", ["Gold", "Silver", "Gold"], PICK, ["Gold", "Silver"]),
        ("multi_picklist", "Gold; Silver", PICK, ["Gold", "Silver"]),
        ("email", "Ana@Example.COM", {}, "ana@example.com"),
        ("phone", "+44 20 7946 0958", {}, "+44 20 7946 0958"),
        ("url", "example.com/path", {}, "https://example.com/path"),
        (
            "lookup",
            "01a20777-c2d7-7571-bbcb-b383aa9c6385",
            {"target": "companies"},
            "01a20777-c2d7-7571-bbcb-b383aa9c6385",
        ),
        ("address", {"city": " Lisbon ", "country": "PT"}, {}, {"city": "Lisbon", "country": "PT"}),
        ("text", "", {}, None),
        ("number", None, {}, None),
    ],
)
def test_accepts_and_normalises(type_name, value, options, stored):
    assert clean(type_name, value, options) == stored


@pytest.mark.parametrize(
    ("type_name", "value", "options", "message"),
    [
        ("text", "x" * 256, {}, "at most 255"),
        ("text", "two\nlines", {}, "one line"),
        ("text", "ab-12", {"regex": r"[A-Z]{2}-\d+"}, "wrong format"),
        ("text", ["list"], {}, "Enter text"),
        ("long_text", "x" * 32_001, {}, "at most 32000"),
        ("number", "abc", {}, "Enter a number"),
        ("number", True, {}, "Enter a number"),
        ("number", "NaN", {}, "Enter a number"),
        ("number", "1e20", {}, "too large"),
        ("number", 5, {"min": 10}, "10 or more"),
        ("number", 50, {"max": 10}, "10 or less"),
        ("currency", {"amount": "5", "currency": "USD"}, {"currency": "EUR"}, "in EUR"),
        ("percent", 101, {}, "100 or less"),
        ("date", "28/02/2026", {}, "YYYY-MM-DD"),
        ("date", "2026-02-30", {}, "YYYY-MM-DD"),
        ("date", "2019-12-31", {"min": "2020-01-01"}, "or later"),
        ("datetime", "2026-02-28T10:00:00", {}, "time zone"),
        ("boolean", "maybe", {}, "true or false"),
        ("picklist", "Bronze", PICK, "Choose one of"),
        ("multi_picklist", ["Gold", "Bronze"], PICK, "Choose among"),
        ("multi_picklist", 5, PICK, "list"),
        ("email", "not-an-email", {}, "not valid"),
        ("phone", "call me", {}, "phone number"),
        ("url", "ftp://example.com", {}, "web address"),
        ("url", "https://localhost", {}, "web address"),
        ("lookup", "not-a-uuid", {"target": "companies"}, "id of a record"),
        ("address", "Main St 1", {}, "street, city"),
        ("address", {"planet": "Mars"}, {}, "Unknown address parts"),
        ("formula", 5, {}, "calculated"),
        ("rollup", 5, {}, "calculated"),
    ],
)
def test_refuses_with_a_clear_message(type_name, value, options, message):
    with pytest.raises(FieldValueError, match=message):
        clean(type_name, value, options)


def test_an_inactive_picklist_value_is_kept_but_not_chosen_anew():
    """Stored and filtered as any value (``clean``); refused as a new choice (``clean_write``)
    unless the record already holds it."""
    picklist, multi = FIELD_TYPES["picklist"], FIELD_TYPES["multi_picklist"]
    assert picklist.clean("Old", PICK) == "Old"
    assert picklist.clean_write("Old", PICK, "Old") == "Old"
    with pytest.raises(FieldValueError, match="no longer offered; choose one of: Gold, Silver"):
        picklist.clean_write("Old", PICK, "Gold")
    with pytest.raises(FieldValueError, match="no longer offered"):
        picklist.clean_write("Old", PICK, None)
    assert multi.clean_write(["Old", "Gold"], PICK, ["Old"]) == ["Old", "Gold"]
    with pytest.raises(FieldValueError, match="'Old' is no longer offered"):
        multi.clean_write(["Gold", "Old"], PICK, ["Gold"])


@given(st.decimals(min_value=Decimal("-1e14"), max_value=Decimal("1e14"), places=2))
def test_currency_round_trips_through_its_column(amount):
    field = FIELD_TYPES["currency"]
    stored = field.clean(str(amount), {})
    assert Decimal(stored) == amount
    assert field.from_column(field.to_column(stored)) == stored


@given(st.dates())
def test_dates_round_trip(date):
    field = FIELD_TYPES["date"]
    stored = field.clean(date.isoformat(), {})
    assert field.to_column(stored) == date and field.from_column(date) == stored


@given(st.text(max_size=300))
def test_text_never_stores_more_than_its_limit_or_a_newline(text):
    try:
        stored = clean("text", text)
    except FieldValueError:
        return
    assert stored is None or (len(stored) <= 255 and "\n" not in stored)


@given(st.one_of(st.integers(), st.floats(allow_nan=True, allow_infinity=True), st.text()))
def test_number_stores_only_finite_numbers(value):
    try:
        stored = clean("number", value)
    except FieldValueError:
        return
    assert stored is None or isinstance(stored, int | float)


def test_every_type_is_covered():
    assert set(FIELD_TYPES) == {
        "text",
        "long_text",
        "rich_text",
        "number",
        "currency",
        "percent",
        "date",
        "datetime",
        "boolean",
        "picklist",
        "multi_picklist",
        "email",
        "phone",
        "url",
        "lookup",
        "user",
        "address",
        "formula",
        "rollup",
    }
