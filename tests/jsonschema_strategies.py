"""Hypothesis strategies for the JSON Schema subset our OpenAPI document uses (the field
types' ``json_schema``): types, enum, const, anyOf, formats, bounds, lengths, arrays and
objects. Mostly valid values, with the edges (empty, long, unicode, extremes) included."""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=40,
)
_FORMATS = {
    "date": st.dates(min_value=dt.date(1, 1, 1)).map(dt.date.isoformat),
    "date-time": st.datetimes(timezones=st.just(dt.UTC)).map(lambda d: d.isoformat()),
    "email": st.emails().map(str),
    "uri": st.sampled_from(["https://example.com", "http://a.example/b?c=1", "ftp://x"]),
    "uuid": st.uuids().map(str),
}


def from_schema(schema: dict) -> st.SearchStrategy:
    if "const" in schema:
        return st.just(schema["const"])
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    if "anyOf" in schema:
        return st.one_of([from_schema(part) for part in schema["anyOf"]])
    kind = schema.get("type")
    if isinstance(kind, list):
        return st.one_of([from_schema({**schema, "type": one}) for one in kind])
    if kind == "null":
        return st.none()
    if kind == "boolean":
        return st.booleans()
    if kind in ("number", "integer"):
        low, high = schema.get("minimum"), schema.get("maximum")
        integers = st.integers(
            min_value=int(low) if low is not None else -(10**16),
            max_value=int(high) if high is not None else 10**16,
        )
        if kind == "integer":
            return integers
        floats = st.floats(
            min_value=low, max_value=high, allow_nan=False, allow_infinity=False
        ).map(lambda x: round(x, 4))
        return st.one_of(integers, floats)
    if kind == "string":
        if schema.get("format") in _FORMATS:
            return _FORMATS[schema["format"]]
        return _TEXT.filter(lambda text: len(text) <= schema.get("maxLength", 10**6))
    if kind == "array":
        return st.lists(from_schema(schema.get("items", {})), max_size=4)
    if kind == "object" or "properties" in schema:
        properties = schema.get("properties", {})
        required = [name for name in schema.get("required", []) if name in properties]
        optional = [name for name in properties if name not in required]
        return st.fixed_dictionaries(
            {name: from_schema(properties[name]) for name in required},
            optional={name: from_schema(properties[name]) for name in optional},
        )
    return st.one_of(st.none(), st.booleans(), st.integers(), _TEXT)
