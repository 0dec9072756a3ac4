"""The web pages of quotes and orders: the lines editor without JavaScript, the credit
check on the order form and on confirming inline, converting a quote, the admin setting."""

from __future__ import annotations

from tests.conftest import add_user
from tests.core.objects.test_views import MEMBER, count, fetch, make
from tests.core.orders.conftest import set_credit_check


def _lines_form(rows: list[dict], *, blank: int = 1, version=None) -> dict:
    data = {"line_count": str(len(rows) + blank)}
    if version is not None:
        data["version"] = str(version)
    for index, row in enumerate(rows):
        for name, value in row.items():
            data[f"line-{index}-{name}"] = value
    return data


def _product(app, tenant, name="Widget", code="W-1", price="10.00") -> str:
    return make(app, tenant, "products", {"name": name, "code": code, "unit_price": price})


def test_the_record_page_edits_lines_without_javascript(app, tenant, client):
    widget = _product(app, tenant)
    quote_id = make(app, tenant, "quotes", {"name": "Web quote", "tax_rate": "10"})
    page = client.get(f"/o/quotes/{quote_id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Save lines" in html and 'name="line-0-product_id"' in html and "Widget (W-1)" in html

    setup = {"description": "Setup", "quantity": "1", "unit_price": "5", "discount_amount": "1"}
    response = client.post(
        f"/o/quotes/{quote_id}/lines",
        data=_lines_form([{"product_id": widget, "quantity": "2"}, setup], blank=2),
    )
    assert response.status_code == 303
    quote = fetch(app, tenant, "quotes", quote_id)
    assert [line["line_total"] for line in quote["lines"]] == ["20.00", "4.00"]
    assert quote["total"] == "26.40"
    html = client.get(f"/o/quotes/{quote_id}").get_data(as_text=True)
    assert "Lines saved." in html and "$26.40" in html

    # Removing a line, with the page's version.
    form = _lines_form(
        [{"product_id": widget, "quantity": "2", "remove": "on"}, setup],
        version=quote["version"],
    )
    assert client.post(f"/o/quotes/{quote_id}/lines", data=form).status_code == 303
    assert [line["description"] for line in fetch(app, tenant, "quotes", quote_id)["lines"]] == [
        "Setup"
    ]


def test_a_bad_line_shows_the_form_again_with_its_message(app, tenant, client):
    widget = _product(app, tenant)
    quote_id = make(
        app, tenant, "quotes", {"name": "Q", "lines": [{"product_id": widget, "quantity": 1}]}
    )
    response = client.post(
        f"/o/quotes/{quote_id}/lines",
        data=_lines_form(
            [{"product_id": widget, "quantity": "1"}, {"description": "Oops", "quantity": "-2"}]
        ),
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Enter a number above 0." in html and 'value="-2"' in html and 'value="Oops"' in html
    assert len(fetch(app, tenant, "quotes", quote_id)["lines"]) == 1


def test_a_stale_lines_form_is_refused(app, tenant, client):
    quote_id = make(app, tenant, "quotes", {"name": "Q"})
    stale = _lines_form([{"description": "A", "quantity": "1", "unit_price": "1"}], version=1)
    assert client.post(f"/o/quotes/{quote_id}/lines", data=stale).status_code == 303
    again = client.post(f"/o/quotes/{quote_id}/lines", data=stale)
    assert again.status_code == 412 and "changed" in again.get_data(as_text=True)


def test_a_confirmed_order_shows_its_lines_read_only(app, tenant, client):
    widget = _product(app, tenant)
    order_id = make(
        app,
        tenant,
        "orders",
        {"name": "O", "status": "confirmed", "lines": [{"product_id": widget, "quantity": 3}]},
    )
    html = client.get(f"/o/orders/{order_id}").get_data(as_text=True)
    assert "Save lines" not in html and "can no longer change" in html and "30.00" in html
    refused = client.post(f"/o/orders/{order_id}/lines", data=_lines_form([]))
    assert refused.status_code == 422
    assert len(fetch(app, tenant, "orders", order_id)["lines"]) == 1
    assert client.post(f"/o/quotes/{order_id}/lines", data=_lines_form([])).status_code == 404


def test_the_order_form_warns_or_blocks_over_the_credit_limit(app, tenant, client):
    company = make(app, tenant, "companies", {"name": "Initech", "credit_limit": "100"})
    widget = _product(app, tenant, price="80")
    make(
        app,
        tenant,
        "orders",
        {
            "name": "Open",
            "company_id": company,
            "status": "confirmed",
            "lines": [{"product_id": widget, "quantity": 1}],
        },
    )
    draft = make(
        app,
        tenant,
        "orders",
        {"name": "Next", "company_id": company, "lines": [{"product_id": widget, "quantity": 1}]},
    )
    set_credit_check(app, tenant, "block")
    refused = client.post(
        f"/o/orders/{draft}/fields/status", data={"status": "confirmed", "version": "1"}
    )
    assert refused.status_code == 422
    assert "over its credit limit by 60.00 USD" in refused.get_data(as_text=True)
    assert fetch(app, tenant, "orders", draft)["status"] == "draft"
    before = count(app, tenant, "orders")
    response = client.post("/o/orders/new", data={"name": "Third", "company_id": company})
    # An empty order adds nothing: it passes; the credit check names the figures.
    assert response.status_code == 303
    assert count(app, tenant, "orders") == before + 1

    set_credit_check(app, tenant, "warn")
    confirmed = client.post(
        f"/o/orders/{draft}/fields/status",
        data={"status": "confirmed", "version": "1"},
        follow_redirects=True,
    )
    html = confirmed.get_data(as_text=True)
    assert confirmed.status_code == 200 and "flash-warning" in html
    assert "over its credit limit by 60.00 USD" in html
    assert fetch(app, tenant, "orders", draft)["status"] == "confirmed"


def test_converting_an_accepted_quote_from_its_page(app, tenant, client):
    widget = _product(app, tenant)
    quote_id = make(
        app,
        tenant,
        "quotes",
        {"name": "Deal quote", "lines": [{"product_id": widget, "quantity": 2}]},
    )
    assert "Convert to order" not in client.get(f"/o/quotes/{quote_id}").get_data(as_text=True)
    early = client.post(f"/o/quotes/{quote_id}/convert")
    assert early.status_code == 409 and "Only an accepted quote" in early.get_data(as_text=True)
    client.post(f"/o/quotes/{quote_id}/fields/status", data={"status": "accepted"})
    assert "Convert to order" in client.get(f"/o/quotes/{quote_id}").get_data(as_text=True)
    response = client.post(f"/o/quotes/{quote_id}/convert")
    assert response.status_code == 303 and "/o/orders/" in response.headers["Location"]
    order_id = response.headers["Location"].rsplit("/", 1)[1]
    order = fetch(app, tenant, "orders", order_id)
    assert order["quote_id"] == quote_id and order["total"] == "20.00"
    assert "Convert to order" not in client.get(f"/o/quotes/{quote_id}").get_data(as_text=True)


def test_the_admin_sets_the_credit_check(app, tenant, client, login_as):
    page = client.get("/admin/sales")
    assert page.status_code == 200 and 'value="warn" checked' in page.get_data(as_text=True)
    assert client.post("/admin/sales", data={"credit_check": "sometimes"}).status_code == 422
    assert client.post("/admin/sales", data={"credit_check": "block"}).status_code == 303
    assert 'value="block" checked' in client.get("/admin/sales").get_data(as_text=True)
    add_user(app, tenant, email=MEMBER["email"], password=MEMBER["password"])
    member = login_as(tenant, MEMBER["email"], MEMBER["password"])
    assert member.get("/admin/sales").status_code == 403
    assert member.post("/admin/sales", data={"credit_check": "off"}).status_code == 403


def test_the_new_order_form_is_refused_for_a_customer_over_the_limit(app, tenant, client):
    company = make(app, tenant, "companies", {"name": "Initech", "credit_limit": "50"})
    set_credit_check(app, tenant, "off")
    make(
        app,
        tenant,
        "orders",
        {
            "name": "Open",
            "company_id": company,
            "status": "confirmed",
            "lines": [{"description": "Service", "quantity": 1, "unit_price": "80"}],
        },
    )
    set_credit_check(app, tenant, "block")
    before = count(app, tenant, "orders")
    response = client.post("/o/orders/new", data={"name": "More", "company_id": company})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Order refused: Initech would be over its credit limit by 30.00 USD" in html
    assert 'value="More"' in html
    assert count(app, tenant, "orders") == before
