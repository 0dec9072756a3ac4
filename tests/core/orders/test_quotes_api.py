"""Quotes through the generic record API: lines priced from the price book, totals computed
on the server, the status lifecycle, audit of line changes, conversion into an order."""

from __future__ import annotations

from tests.core.orders.conftest import ENTRIES, ORDERS, PRICE_BOOKS, QUOTES, created


def test_a_quote_prices_its_lines_from_the_standard_price_book(api, widget, gadget):
    quote = created(
        api.post(
            QUOTES,
            json={
                "name": "Q1",
                "tax_rate": "20",
                "discount_percent": "10",
                "lines": [
                    {"product_id": widget["id"], "quantity": "3"},
                    {"product_id": gadget["id"], "quantity": 1, "discount_amount": "9.99"},
                    {"description": "Installation", "quantity": "2.5", "unit_price": "40"},
                ],
            },
        )
    )
    standard = api.get(PRICE_BOOKS).get_json()["data"]
    assert [b["is_standard"] for b in standard] == [True]
    assert quote["price_book_id"] == standard[0]["id"] and quote["currency"] == "USD"
    assert quote["status"] == "draft"
    lines = quote["lines"]
    assert [line["description"] for line in lines] == ["Widget", "Gadget", "Installation"]
    assert [line["unit_price"] for line in lines] == ["10.00", "99.99", "40.00"]
    assert [line["line_total"] for line in lines] == ["30.00", "90.00", "100.00"]
    # 220.00 - 10% = 198.00; + 20% tax = 39.60
    assert quote["subtotal"] == "220.00" and quote["discount_amount"] == "22.00"
    assert quote["tax_amount"] == "39.60" and quote["total"] == "237.60"
    again = api.get(f"{QUOTES}/{quote['id']}").get_json()
    assert again["lines"] == lines and again["total"] == "237.60"


def test_a_custom_price_book_entry_overrides_the_standard_price(api, widget):
    book = created(api.post(PRICE_BOOKS, json={"name": "Dealers"}))
    assert book["currency"] == "USD" and book["is_standard"] is False
    entry = created(
        api.post(
            ENTRIES,
            json={"price_book_id": book["id"], "product_id": widget["id"], "list_price": "8.5"},
        )
    )
    assert entry["name"] == "Widget in Dealers"
    twice = api.post(
        ENTRIES, json={"price_book_id": book["id"], "product_id": widget["id"], "list_price": "7"}
    )
    assert twice.status_code == 409
    assert "product_id" in twice.get_json()["fields"]
    quote = created(
        api.post(
            QUOTES,
            json={
                "name": "Dealer quote",
                "price_book_id": book["id"],
                "lines": [{"product_id": widget["id"], "quantity": 4}],
            },
        )
    )
    assert quote["lines"][0]["unit_price"] == "8.50" and quote["total"] == "34.00"


def test_a_product_without_a_price_in_another_currency_needs_a_unit_price(api, widget):
    euros = created(api.post(PRICE_BOOKS, json={"name": "Europe", "currency": "EUR"}))
    response = api.post(
        QUOTES,
        json={
            "name": "Euro quote",
            "price_book_id": euros["id"],
            "lines": [{"product_id": widget["id"], "quantity": 1}],
        },
    )
    assert response.status_code == 422
    assert "no price in Europe (EUR)" in response.get_json()["fields"]["lines[0].unit_price"][0]
    assert api.get(QUOTES).get_json()["data"] == []
    quote = created(
        api.post(
            QUOTES,
            json={
                "name": "Euro quote",
                "price_book_id": euros["id"],
                "lines": [{"product_id": widget["id"], "quantity": 1, "unit_price": "9"}],
            },
        )
    )
    assert quote["currency"] == "EUR" and quote["total"] == "9.00"


def test_bad_lines_are_refused_with_a_message_per_line_and_nothing_is_written(api, widget):
    response = api.post(
        QUOTES,
        json={
            "name": "Bad",
            "lines": [
                {"product_id": widget["id"], "quantity": "0"},
                {"quantity": "1"},
                {"description": "x", "quantity": "1", "unit_price": "-1"},
                {"description": "y", "quantity": "1", "unit_price": "5", "discount_amount": "6"},
                {"description": "z", "quantity": "1.23456", "unit_price": "1"},
                {
                    "product_id": widget["id"],
                    "quantity": 1,
                    "discount_percent": "5",
                    "discount_amount": "1",
                },
                "not a line",
                {"product_id": "not-a-uuid", "quantity": 1},
                {"product_id": widget["id"], "quantity": 1, "colour": "red"},
            ],
        },
    )
    assert response.status_code == 422
    fields = response.get_json()["fields"]
    assert set(fields) == {
        "lines[0].quantity",
        "lines[1].product_id",
        "lines[2].unit_price",
        "lines[4].quantity",
        "lines[5].discount_amount",
        "lines[6]",
        "lines[7].product_id",
        "lines[8]",
    }
    assert api.get(QUOTES).get_json()["data"] == []
    # The discount check needs the price, so it comes once the rest is valid.
    response = api.post(
        QUOTES,
        json={
            "name": "Bad",
            "lines": [{"description": "y", "quantity": 1, "unit_price": 5, "discount_amount": 6}],
        },
    )
    assert response.status_code == 422
    assert (
        "more than the line's amount"
        in response.get_json()["fields"]["lines[0].discount_amount"][0]
    )
    assert api.post(QUOTES, json={"name": "Bad", "lines": "many"}).status_code == 422
    assert api.get(QUOTES).get_json()["data"] == []


def test_totals_are_not_writable(api):
    response = api.post(QUOTES, json={"name": "Q", "total": "1000000"})
    assert response.status_code == 422 and "total" in response.get_json()["fields"]


def test_changing_lines_replaces_them_and_is_audited_on_the_quote(api, widget, gadget):
    quote = created(
        api.post(QUOTES, json={"name": "Q", "lines": [{"product_id": widget["id"], "quantity": 1}]})
    )
    changed = api.patch(
        f"{QUOTES}/{quote['id']}",
        json={"lines": [*quote["lines"], {"product_id": gadget["id"], "quantity": 2}]},
        headers={"If-Match": f'W/"{quote["version"]}"'},
    )
    assert changed.status_code == 200, changed.get_json()
    body = changed.get_json()
    assert [line["description"] for line in body["lines"]] == ["Widget", "Gadget"]
    assert body["total"] == "209.98" and body["version"] == quote["version"] + 1
    history = api.get(f"{QUOTES}/{quote['id']}/history").get_json()["data"]
    update = history[0]
    assert update["action"] == "update"
    assert update["changes"]["lines"] == [
        ["1 x Widget at 10.00 = 10.00"],
        ["1 x Widget at 10.00 = 10.00", "2 x Gadget at 99.99 = 199.98"],
    ]
    assert update["changes"]["total"] == ["10.00", "209.98"]
    # Sending the same lines back changes nothing.
    same = api.patch(f"{QUOTES}/{quote['id']}", json={"lines": body["lines"]})
    assert same.get_json()["version"] == body["version"]
    # A header discount alone recomputes the totals from the stored lines.
    discounted = api.patch(f"{QUOTES}/{quote['id']}", json={"discount_percent": "50"}).get_json()
    assert discounted["discount_amount"] == "104.99" and discounted["total"] == "104.99"


def test_quote_status_lifecycle(api, widget):
    quote = created(api.post(QUOTES, json={"name": "Q"}))
    path = f"{QUOTES}/{quote['id']}"
    assert api.patch(path, json={"status": "sent"}).status_code == 200
    assert api.patch(path, json={"status": "accepted"}).status_code == 200
    locked = api.patch(path, json={"lines": [{"product_id": widget["id"], "quantity": 1}]})
    assert locked.status_code == 422 and "accepted" in locked.get_json()["message"]
    refused = api.patch(path, json={"status": "draft"})
    assert refused.status_code == 422
    assert refused.get_json()["fields"]["status"] == ["A accepted quote cannot become draft."]
    assert api.patch(path, json={"status": "bogus"}).status_code == 422


def test_an_accepted_quote_converts_into_an_order_once(api, widget, customer):
    quote = created(
        api.post(
            QUOTES,
            json={
                "name": "Q-conv",
                "company_id": customer["id"],
                "tax_rate": "8.5",
                "lines": [{"product_id": widget["id"], "quantity": 7, "discount_percent": "10"}],
            },
        )
    )
    path = f"/api/v1/objects/quotes/{quote['id']}/convert"
    early = api.post(path)
    assert early.status_code == 409 and "accepted" in early.get_json()["message"]
    api.patch(f"{QUOTES}/{quote['id']}", json={"status": "accepted"})
    response = api.post(path)
    assert response.status_code == 201, response.get_json()
    order = response.get_json()
    assert order["object"] == "orders" and order["status"] == "draft"
    assert order["quote_id"] == quote["id"] and order["company_id"] == customer["id"]
    assert order["total"] == quote["total"] == "68.36"
    line = order["lines"][0]
    assert (line["quantity"], line["unit_price"], line["discount_percent"]) == ("7", "10.00", "10")
    assert len(order["lines"]) == 1
    assert order["credit_check"] == "within_limit"
    converted = api.get(f"{QUOTES}/{quote['id']}").get_json()
    assert converted["order_id"] == order["id"]
    assert api.post(path).status_code == 409
    assert api.get(ORDERS).get_json()["data"][0]["id"] == order["id"]
    assert len(api.get(ORDERS).get_json()["data"]) == 1
    final = api.patch(f"{QUOTES}/{quote['id']}", json={"status": "declined"})
    assert final.status_code == 422
