"""Currencies and exchange rates through the API: enabling, dated rates, the CSV import
(all rows or none) and the errors a caller can make."""

from __future__ import annotations

import pytest

CURRENCIES = "/api/v1/currencies"
RATES = "/api/v1/exchange-rates"


def _enable(api, code):
    response = api.post(CURRENCIES, json={"code": code})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_a_workspace_starts_with_its_corporate_currency_only(api):
    body = api.get(CURRENCIES).get_json()
    assert body["corporate"] == "USD"
    assert body["data"] == [{"code": "USD", "name": "US Dollar", "digits": 2, "corporate": True}]


def test_enabling_currencies_with_their_minor_units(api):
    assert _enable(api, "hkd") == {
        "code": "HKD",
        "name": "Hong Kong Dollar",
        "digits": 2,
        "corporate": False,
    }
    assert _enable(api, "JPY")["digits"] == 0
    _enable(api, "JPY")  # twice is harmless
    codes = [c["code"] for c in api.get(CURRENCIES).get_json()["data"]]
    assert codes == ["USD", "HKD", "JPY"]


def test_currency_names_follow_the_callers_language(api):
    _enable(api, "HKD")
    body = api.get(CURRENCIES, headers={"Accept-Language": "zh-CN"}).get_json()
    assert [c["name"] for c in body["data"]] == ["美元", "港元"]


@pytest.mark.parametrize("code", ["XYZ", "US", "EURO", "", 12, None, "€€€"])
def test_an_unknown_currency_is_refused(api, code):
    response = api.post(CURRENCIES, json={"code": code})
    assert response.status_code == 422
    assert "ISO 4217" in response.get_json()["message"]


def test_the_corporate_currency_cannot_be_disabled(api):
    response = api.delete(f"{CURRENCIES}/USD")
    assert response.status_code == 409
    assert "corporate currency" in response.get_json()["message"]
    assert api.delete(f"{CURRENCIES}/HKD").status_code == 404


def test_rates_are_dated_and_listed_newest_first(api):
    _enable(api, "HKD")
    first = api.post(RATES, json={"currency": "HKD", "valid_from": "2026-11-01", "rate": "0.128"})
    assert first.status_code == 201, first.get_json()
    assert first.get_json()["rate"] == "0.128"
    api.post(RATES, json={"currency": "HKD", "valid_from": "2026-12-01", "rate": 0.1285})
    # The same day again replaces that day's rate.
    again = api.post(RATES, json={"currency": "HKD", "valid_from": "2026-12-01", "rate": "0.129"})
    assert again.status_code == 201
    rates = api.get(RATES, query_string={"currency": "HKD"}).get_json()["data"]
    assert [(r["valid_from"], r["rate"]) for r in rates] == [
        ("2026-12-01", "0.129"),
        ("2026-11-01", "0.128"),
    ]
    assert api.delete(f"{RATES}/{rates[0]['id']}").status_code == 204
    assert len(api.get(RATES).get_json()["data"]) == 1
    assert api.delete(f"{RATES}/{rates[0]['id']}").status_code == 404


@pytest.mark.parametrize(
    "body, field, words",
    [
        ({"currency": "HKD", "valid_from": "2026-12-01", "rate": "0"}, "rate", "greater than 0"),
        ({"currency": "HKD", "valid_from": "2026-12-01", "rate": -1}, "rate", "greater than 0"),
        ({"currency": "HKD", "valid_from": "2026-12-01", "rate": "x"}, "rate", "greater than 0"),
        ({"currency": "HKD", "valid_from": "2026-12-01", "rate": True}, "rate", "greater than 0"),
        ({"currency": "HKD", "valid_from": "2026-12-01", "rate": "1e12"}, "rate", "too large"),
        ({"currency": "HKD", "valid_from": "1 Dec", "rate": "1"}, "valid_from", "YYYY-MM-DD"),
        ({"currency": "EUR", "valid_from": "2026-12-01", "rate": "1"}, "currency", "Setup"),
        ({"currency": "QQQ", "valid_from": "2026-12-01", "rate": "1"}, "currency", "ISO 4217"),
        ({"currency": "USD", "valid_from": "2026-12-01", "rate": "2"}, "currency", "always 1"),
    ],
)
def test_a_wrong_rate_is_refused_with_a_message(api, body, field, words):
    _enable(api, "HKD")
    response = api.post(RATES, json=body)
    assert response.status_code == 422, response.get_json()
    error = response.get_json()
    assert words in error["message"] and field in error["fields"]
    assert api.get(RATES).get_json()["data"] == []


def test_members_read_but_only_admins_change(api, member_api):
    _enable(api, "HKD")
    assert member_api.get(CURRENCIES).status_code == 200
    assert member_api.get(RATES).status_code == 200
    assert member_api.post(CURRENCIES, json={"code": "EUR"}).status_code == 403
    refused = member_api.post(
        RATES, json={"currency": "HKD", "valid_from": "2026-12-01", "rate": 1}
    )
    assert refused.status_code == 403


def test_currencies_and_rates_stay_in_their_workspace(api, other_api):
    _enable(api, "HKD")
    api.post(RATES, json={"currency": "HKD", "valid_from": "2026-12-01", "rate": "0.128"})
    rate_id = api.get(RATES).get_json()["data"][0]["id"]
    assert [c["code"] for c in other_api.get(CURRENCIES).get_json()["data"]] == ["USD"]
    assert other_api.get(RATES).get_json()["data"] == []
    assert other_api.delete(f"{RATES}/{rate_id}").status_code == 404


def _import(api, text):
    return api.post(f"{RATES}/import", data=text.encode(), content_type="text/csv")


def test_a_csv_import_writes_every_row(api):
    _enable(api, "HKD")
    _enable(api, "JPY")
    response = _import(
        api,
        "\ufeffValid_From,currency,rate,note\n"
        "2026-11-01,HKD,0.128,first\n\n"
        "2026-12-01,hkd,0.129,\n"
        "2026-12-01,JPY,0.0067,\n",
    )
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {"imported": 3}
    assert len(api.get(RATES).get_json()["data"]) == 3


def test_a_csv_import_with_wrong_rows_writes_nothing_and_names_each_row(api):
    _enable(api, "HKD")
    response = _import(
        api,
        "currency,valid_from,rate\n"
        "HKD,2026-11-01,0.128\n"
        "EUR,2026-11-01,0.9\n"
        "HKD,2026-13-01,-2\n"
        "HKD,2026-11-01,0.13\n",
    )
    assert response.status_code == 422
    error = response.get_json()
    assert error["message"] == "3 of 4 rows are wrong; nothing was imported."
    assert set(error["fields"]) == {"line 3", "line 4", "line 5"}
    assert len(error["fields"]["line 4"]) == 2  # the date and the rate
    assert "line 2" in error["fields"]["line 5"][0]
    assert api.get(RATES).get_json()["data"] == []


@pytest.mark.parametrize(
    "text, words",
    [
        ("", "empty"),
        ("currency,rate\nHKD,1\n", "missing: valid_from"),
        ("currency,valid_from,rate\n", "no rates"),
    ],
)
def test_a_csv_file_without_rates_is_refused(api, text, words):
    response = _import(api, text)
    assert response.status_code == 422 and words in response.get_json()["message"]


def test_a_csv_import_needs_a_csv_body(api):
    response = api.post(f"{RATES}/import", json={"currency": "HKD"})
    assert response.status_code == 422 and "text/csv" in response.get_json()["message"]
    latin = api.post(f"{RATES}/import", data="é".encode("latin-1"), content_type="text/csv")
    assert latin.status_code == 422 and "UTF-8" in latin.get_json()["message"]


def test_the_corporate_currency_changes_only_while_there_are_no_rates(api):
    response = api.put(f"{CURRENCIES}/corporate", json={"code": "CNY"})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["corporate"] == "CNY"
    assert [c["code"] for c in body["data"]] == ["CNY", "USD"]  # the old one stays enabled
    _enable(api, "HKD")
    api.post(RATES, json={"currency": "HKD", "valid_from": "2026-12-01", "rate": "0.92"})
    refused = api.put(f"{CURRENCIES}/corporate", json={"code": "EUR"})
    assert refused.status_code == 409 and "CNY" in refused.get_json()["message"]
    assert api.get(CURRENCIES).get_json()["corporate"] == "CNY"
