"""The arithmetic of lines and totals: exact cents, half-up rounding, figures that add up."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from core.orders.pricing import document_totals, line_amounts

CENT = Decimal("0.01")
quantities = st.decimals(min_value=Decimal("0.0001"), max_value=Decimal(100000), places=4)
prices = st.decimals(min_value=Decimal(0), max_value=Decimal(1000000), places=2)
percents = st.decimals(min_value=Decimal(0), max_value=Decimal(100), places=4)


def test_half_cents_round_up():
    assert line_amounts(Decimal("1"), Decimal("0.125")).gross == Decimal("0.13")
    assert line_amounts(Decimal("3"), Decimal("0.335")).gross == Decimal("1.01")  # 1.005
    assert line_amounts(Decimal("1"), Decimal("10"), discount_percent=Decimal("12.5")).total == (
        Decimal("8.75")
    )
    # 0.05 x 10% = 0.005: half a cent rounds up, not to even.
    assert line_amounts(Decimal(1), Decimal("0.05"), discount_percent=Decimal(10)).discount == (
        Decimal("0.01")
    )
    totals = document_totals([Decimal("0.10")], tax_rate=Decimal(5))
    assert totals.tax_amount == Decimal("0.01") and totals.total == Decimal("0.11")


def test_header_discount_then_tax():
    totals = document_totals(
        [Decimal("30.00"), Decimal("90.00"), Decimal("100.00")],
        discount_percent=Decimal(10),
        tax_rate=Decimal(20),
    )
    assert (totals.subtotal, totals.discount_amount, totals.tax_amount, totals.total) == (
        Decimal("220.00"),
        Decimal("22.00"),
        Decimal("39.60"),
        Decimal("237.60"),
    )


@given(quantities, prices, percents)
def test_a_line_is_in_cents_and_its_discount_never_exceeds_it(quantity, price, percent):
    amounts = line_amounts(quantity, price, discount_percent=percent)
    for value in (amounts.gross, amounts.discount, amounts.total):
        assert value == value.quantize(CENT)
    assert Decimal(0) <= amounts.discount <= amounts.gross
    assert amounts.total == amounts.gross - amounts.discount
    assert abs(amounts.gross - quantity * price) <= Decimal("0.005")


@given(quantities, prices)
def test_a_fixed_discount_comes_off_exactly(quantity, price):
    gross = line_amounts(quantity, price).gross
    amounts = line_amounts(quantity, price, discount_amount=gross / 2)
    assert amounts.total + amounts.discount == gross


@given(
    st.lists(st.decimals(min_value=0, max_value=Decimal(10**9), places=2), max_size=30),
    st.one_of(st.none(), percents),
    st.one_of(st.none(), percents),
)
def test_totals_add_up_whatever_the_order_of_the_lines(line_totals, discount, tax):
    totals = document_totals(line_totals, discount_percent=discount, tax_rate=tax)
    assert totals.subtotal == sum(line_totals, Decimal(0))
    assert totals.total == totals.subtotal - totals.discount_amount + totals.tax_amount
    for value in (totals.subtotal, totals.discount_amount, totals.tax_amount, totals.total):
        assert value == value.quantize(CENT) and value >= 0
    assert totals.discount_amount <= totals.subtotal
    reversed_totals = document_totals(line_totals[::-1], discount_percent=discount, tax_rate=tax)
    assert reversed_totals == totals
