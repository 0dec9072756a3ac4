"""Amounts in the corporate currency, kept beside the amounts themselves (decision 0022).

An object declares a corporate value with a read-only currency field (a column of its
own, in the workspace's currency) whose options name what it converts::

    FieldSpec("amount_corporate", "Amount (corporate currency)", "currency",
              {"corporate_value_of": "amount", "rate_date": ("close_date", "created_at")},
              column="amount_corporate", system=True)

``corporate_value_of`` is a currency field whose ``currency_field`` option names the field
holding the record's currency; ``rate_date`` the fields whose first value is the record's
date (the rate of that day converts it; ``created_at`` counts as a date). Because the
value is an ordinary stored currency field, lists, filters, sorting, roll-ups, formulas,
board totals and exports use it like any other.

The object's ``before_write`` calls :func:`fill` (the amount rounded to its currency's
minor units, the corporate value computed in the same write); a change of the rates calls
:func:`revalue` for the currencies it touched, which recomputes every record in them in the
same transaction, so a rate and the values computed from it are never out of step.
Revaluing does not change a record's version, ``updated_at`` or history: the record did not
change, the rate did.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import bindparam, select

from core.currencies import services
from core.objects.registry import FieldSpec, ObjectSpec, standard_objects
from saas.db import db
from tenants.scoping import require_tenant_id
from tenants.settings import workspace_settings, zone_of


@dataclass(frozen=True)
class Conversion:
    """One corporate value of an object: which field, of which amount, in which currency
    field, on which date."""

    target: FieldSpec
    amount: FieldSpec
    currency: FieldSpec
    dates: tuple[str, ...]


def conversions(obj: ObjectSpec) -> list[Conversion]:
    found = []
    for spec in obj.fields.values():
        source = (spec.options or {}).get("corporate_value_of")
        if not source:
            continue
        amount = obj.fields[source]
        currency = obj.fields[amount.options["currency_field"]]
        dates = tuple(spec.options.get("rate_date") or ("created_at",))
        found.append(Conversion(spec, amount, currency, dates))
    return found


def _day(value, zone) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return (value if value.tzinfo else value.replace(tzinfo=dt.UTC)).astimezone(zone).date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and value:
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def record_day(conversion: Conversion, values: dict, zone=None) -> dt.date:
    """The record's date for ``conversion``: its first date field with a value, else today
    where the workspace is."""
    zone = zone or zone_of(workspace_settings())
    for name in conversion.dates:
        day = _day(values.get(name), zone)
        if day is not None:
            return day
    from saas import clock

    return clock.today(zone)


def _current(obj: ObjectSpec, record, spec: FieldSpec):
    if record is None or spec.column is None:
        return None
    return getattr(record, spec.column, None)


def fill(obj: ObjectSpec | str, record, cleaned: dict) -> None:
    """For a write of ``cleaned`` to ``record`` (None: a new one) of ``obj`` (a spec or an
    object's name): fill in the record's currency (the corporate one when none is given),
    check it is enabled (unless the object's rules set it, as a quote's from its price
    book), round its amounts to the currency's minor units, and set every corporate value.
    Call it from the object's ``before_write``, after its own rules."""
    if isinstance(obj, str):
        obj = standard_objects()[obj]
    for conversion in conversions(obj):
        names = [conversion.amount.api_name, conversion.currency.api_name, *conversion.dates]
        values = {
            name: cleaned[name] if name in cleaned else _current(obj, record, obj.fields[name])
            for name in names
            if name in obj.fields
        }
        if record is not None and "created_at" in conversion.dates:
            values.setdefault("created_at", record.created_at)
        currency_name = conversion.currency.api_name
        code = values.get(currency_name)
        if conversion.currency.system:
            code = code or services.corporate_currency()
        elif record is None or currency_name in cleaned:
            code = (
                services.require_enabled(code, field=currency_name)
                if code
                else services.corporate_currency()
            )
            cleaned[currency_name] = code
        amount = values.get(conversion.amount.api_name)
        if amount is not None and conversion.amount.api_name in cleaned:
            amount = services.round_money(amount, code)
            cleaned[conversion.amount.api_name] = str(amount.quantize(Decimal("0.01")))
        value = services.to_corporate(amount, code, record_day(conversion, values))
        cleaned[conversion.target.api_name] = None if value is None else str(value)


def revalue(codes: Iterable[str]) -> int:
    """Recompute the corporate value of every record (in the recycle bin too) whose amount
    is in one of ``codes``, at the rates as they are now. Returns how many values changed."""
    codes = set(codes)
    if not codes:
        return 0
    return _revalue(lambda column: column.in_(sorted(codes)))


def revalue_all() -> int:
    """Recompute every corporate value (the corporate currency changed)."""
    return _revalue(lambda column: column.is_not(None))


def _revalue(condition) -> int:
    tenant_id = require_tenant_id()
    zone = zone_of(workspace_settings())
    changed = 0
    for obj in standard_objects().values():
        for conversion in conversions(obj):
            changed += _revalue_object(obj, conversion, condition, tenant_id, zone)
    return changed


def _revalue_object(obj, conversion: Conversion, condition, tenant_id, zone) -> int:
    model = obj.model
    mapper = model.__mapper__
    date_names = [n for n in conversion.dates if n in obj.fields or n == "created_at"]
    date_columns = [
        getattr(model, obj.fields[n].column if n in obj.fields else n) for n in date_names
    ]
    amount = getattr(model, conversion.amount.column)
    currency = getattr(model, conversion.currency.column)
    target = getattr(model, conversion.target.column)
    rows = db.session.execute(
        select(model.id, amount, currency, target, *date_columns).where(condition(currency))
    ).all()
    updates = []
    for row in rows:
        record_id, value, code, before, *days = row
        day = record_day(conversion, dict(zip(date_names, days, strict=True)), zone)
        after = services.to_corporate(value, code, day)
        if (before is None) != (after is None) or (
            after is not None and Decimal(str(before)) != after
        ):
            updates.append({"_tenant": tenant_id, "_id": record_id, "_value": after})
    if updates:
        table = model.__table__
        column = mapper.columns[conversion.target.column]
        statement = (
            table.update()
            .where(table.c.tenant_id == bindparam("_tenant"), table.c.id == bindparam("_id"))
            .values({column.name: bindparam("_value")})
        )
        db.session.execute(statement, updates)
    return len(updates)
