"""Setup → Currencies: enabling a currency, adding a rate, the CSV import and its errors."""

from __future__ import annotations

import io

PAGE = "/admin/currencies/"


def _csrf(client, path=PAGE) -> str:
    import re

    html = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def test_an_admin_enables_a_currency_and_adds_a_rate(client):
    token = _csrf(client)
    enabled = client.post("/admin/currencies/enable", data={"csrf_token": token, "code": "hkd"})
    assert enabled.status_code == 303
    added = client.post(
        "/admin/currencies/rates",
        data={"csrf_token": token, "currency": "HKD", "valid_from": "2026-12-01", "rate": "0.128"},
    )
    assert added.status_code == 303
    html = client.get(PAGE).get_data(as_text=True)
    assert "Hong Kong Dollar" in html and "1 HKD = 0.128 USD" in html


def test_a_wrong_rate_shows_the_page_with_its_message(client):
    token = _csrf(client)
    client.post("/admin/currencies/enable", data={"csrf_token": token, "code": "HKD"})
    response = client.post(
        "/admin/currencies/rates",
        data={"csrf_token": token, "currency": "HKD", "valid_from": "2026-12-01", "rate": "-1"},
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Give the rate as a number greater than 0." in html and 'value="-1"' in html


def test_a_csv_import_shows_each_wrong_line_and_writes_nothing(client):
    token = _csrf(client)
    client.post("/admin/currencies/enable", data={"csrf_token": token, "code": "HKD"})
    csv = b"currency,valid_from,rate\nHKD,2026-12-01,0.128\nHKD,someday,0.1\n"
    response = client.post(
        "/admin/currencies/rates/import",
        data={"csrf_token": token, "file": (io.BytesIO(csv), "rates.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "1 of 2 rows are wrong; nothing was imported." in html and "line 3" in html
    assert "No exchange rates yet" in client.get(PAGE).get_data(as_text=True)
    good = client.post(
        "/admin/currencies/rates/import",
        data={"csrf_token": token, "file": (io.BytesIO(csv.split(b"HKD,someday")[0]), "r.csv")},
        content_type="multipart/form-data",
    )
    assert good.status_code == 303
    assert "1 exchange rate imported." in client.get(PAGE).get_data(as_text=True)


def test_the_page_is_in_chinese_for_a_chinese_reader(client):
    html = client.get(PAGE, headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "货币" in html
