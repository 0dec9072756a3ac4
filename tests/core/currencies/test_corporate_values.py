"""Amounts keep their currency and get their value in the corporate currency at the rate of
the record's date: deals (forecast, board, filters), quotes and orders; re-valued when the
rates change; rounded to each currency's minor units."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from core.currencies import services
from tests.conftest import run_as_admin

DEALS = "/api/v1/objects/deals"
RATES = "/api/v1/exchange-rates"


@pytest.fixture
def school(api):
    """A Chinese training school: corporate currency CNY, selling in HKD and JPY too."""
    assert api.put("/api/v1/currencies/corporate", json={"code": "CNY"}).status_code == 200
    for code in ("HKD", "JPY"):
        assert api.post("/api/v1/currencies", json={"code": code}).status_code == 201
    for currency, day, rate in (
        ("HKD", "2026-11-01", "0.90"),
        ("HKD", "2026-12-01", "0.92"),
        ("JPY", "2026-11-01", "0.0475"),
    ):
        response = api.post(RATES, json={"currency": currency, "valid_from": day, "rate": rate})
        assert response.status_code == 201, response.get_json()
    return api


def _deal(api, **values) -> dict:
    response = api.post(DEALS, json={"name": "Deal", **values})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_the_rate_of_a_day_is_the_latest_on_or_before_it(app, tenant, school):
    def check(admin):
        assert services.rate_on("HKD", dt.date(2026, 10, 31)) is None
        assert services.rate_on("HKD", dt.date(2026, 11, 30)) == Decimal("0.90")
        assert services.rate_on("HKD", dt.date(2026, 12, 1)) == Decimal("0.92")
        assert services.rate_on("HKD", dt.date(2027, 6, 1)) == Decimal("0.92")
        assert services.rate_on("CNY", dt.date(2000, 1, 1)) == 1
        assert services.to_corporate("1000.00", "HKD", dt.date(2026, 11, 15)) == Decimal("900.00")
        assert services.to_corporate("1000.00", "HKD", dt.date(2026, 10, 1)) is None
        # 333 x 0.0475 = 15.8175: rounded half up to the fen.
        assert services.to_corporate("333", "JPY", dt.date(2026, 11, 2)) == Decimal("15.82")

    run_as_admin(app, tenant, check)


def test_rounding_follows_each_currencys_minor_units(app, tenant):
    def check(admin):
        assert services.round_money("1234.5", "JPY") == Decimal("1235")
        assert services.round_money("10.005", "CNY") == Decimal("10.01")
        assert services.round_money("-10.005", "CNY") == Decimal("-10.01")
        assert services.round_money("1.0005", "KWD") == Decimal("1.001")
        assert services.minor_units("JPY") == 0 and services.minor_units("CNY") == 2

    run_as_admin(app, tenant, check)


def test_a_deal_keeps_its_currency_and_gets_its_corporate_value(school):
    deal = _deal(school, amount="10000", currency="hkd", close_date="2026-11-20")
    assert (deal["amount"], deal["currency"], deal["amount_corporate"]) == (
        "10000.00",
        "HKD",
        "9000.00",
    )
    # Moving the close date into December takes December's rate.
    moved = school.patch(f"{DEALS}/{deal['id']}", json={"close_date": "2026-12-05"}).get_json()
    assert moved["amount_corporate"] == "9200.00"
    assert Decimal(str(moved["weighted_amount"])) == 920  # 10 % of the corporate amount
    plain = _deal(school, amount="500")
    assert (plain["currency"], plain["amount_corporate"]) == ("CNY", "500.00")
    yen = _deal(school, amount="1234.5", currency="JPY", close_date="2026-11-02")
    assert (yen["amount"], yen["amount_corporate"]) == ("1235.00", "58.66")


def test_a_deal_in_a_currency_the_workspace_has_not_enabled_is_refused(school):
    response = school.post(DEALS, json={"name": "Euro deal", "amount": "5", "currency": "EUR"})
    assert response.status_code == 422
    body = response.get_json()
    assert "EUR is not one of the workspace's currencies" in body["message"]
    assert "currency" in body["fields"]
    unknown = school.post(DEALS, json={"name": "Odd", "amount": "5", "currency": "QQQ"})
    assert unknown.status_code == 422 and "ISO 4217" in unknown.get_json()["message"]


def test_a_day_without_a_rate_leaves_the_corporate_value_empty(school):
    early = _deal(school, amount="100", currency="HKD", close_date="2026-01-15")
    assert early["amount_corporate"] is None


def test_changing_a_rate_revalues_the_amounts_it_applies_to(school):
    november = _deal(school, amount="1000", currency="HKD", close_date="2026-11-20")
    december = _deal(school, amount="1000", currency="HKD", close_date="2026-12-20")
    early = _deal(school, amount="1000", currency="HKD", close_date="2026-10-20")
    school.post(RATES, json={"currency": "HKD", "valid_from": "2026-10-01", "rate": "0.88"})
    school.post(RATES, json={"currency": "HKD", "valid_from": "2026-11-01", "rate": "0.91"})

    def corporate(deal):
        return school.get(f"{DEALS}/{deal['id']}").get_json()["amount_corporate"]

    assert [corporate(d) for d in (early, november, december)] == ["880.00", "910.00", "920.00"]
    # Re-valuing is not an edit: the version a client holds stays good.
    again = school.get(f"{DEALS}/{november['id']}").get_json()
    assert again["version"] == november["version"]
    december_rate = next(
        r for r in school.get(RATES).get_json()["data"] if r["valid_from"] == "2026-12-01"
    )
    assert school.delete(f"{RATES}/{december_rate['id']}").status_code == 204
    assert corporate(december) == "910.00"  # November's rate holds on


def test_lists_filter_and_sort_by_the_corporate_value(school):
    _deal(school, name="Small HKD", amount="1000", currency="HKD", close_date="2026-12-02")
    _deal(school, name="Big CNY", amount="5000")
    _deal(school, name="Mid JPY", amount="100000", currency="JPY", close_date="2026-12-02")
    page = school.get(
        f"{DEALS}?filter[amount_corporate][gte]=1000&sort=-amount_corporate"
    ).get_json()
    assert [(d["name"], d["amount_corporate"]) for d in page["data"]] == [
        ("Big CNY", "5000.00"),
        ("Mid JPY", "4750.00"),
    ]


def test_the_forecast_is_in_the_corporate_currency(school):
    """The issue's scenario: a package sold in HKD, the forecast shown in CNY."""
    pipeline = school.get("/api/v1/pipelines").get_json()["data"][0]
    stage = {s["name"]: s["id"] for s in pipeline["stages"]}
    _deal(
        school,
        name="Summer package (HKD)",
        amount="12800",
        currency="HKD",
        close_date="2026-12-15",
        stage_id=stage["Proposal"],
    )
    _deal(school, name="Piano course", amount="3000", stage_id=stage["Proposal"])
    _deal(
        school,
        name="No rate yet",
        amount="100",
        currency="HKD",
        close_date="2026-01-01",
        stage_id=stage["Proposal"],
    )
    report = school.get("/api/v1/deals/forecast").get_json()
    assert report["currency"] == "CNY" and report["unconverted"] == 1
    proposal = next(s for s in report["stages"] if s["name"] == "Proposal")
    # 12,800 HKD x 0.92 = 11,776 CNY, plus 3,000 CNY; weighted at 50 %.
    assert (proposal["count"], proposal["amount"], proposal["weighted_amount"]) == (
        3,
        "14776.00",
        "7388.00",
    )


def test_quotes_and_orders_get_their_total_in_the_corporate_currency(school):
    book = school.post(
        "/api/v1/objects/price_books", json={"name": "Hong Kong", "currency": "HKD"}
    ).get_json()
    line = [{"description": "Summer camp", "quantity": 2, "unit_price": "6400"}]
    quote = school.post(
        "/api/v1/objects/quotes",
        json={"name": "Camp", "price_book_id": book["id"], "lines": line},
    ).get_json()
    assert (quote["currency"], quote["total"]) == ("HKD", "12800.00")
    # A quote's date is the day it is written: today's rate (December's, or later).
    assert quote["total_corporate"] == "11776.00"
    order = school.post(
        "/api/v1/objects/orders",
        json={
            "name": "Camp",
            "price_book_id": book["id"],
            "order_date": "2026-11-05",
            "lines": line,
        },
    ).get_json()
    assert order["total_corporate"] == "11520.00"


def test_a_yen_quote_is_priced_in_whole_yen(school):
    book = school.post(
        "/api/v1/objects/price_books", json={"name": "Japan", "currency": "JPY"}
    ).get_json()
    quote = school.post(
        "/api/v1/objects/quotes",
        json={
            "name": "Tokyo trip",
            "price_book_id": book["id"],
            "tax_rate": 10,
            "lines": [{"description": "Tour", "quantity": 3, "unit_price": "3333.3"}],
        },
    ).get_json()
    assert (quote["subtotal"], quote["tax_amount"], quote["total"]) == (
        "10000.00",
        "1000.00",
        "11000.00",
    )


def test_the_deal_board_totals_in_the_corporate_currency_as_the_reader_writes_it(school, client):
    pipeline = school.get("/api/v1/pipelines").get_json()["data"][0]
    proposal = next(s["id"] for s in pipeline["stages"] if s["name"] == "Proposal")
    _deal(school, amount="12800", currency="HKD", close_date="2026-12-15", stage_id=proposal)
    _deal(school, amount="3000", stage_id=proposal)
    english = client.get("/o/deals/board").get_data(as_text=True)
    assert "CN¥14,776" in english
    chinese = client.get("/o/deals/board", headers={"Accept-Language": "zh-CN"})
    assert "¥14,776" in chinese.get_data(as_text=True)
    # The deal's own amount stays in its currency on its page.
    listing = client.get("/o/deals").get_data(as_text=True)
    assert "HK$12,800.00" in listing and "CN¥3,000.00" in listing


def test_a_role_that_may_not_see_the_amount_does_not_see_its_corporate_value(school, member_api):
    deal = _deal(school, amount="10000", currency="HKD", close_date="2026-12-05")
    hide = {"fields": {"amount": "hidden"}}
    assert school.put("/api/v1/permissions/member/deals", json=hide).status_code == 200
    seen = member_api.get(f"{DEALS}/{deal['id']}").get_json()
    assert "amount" not in seen and "amount_corporate" not in seen
    assert "weighted_amount" not in seen


def test_an_order_in_another_currency_counts_against_the_credit_limit_at_its_value(school):
    customer = school.post(
        "/api/v1/objects/companies", json={"name": "Parents' Association", "credit_limit": "10000"}
    ).get_json()
    book = school.post(
        "/api/v1/objects/price_books", json={"name": "Hong Kong", "currency": "HKD"}
    ).get_json()

    def order(day, price):
        response = school.post(
            "/api/v1/objects/orders",
            json={
                "name": "Camp",
                "status": "confirmed",
                "company_id": customer["id"],
                "price_book_id": book["id"],
                "order_date": day,
                "lines": [{"description": "Summer camp", "quantity": 1, "unit_price": price}],
            },
        )
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    first = order("2026-12-05", "5000")  # 4,600 CNY
    assert first["credit_check"] == "within_limit"
    second = order("2026-12-06", "7000")  # 6,440 CNY: 11,040 in all
    assert second["credit_check"] == "over_limit"
    assert "by 1,040.00 CNY" in second["credit_note"]
    no_rate = order("2026-01-05", "1")
    assert no_rate["credit_check"] == "not_checked"
    assert "no exchange rate" in no_rate["credit_note"]
