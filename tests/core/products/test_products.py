"""Products, price books and entries through the API, and the standard price book."""

from __future__ import annotations

from tests.conftest import make_tenant
from tests.core.orders.conftest import ENTRIES, PRICE_BOOKS, PRODUCTS, QUOTES, created


def test_every_new_workspace_has_a_standard_price_book_in_its_currency(api):
    books = api.get(PRICE_BOOKS).get_json()["data"]
    assert [(b["name"], b["currency"], b["is_standard"], b["active"]) for b in books] == [
        ("Standard price book", "USD", True, True)
    ]
    refused = api.patch(f"{PRICE_BOOKS}/{books[0]['id']}", json={"active": False})
    assert refused.status_code == 422 and "always active" in refused.get_json()["message"]
    standard = f"{PRICE_BOOKS}/{books[0]['id']}"
    assert api.patch(standard, json={"is_standard": False}).status_code == 422


def test_a_workspace_without_a_standard_price_book_gets_one_when_a_quote_needs_it(app, api):
    from core.products.models import PriceBook
    from saas.db import db
    from tenants.scoping import tenant_scope

    initech = make_tenant(app, "initech")
    with app.app_context(), tenant_scope(initech["id"]):
        db.session.query(PriceBook).delete()
        db.session.commit()
    from tests.core.objects.conftest import Api, token_for

    initech_api = Api(app, token_for(app, initech, initech["admin_id"]))
    assert initech_api.get(PRICE_BOOKS).get_json()["data"] == []
    quote = created(initech_api.post(QUOTES, json={"name": "First"}))
    books = initech_api.get(PRICE_BOOKS).get_json()["data"]
    assert [b["is_standard"] for b in books] == [True] and quote["price_book_id"] == books[0]["id"]


def test_a_product_code_is_unique_in_the_workspace_and_currency_defaults(api, other_api):
    product = created(api.post(PRODUCTS, json={"name": "Widget", "code": "W-1"}))
    assert product["currency"] == "USD" and product["active"] is True
    assert product["unit_price"] is None
    twice = api.post(PRODUCTS, json={"name": "Widget 2", "code": "W-1"})
    assert twice.status_code == 422 and "code" in twice.get_json()["fields"]
    # Another workspace may use the same code.
    assert other_api.post(PRODUCTS, json={"name": "Widget", "code": "W-1"}).status_code == 201
    bad = api.post(PRODUCTS, json={"name": "X", "code": "X", "currency": "euro"})
    assert bad.status_code == 422 and "currency" in bad.get_json()["fields"]
    assert api.post(PRODUCTS, json={"name": "No code"}).status_code == 422
    assert api.post(PRODUCTS, json={"name": "X", "code": "X", "unit_price": "-1"}).status_code == (
        422
    )
    # A deleted product's code can be used again.
    assert api.delete(f"{PRODUCTS}/{product['id']}").status_code == 204
    assert api.post(PRODUCTS, json={"name": "Widget new", "code": "W-1"}).status_code == 201


def test_an_inactive_product_cannot_be_added_but_stays_on_existing_lines(api, widget, gadget):
    quote = created(
        api.post(QUOTES, json={"name": "Q", "lines": [{"product_id": widget["id"], "quantity": 1}]})
    )
    api.patch(f"{PRODUCTS}/{widget['id']}", json={"active": False})
    kept = api.patch(
        f"{QUOTES}/{quote['id']}",
        json={"lines": [*quote["lines"], {"product_id": gadget["id"], "quantity": 1}]},
    )
    assert kept.status_code == 200
    refused = api.post(
        QUOTES, json={"name": "Q2", "lines": [{"product_id": widget["id"], "quantity": 1}]}
    )
    assert refused.status_code == 422
    assert refused.get_json()["fields"]["lines[0].product_id"] == ["Widget is inactive."]


def test_a_price_book_keeps_its_currency_while_it_has_prices(api, widget):
    book = created(api.post(PRICE_BOOKS, json={"name": "Partners"}))
    created(
        api.post(
            ENTRIES, json={"price_book_id": book["id"], "product_id": widget["id"], "list_price": 9}
        )
    )
    refused = api.patch(f"{PRICE_BOOKS}/{book['id']}", json={"currency": "EUR"})
    assert refused.status_code == 422 and "currency" in refused.get_json()["fields"]
    assert api.patch(f"{PRICE_BOOKS}/{book['id']}", json={"name": "Partners 2"}).status_code == 200


def test_an_inactive_entry_or_book_no_longer_prices_new_lines(api, widget):
    book = created(api.post(PRICE_BOOKS, json={"name": "Promo"}))
    entry = created(
        api.post(
            ENTRIES, json={"price_book_id": book["id"], "product_id": widget["id"], "list_price": 5}
        )
    )
    api.patch(f"{ENTRIES}/{entry['id']}", json={"active": False})
    quote = created(
        api.post(
            QUOTES,
            json={
                "name": "Q",
                "price_book_id": book["id"],
                "lines": [{"product_id": widget["id"], "quantity": 1}],
            },
        )
    )
    assert quote["lines"][0]["unit_price"] == "10.00"  # the standard price, same currency
    api.patch(f"{PRICE_BOOKS}/{book['id']}", json={"active": False})
    refused = api.post(QUOTES, json={"name": "Q2", "price_book_id": book["id"]})
    assert refused.status_code == 422 and "price_book_id" in refused.get_json()["fields"]
