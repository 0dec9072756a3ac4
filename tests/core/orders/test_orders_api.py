"""Orders through the API: status lifecycle, and the credit check on create and on
confirm in each of the workspace's modes (off, warn, block)."""

from __future__ import annotations

import pytest

from tests.core.orders.conftest import COMPANIES, ORDERS, created, set_credit_check


def _order(api, customer, widget, quantity, **values):
    return api.post(
        ORDERS,
        json={
            "name": values.pop("name", f"Order of {quantity}"),
            "company_id": customer["id"],
            "lines": [{"product_id": widget["id"], "quantity": quantity}],
            **values,
        },
    )


def test_an_order_starts_as_a_draft_dated_today_and_checked(api, customer, widget):
    order = created(_order(api, customer, widget, 30))
    assert order["status"] == "draft" and order["order_date"]
    assert order["total"] == "300.00"
    assert order["credit_check"] == "within_limit"
    assert "unpaid orders 0.00 + this order 300.00" in order["credit_note"]
    assert "warnings" not in order


def test_order_status_lifecycle(api, customer, widget):
    order = created(_order(api, customer, widget, 1))
    path = f"{ORDERS}/{order['id']}"
    assert api.patch(path, json={"status": "confirmed"}).status_code == 200
    locked = api.patch(path, json={"lines": []})
    assert locked.status_code == 422 and "confirmed" in locked.get_json()["message"]
    assert api.patch(path, json={"status": "draft"}).status_code == 200
    assert api.patch(path, json={"status": "invoiced"}).status_code == 200
    back = api.patch(path, json={"status": "confirmed"})
    assert back.get_json()["fields"]["status"] == ["A invoiced order cannot become confirmed."]
    assert api.patch(path, json={"status": "paid"}).status_code == 200
    assert api.patch(path, json={"status": "cancelled"}).status_code == 422
    assert api.patch(path, json={"status": None}).status_code == 422


def test_warn_saves_the_order_and_says_so(app, tenant, api, customer, widget):
    set_credit_check(app, tenant, "warn")
    first = created(_order(api, customer, widget, 60, status="confirmed"))
    assert first["credit_check"] == "within_limit"
    response = _order(api, customer, widget, 50)
    assert response.status_code == 201
    order = response.get_json()
    assert order["credit_check"] == "over_limit"
    warning = order["warnings"][0]
    assert "Initech would be over its credit limit by 100.00 USD" in warning
    assert "unpaid orders 600.00 + this order 500.00 = 1,100.00 USD" in warning
    assert order["credit_note"] == warning
    # Confirming re-runs the check, and warns again.
    confirmed = api.patch(f"{ORDERS}/{order['id']}", json={"status": "confirmed"}).get_json()
    assert confirmed["status"] == "confirmed" and confirmed["credit_check"] == "over_limit"
    assert confirmed["warnings"]


def test_block_refuses_an_order_over_the_limit_and_writes_nothing(
    app, tenant, api, customer, widget
):
    set_credit_check(app, tenant, "block")
    created(_order(api, customer, widget, 60, status="confirmed"))
    response = _order(api, customer, widget, 41)
    assert response.status_code == 422
    body = response.get_json()
    assert body["error"] == "credit_limit_exceeded"
    assert "over its credit limit by 10.00 USD" in body["message"]
    assert "company_id" in body["fields"]
    assert len(api.get(ORDERS).get_json()["data"]) == 1
    # Exactly at the limit is allowed.
    assert _order(api, customer, widget, 40).status_code == 201


def test_block_refuses_confirming_and_leaves_the_order_a_draft(app, tenant, api, customer, widget):
    set_credit_check(app, tenant, "block")
    draft_1 = created(_order(api, customer, widget, 70))
    draft_2 = created(_order(api, customer, widget, 70))
    assert api.patch(f"{ORDERS}/{draft_1['id']}", json={"status": "confirmed"}).status_code == 200
    refused = api.patch(f"{ORDERS}/{draft_2['id']}", json={"status": "confirmed"})
    assert refused.status_code == 422 and refused.get_json()["error"] == "credit_limit_exceeded"
    again = api.get(f"{ORDERS}/{draft_2['id']}").get_json()
    assert again["status"] == "draft" and again["version"] == draft_2["version"]
    # Paying the first order frees the credit.
    api.patch(f"{ORDERS}/{draft_1['id']}", json={"status": "paid"})
    assert api.patch(f"{ORDERS}/{draft_2['id']}", json={"status": "confirmed"}).status_code == 200


@pytest.mark.parametrize("status", ["paid", "cancelled", "draft"])
def test_only_unpaid_orders_count(app, tenant, api, customer, widget, status):
    set_credit_check(app, tenant, "block")
    created(_order(api, customer, widget, 90, status=status))
    assert _order(api, customer, widget, 90).status_code == 201


def test_other_customers_deleted_orders_and_no_limit_do_not_count(
    app, tenant, api, customer, widget
):
    set_credit_check(app, tenant, "block")
    other = created(api.post(COMPANIES, json={"name": "Umbrella", "credit_limit": "100000"}))
    created(_order(api, other, widget, 5000, status="confirmed"))
    gone = created(_order(api, customer, widget, 90, status="confirmed"))
    assert api.delete(f"{ORDERS}/{gone['id']}").status_code == 204
    assert _order(api, customer, widget, 90).status_code == 201
    unlimited = created(api.post(COMPANIES, json={"name": "Unlimited"}))
    order = created(_order(api, unlimited, widget, 100000))
    assert order["credit_check"] == "no_limit"


def test_off_checks_nothing(app, tenant, api, customer, widget):
    set_credit_check(app, tenant, "off")
    order = created(_order(api, customer, widget, 1000))
    assert order["credit_check"] == "not_checked" and "warnings" not in order


def test_the_credit_check_setting_through_the_api(api, member_api):
    assert api.get("/api/v1/settings/credit-check").get_json()["mode"] == "warn"
    assert member_api.put("/api/v1/settings/credit-check", json={"mode": "off"}).status_code == 403
    assert api.put("/api/v1/settings/credit-check", json={"mode": "never"}).status_code == 422
    assert api.put("/api/v1/settings/credit-check", json={}).status_code == 422
    changed = api.put("/api/v1/settings/credit-check", json={"mode": "block"})
    assert changed.status_code == 200 and changed.get_json()["mode"] == "block"
    assert member_api.get("/api/v1/settings/credit-check").get_json()["mode"] == "block"


def test_converting_a_quote_over_the_limit_is_blocked_too(app, tenant, api, customer, widget):
    set_credit_check(app, tenant, "block")
    quote = created(
        api.post(
            "/api/v1/objects/quotes",
            json={
                "name": "Big quote",
                "company_id": customer["id"],
                "status": "accepted",
                "lines": [{"product_id": widget["id"], "quantity": 101}],
            },
        )
    )
    refused = api.post(f"/api/v1/objects/quotes/{quote['id']}/convert")
    assert refused.status_code == 422 and refused.get_json()["error"] == "credit_limit_exceeded"
    assert api.get(ORDERS).get_json()["data"] == []
    assert api.get(f"/api/v1/objects/quotes/{quote['id']}").get_json()["order_id"] is None


def test_moving_an_open_order_to_another_customer_is_checked_too(
    app, tenant, api, customer, widget
):
    set_credit_check(app, tenant, "block")
    small = created(api.post(COMPANIES, json={"name": "Small Co", "credit_limit": "50"}))
    order = created(_order(api, customer, widget, 10, status="confirmed"))
    refused = api.patch(f"{ORDERS}/{order['id']}", json={"company_id": small["id"]})
    assert refused.status_code == 422 and refused.get_json()["error"] == "credit_limit_exceeded"
    assert api.get(f"{ORDERS}/{order['id']}").get_json()["company_id"] == customer["id"]
    renamed = api.patch(f"{ORDERS}/{order['id']}", json={"name": "Renamed"})
    assert renamed.status_code == 200


def test_bulk_orders_are_all_or_nothing_under_the_credit_check(app, tenant, api, customer, widget):
    set_credit_check(app, tenant, "block")
    line = [{"product_id": widget["id"], "quantity": 60}]
    response = api.post(
        f"{ORDERS}/bulk",
        json={
            "records": [
                {"name": "One", "company_id": customer["id"], "status": "confirmed", "lines": line},
                {"name": "Two", "company_id": customer["id"], "status": "confirmed", "lines": line},
            ]
        },
    )
    assert response.status_code == 422
    assert response.get_json()["records"]["1"]["company_id"][0].startswith("Order refused")
    assert api.get(ORDERS).get_json()["data"] == []
