"""The arithmetic of quotes and orders, in Decimal, rounded half up to the minor unit of
the document's currency (``digits``: the cent for CNY or EUR, the yen for JPY; amounts are
stored with two decimals, so never more than 2).

Per line:   gross = quantity x unit price (rounded);
            discount = gross x percent / 100 (rounded), or a fixed amount (at most gross);
            line total = gross - discount.
Header:     subtotal = sum of line totals;
            discount = subtotal x header percent / 100 (rounded);
            tax = (subtotal - discount) x tax rate / 100 (rounded);
            total = subtotal - discount + tax.

Every amount is rounded once, where it is shown, so that the figures on a quote add up
exactly as a customer checks them.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
ZERO = Decimal("0.00")


def to_cents(value: Decimal, digits: int = 2) -> Decimal:
    """``value`` rounded half up to ``digits`` decimals (at most 2), kept with two decimals."""
    unit = Decimal(1).scaleb(-min(digits, 2))
    return value.quantize(unit, rounding=ROUND_HALF_UP).quantize(CENT)


@dataclass(frozen=True)
class LineAmounts:
    gross: Decimal
    discount: Decimal
    total: Decimal


@dataclass(frozen=True)
class Totals:
    subtotal: Decimal
    discount_amount: Decimal
    tax_amount: Decimal
    total: Decimal


def line_amounts(
    quantity: Decimal,
    unit_price: Decimal,
    *,
    discount_percent: Decimal | None = None,
    discount_amount: Decimal | None = None,
    digits: int = 2,
) -> LineAmounts:
    """The gross, discount and total of one line (the caller checks that the discount
    amount is not above the gross, and that at most one discount is given)."""
    gross = to_cents(quantity * unit_price, digits)
    if discount_percent is not None:
        discount = to_cents(gross * discount_percent / HUNDRED, digits)
    elif discount_amount is not None:
        discount = to_cents(discount_amount, digits)
    else:
        discount = ZERO
    return LineAmounts(gross=gross, discount=discount, total=gross - discount)


def document_totals(
    line_totals: list[Decimal],
    *,
    discount_percent: Decimal | None = None,
    tax_rate: Decimal | None = None,
    digits: int = 2,
) -> Totals:
    subtotal = to_cents(sum(line_totals, ZERO), digits)
    discount = to_cents(subtotal * (discount_percent or 0) / HUNDRED, digits)
    taxable = subtotal - discount
    tax = to_cents(taxable * (tax_rate or 0) / HUNDRED, digits)
    return Totals(subtotal=subtotal, discount_amount=discount, tax_amount=tax, total=taxable + tax)
