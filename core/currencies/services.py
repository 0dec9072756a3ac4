"""Currencies and exchange rates: which currencies a workspace works in, what one unit of
each is worth in the corporate currency on a given day, and amounts converted and rounded
to a currency's minor units. Everything here is Decimal, never float. Writes flush, never
commit, and are logged in the security log.

An exchange rate of ``currency`` valid from a date holds until the next rate of the same
currency; the rate of a day is the one with the latest ``valid_from`` on or before it. The
corporate currency's rate is 1 on every day. A day before a currency's first rate has no
rate, and an amount on it no corporate value (None, never a guess).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from babel.numbers import get_currency_name, get_currency_precision, is_currency
from sqlalchemy import select

from core.currencies.models import RATE_DECIMALS, RATE_DIGITS, ExchangeRate, TenantCurrency
from core.objects.money import workspace_currency
from saas import security_log
from saas.db import db
from saas.errors import Conflict, NotFound, ValidationFailed
from saas.i18n import _, current_locale
from tenants.settings import update_settings

# A CSV file of rates: at most this many rows in one import (one file, one transaction).
MAX_IMPORT_ROWS = 5000
IMPORT_COLUMNS = ("currency", "valid_from", "rate")
_MAX_RATE = Decimal(10) ** (RATE_DIGITS - RATE_DECIMALS)


@dataclass(frozen=True)
class CurrencyInfo:
    code: str
    name: str
    digits: int
    corporate: bool

    def to_api(self) -> dict:
        return {
            "code": self.code,
            "name": self.name,
            "digits": self.digits,
            "corporate": self.corporate,
        }


def corporate_currency() -> str:
    """The workspace's corporate (reporting) currency: its settings' ``currency``."""
    return workspace_currency()


def minor_units(code: str) -> int:
    """How many decimals amounts in ``code`` have (ISO 4217, from Babel's CLDR data): JPY 0,
    CNY 2, KWD 3."""
    return get_currency_precision(code)


def round_money(amount: Decimal | int | str, code: str) -> Decimal:
    """``amount`` rounded to the minor units of ``code``, half away from zero (commercial
    rounding: 0.005 CNY is 0.01)."""
    return Decimal(str(amount)).quantize(Decimal(1).scaleb(-minor_units(code)), ROUND_HALF_UP)


def clean_code(value, *, field: str = "currency") -> str:
    """``value`` as an ISO 4217 code Babel knows (``hkd`` -> ``HKD``), or a 422 that says so."""
    code = value.strip().upper() if isinstance(value, str) else ""
    if len(code) != 3 or not code.isascii() or not code.isalpha() or not is_currency(code):
        raise ValidationFailed(
            _("Give an ISO 4217 currency code, such as CNY, HKD or USD."), field=field
        )
    return code


def currency_name(code: str) -> str:
    return get_currency_name(code, locale=current_locale())


def _enabled_codes() -> set[str]:
    return set(db.session.scalars(select(TenantCurrency.code)))


def enabled_currencies() -> list[CurrencyInfo]:
    """The workspace's currencies, the corporate one first, then by code."""
    corporate = corporate_currency()
    codes = sorted(_enabled_codes() - {corporate})
    return [
        CurrencyInfo(code, currency_name(code), minor_units(code), code == corporate)
        for code in [corporate, *codes]
    ]


def is_enabled(code: str) -> bool:
    return code == corporate_currency() or code in _enabled_codes()


def require_enabled(value, *, field: str = "currency") -> str:
    """``value`` as the code of a currency the workspace has enabled, else a 422."""
    code = clean_code(value, field=field)
    if not is_enabled(code):
        raise ValidationFailed(
            _(
                "%(code)s is not one of the workspace's currencies: an admin enables it "
                "under Setup → Currencies.",
                code=code,
            ),
            field=field,
        )
    return code


def enable_currency(value) -> CurrencyInfo:
    """Enable a currency (doing it twice is harmless)."""
    code = clean_code(value, field="code")
    if not is_enabled(code):
        db.session.add(TenantCurrency(code=code))
        db.session.flush()
        security_log.record("settings.currencies_changed", target=code, details={"enabled": code})
    return CurrencyInfo(code, currency_name(code), minor_units(code), code == corporate_currency())


def disable_currency(value) -> None:
    """Disable a currency: new amounts can no longer be in it. Its rates are kept, so that
    amounts already in it keep their corporate value."""
    code = clean_code(value, field="code")
    if code == corporate_currency():
        raise Conflict(
            _("%(code)s is the corporate currency: it stays enabled.", code=code), field="code"
        )
    row = db.session.scalars(select(TenantCurrency).filter_by(code=code)).first()
    if row is None:
        raise NotFound(_("%(code)s is not one of the workspace's currencies.", code=code))
    db.session.delete(row)
    db.session.flush()
    security_log.record("settings.currencies_changed", target=code, details={"disabled": code})


def set_corporate_currency(value) -> str:
    """Make ``value`` the corporate currency (enabling it). Refused while exchange rates
    exist: they are quoted in the corporate currency, and would all be wrong."""
    code = clean_code(value, field="corporate")
    before = corporate_currency()
    if code == before:
        return code
    if db.session.scalars(select(ExchangeRate.id).limit(1)).first() is not None:
        raise Conflict(
            _(
                "Exchange rates are quoted in %(code)s: delete them before choosing another "
                "corporate currency.",
                code=before,
            ),
            field="corporate",
        )
    if code not in _enabled_codes():
        db.session.add(TenantCurrency(code=code))
    if before not in _enabled_codes():
        db.session.add(TenantCurrency(code=before))  # amounts in it stay valid
    update_settings({"currency": code}, logged_as="settings.currencies_changed")
    from core.currencies.valuation import revalue_all

    revalue_all()
    return code


# --- exchange rates --------------------------------------------------------------------------


def _clean_rate(value, *, field: str = "rate") -> Decimal:
    if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
        raise ValidationFailed(_("Give the rate as a number greater than 0."), field=field)
    try:
        rate = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValidationFailed(
            _("Give the rate as a number greater than 0."), field=field
        ) from None
    if not rate.is_finite() or rate <= 0:
        raise ValidationFailed(_("Give the rate as a number greater than 0."), field=field)
    if rate >= _MAX_RATE:
        raise ValidationFailed(_("This rate is too large."), field=field)
    rounded = rate.quantize(Decimal(1).scaleb(-RATE_DECIMALS), ROUND_HALF_UP)
    if rounded <= 0:
        raise ValidationFailed(
            _("Give the rate with at most %(num)d decimals.", num=RATE_DECIMALS), field=field
        )
    return rounded


def _clean_day(value, *, field: str = "valid_from") -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value.strip() if isinstance(value, str) else "")
    except ValueError:
        raise ValidationFailed(_("Give the date as YYYY-MM-DD."), field=field) from None


def _clean_rate_currency(value, *, field: str = "currency") -> str:
    code = require_enabled(value, field=field)
    if code == corporate_currency():
        raise ValidationFailed(
            _("%(code)s is the corporate currency: its rate is always 1.", code=code),
            field=field,
        )
    return code


def rate_to_api(rate: ExchangeRate) -> dict:
    return {
        "id": str(rate.id),
        "currency": rate.currency,
        "valid_from": rate.valid_from.isoformat(),
        "rate": format_rate(rate.rate),
    }


def format_rate(rate: Decimal) -> str:
    """A rate as a plain decimal string without trailing zeros: "0.9123", "7"."""
    text = f"{Decimal(rate):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def list_rates(currency: str | None = None) -> list[ExchangeRate]:
    """The rates, by currency, newest first."""
    query = select(ExchangeRate).order_by(ExchangeRate.currency, ExchangeRate.valid_from.desc())
    if currency:
        query = query.filter_by(currency=clean_code(currency))
    return list(db.session.scalars(query))


def _upsert(code: str, day: dt.date, rate: Decimal) -> tuple[ExchangeRate, Decimal | None]:
    row = db.session.scalars(select(ExchangeRate).filter_by(currency=code, valid_from=day)).first()
    before = None if row is None else row.rate
    if row is None:
        row = ExchangeRate(currency=code, valid_from=day, rate=rate)
        db.session.add(row)
    else:
        row.rate = rate
    return row, before


def set_rate(*, currency, valid_from, rate) -> ExchangeRate:
    """Record that one unit of ``currency`` is worth ``rate`` corporate units from
    ``valid_from`` on (replacing a rate of the same currency and day), and re-value the
    amounts it applies to. All fields are checked before anything is written."""
    errors: dict = {}
    cleaned = {}
    for name, clean, value in (
        ("currency", _clean_rate_currency, currency),
        ("valid_from", _clean_day, valid_from),
        ("rate", _clean_rate, rate),
    ):
        try:
            cleaned[name] = clean(value, field=name)
        except ValidationFailed as error:
            errors.update(error.errors)
    if errors:
        first = next(iter(errors.values()))[0]
        raise ValidationFailed(first if len(errors) == 1 else _("Check the fields."), errors=errors)
    row, before = _upsert(cleaned["currency"], cleaned["valid_from"], cleaned["rate"])
    db.session.flush()
    security_log.record(
        "settings.exchange_rates_changed",
        target=f"{row.currency} {row.valid_from.isoformat()}",
        details={"rate": [None if before is None else format_rate(before), format_rate(row.rate)]},
    )
    from core.currencies.valuation import revalue

    revalue({row.currency})
    return row


def get_rate(rate_id) -> ExchangeRate:
    try:
        key = uuid.UUID(str(rate_id))
    except ValueError:
        key = None
    row = db.session.scalars(select(ExchangeRate).filter_by(id=key)).first() if key else None
    if row is None:
        raise NotFound(_("No such exchange rate."))
    return row


def delete_rate(rate_id) -> None:
    row = get_rate(rate_id)
    code, day, rate = row.currency, row.valid_from, row.rate
    db.session.delete(row)
    db.session.flush()
    security_log.record(
        "settings.exchange_rates_changed",
        target=f"{code} {day.isoformat()}",
        details={"rate": [format_rate(rate), None]},
    )
    from core.currencies.valuation import revalue

    revalue({code})


def import_rates_csv(text: str) -> int:
    """Rates from a CSV file with the columns ``currency,valid_from,rate`` (a header row,
    in any order; more columns are ignored). Every row is checked first: one wrong row and
    nothing is written, and the error lists every wrong row by its line number. Returns
    how many rates were written (new or replaced)."""
    if text.startswith("\ufeff"):
        text = text[1:]
    try:
        rows = list(csv.reader(io.StringIO(text)))
    except csv.Error as error:
        raise ValidationFailed(
            _("The file is not a CSV file (%(error)s).", error=str(error))
        ) from None
    while rows and not any(cell.strip() for cell in rows[0]):
        rows.pop(0)
    if not rows:
        raise ValidationFailed(_("The file is empty."), field="file")
    header = [cell.strip().lower() for cell in rows[0]]
    missing = [name for name in IMPORT_COLUMNS if name not in header]
    if missing:
        raise ValidationFailed(
            _(
                "The first row must name the columns currency, valid_from and rate "
                "(missing: %(columns)s).",
                columns=", ".join(missing),
            ),
            field="file",
        )
    index = {name: header.index(name) for name in IMPORT_COLUMNS}
    body = [
        (number, row) for number, row in enumerate(rows[1:], start=2) if any(c.strip() for c in row)
    ]
    if not body:
        raise ValidationFailed(_("The file has no rates below its header."), field="file")
    if len(body) > MAX_IMPORT_ROWS:
        raise ValidationFailed(
            _("Import at most %(num)d rates at a time.", num=MAX_IMPORT_ROWS), field="file"
        )
    errors: dict[str, list[str]] = {}
    cleaned: dict[tuple[str, dt.date], tuple[int, Decimal]] = {}
    for number, row in body:
        problems = []
        values = {name: row[i] if i < len(row) else "" for name, i in index.items()}
        result = {}
        for name, clean in (
            ("currency", _clean_rate_currency),
            ("valid_from", _clean_day),
            ("rate", _clean_rate),
        ):
            try:
                result[name] = clean(values[name], field=name)
            except ValidationFailed as error:
                problems.append(f"{name}: {error.message}")
        key = (result.get("currency"), result.get("valid_from"))
        if not problems and key in cleaned:
            problems.append(_("the same currency and date as line %(line)d.", line=cleaned[key][0]))
        if problems:
            errors[_("line %(line)d", line=number)] = problems
        else:
            cleaned[key] = (number, result["rate"])
    if errors:
        raise ValidationFailed(
            _(
                "%(count)d of %(total)d rows are wrong; nothing was imported.",
                count=len(errors),
                total=len(body),
            ),
            errors=errors,
        )
    for (code, day), (_line, rate) in cleaned.items():
        _upsert(code, day, rate)
    db.session.flush()
    security_log.record(
        "settings.exchange_rates_changed",
        target=_("CSV import"),
        details={"imported": len(cleaned)},
    )
    from core.currencies.valuation import revalue

    revalue({code for code, _day in cleaned})
    return len(cleaned)


def rate_on(code: str, day: dt.date) -> Decimal | None:
    """What one unit of ``code`` is worth in the corporate currency on ``day``: 1 for the
    corporate currency, else the rate valid then (None before the currency's first rate)."""
    if code == corporate_currency():
        return Decimal(1)
    return db.session.scalars(
        select(ExchangeRate.rate)
        .where(ExchangeRate.currency == code, ExchangeRate.valid_from <= day)
        .order_by(ExchangeRate.valid_from.desc())
        .limit(1)
    ).first()


def to_corporate(amount, code: str | None, day: dt.date) -> Decimal | None:
    """``amount`` in ``code`` (the corporate currency when None) in the corporate currency
    at the rate of ``day``, rounded to the corporate currency's minor units; None when there
    is no amount or no rate for that day."""
    if amount is None or amount == "":
        return None
    corporate = corporate_currency()
    rate = rate_on(code or corporate, day)
    if rate is None:
        return None
    return round_money(Decimal(str(amount)) * Decimal(str(rate)), corporate)
