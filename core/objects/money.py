"""Amounts as people read them, always with their currency: ``$15,000.00``, ``€980.50``,
``CHF 1,200.00``. Lists, record pages, boards and totals all format money here.

An amount's currency is, in this order: the field's own (a custom currency field fixed to
EUR), the record's (``options["currency_field"]`` names the field that holds it, as on a
quote), then the workspace's (its settings, USD when unset).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from babel.numbers import format_currency, get_currency_symbol
from flask import g, has_request_context

from saas.db import db
from saas.i18n import current_locale
from tenants.models import Tenant
from tenants.scoping import current_tenant_id

FALLBACK_CURRENCY = "USD"


def workspace_currency() -> str:
    """The currency of the current workspace (its settings), USD when unset."""
    tenant = g.get("tenant") if has_request_context() else None
    tenant_id = current_tenant_id()
    if tenant is None or tenant.id != tenant_id:
        tenant = db.session.get(Tenant, tenant_id) if tenant_id else None
    return ((tenant.settings or {}) if tenant else {}).get("currency") or FALLBACK_CURRENCY


def currency_of(spec, row: dict | None = None) -> str:
    """The currency of the amount in field ``spec`` of the record ``row`` (an API row)."""
    options = getattr(spec, "options", None) or {}
    if options.get("currency"):
        return options["currency"]
    source = options.get("currency_field")
    if source and row and row.get(source):
        return str(row[source])
    return workspace_currency()


def format_money(amount, currency: str | None = None, *, whole: bool = False) -> str:
    """``amount`` in ``currency`` (the workspace's when None); ``whole`` drops the cents
    (charts and totals). Empty for no amount; a value that is not a number as it is.
    Written as the reader's language writes amounts (Babel, CLDR): ``CN¥1,234.50`` in
    English, ``¥1,234.50`` in Chinese; the currency's own minor units (``¥1,235`` for JPY)."""
    if amount is None or amount == "":
        return ""
    try:
        number = Decimal(str(amount))
    except InvalidOperation:
        return str(amount)
    code = (currency or workspace_currency()).upper()
    locale = current_locale()
    if whole:  # half up, as amounts are rounded everywhere (Babel would round half even)
        number = number.quantize(Decimal(1), ROUND_HALF_UP)
    pattern = "¤#,##0" if whole else None
    # CLDR puts a space between a letter symbol and the digits (CHF 1,200.00); Babel does
    # not apply that spacing rule, so the pattern carries it.
    if get_currency_symbol(code, locale)[-1:].isalpha():
        pattern = "¤\u00a0#,##0" if whole else "¤\u00a0#,##0.00"
    if pattern is None:
        return format_currency(number, code, locale=locale)
    return format_currency(number, code, format=pattern, locale=locale, currency_digits=not whole)
