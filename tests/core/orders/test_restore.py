"""Restoring an order from the recycle bin runs the credit check again, as creating and
confirming do: block refuses the restore, warn restores and says so, off does not check."""

from __future__ import annotations

import pytest

from tests.core.orders.conftest import ORDERS, created, set_credit_check


def _order(api, customer, widget, quantity, **values) -> dict:
    return created(
        api.post(
            ORDERS,
            json={
                "name": values.pop("name", f"Order of {quantity}"),
                "company_id": customer["id"],
                "lines": [{"product_id": widget["id"], "quantity": quantity}],
                **values,
            },
        )
    )


@pytest.fixture
def deleted_order(api, customer, widget) -> dict:
    """A confirmed order of 600.00 in the bin, and another of 600.00 confirmed since: the
    customer's limit is 1,000.00."""
    order = _order(api, customer, widget, 60, name="Binned", status="confirmed")
    assert api.delete(f"{ORDERS}/{order['id']}").status_code == 204
    _order(api, customer, widget, 60, name="Since", status="confirmed")
    return order


def test_block_refuses_the_restore(app, tenant, api, deleted_order):
    set_credit_check(app, tenant, "block")
    response = api.post(f"{ORDERS}/{deleted_order['id']}/restore")
    assert response.status_code == 422
    body = response.get_json()
    assert body["error"] == "credit_limit_exceeded"
    assert "Initech would be over its credit limit by 200.00 USD" in body["message"]
    assert api.get(f"{ORDERS}/{deleted_order['id']}").status_code == 404
    history = api.get(f"{ORDERS}/{deleted_order['id']}/history").get_json()["data"]
    assert [entry["action"] for entry in history] == ["delete", "create"]


def test_warn_restores_and_reports_the_warning(app, tenant, api, deleted_order):
    set_credit_check(app, tenant, "warn")
    response = api.post(f"{ORDERS}/{deleted_order['id']}/restore")
    assert response.status_code == 200
    body = response.get_json()
    assert body["credit_check"] == "over_limit"
    assert "over its credit limit by 200.00 USD" in body["warnings"][0]
    history = api.get(f"{ORDERS}/{deleted_order['id']}/history").get_json()["data"]
    assert history[0]["action"] == "restore"
    assert history[0]["changes"]["credit_check"] == ["within_limit", "over_limit"]


def test_off_and_closed_orders_restore_without_a_check(app, tenant, api, customer, widget):
    set_credit_check(app, tenant, "block")
    paid = _order(api, customer, widget, 90, name="Paid", status="paid")
    assert api.delete(f"{ORDERS}/{paid['id']}").status_code == 204
    _order(api, customer, widget, 90, name="Open", status="confirmed")
    restored = api.post(f"{ORDERS}/{paid['id']}/restore")
    assert restored.status_code == 200 and "warnings" not in restored.get_json()

    set_credit_check(app, tenant, "off")
    draft = _order(api, customer, widget, 20, name="Draft")
    assert api.delete(f"{ORDERS}/{draft['id']}").status_code == 204
    body = api.post(f"{ORDERS}/{draft['id']}/restore").get_json()
    assert body["credit_check"] == "not_checked" and "warnings" not in body


def test_the_recycle_bin_page_says_why_it_refused(app, tenant, client, deleted_order):
    set_credit_check(app, tenant, "block")
    response = client.post(f"/o/orders/{deleted_order['id']}/restore")
    assert response.status_code == 303 and response.location.endswith("/o/orders/bin")
    page = client.get("/o/orders/bin").get_data(as_text=True)
    assert "Not restored: Order refused: Initech would be over its credit limit" in page
    assert "Binned" in page  # still in the bin

    set_credit_check(app, tenant, "warn")
    response = client.post(f"/o/orders/{deleted_order['id']}/restore")
    assert response.status_code == 303
    page = client.get(response.location).get_data(as_text=True)
    assert "is restored." in page and "flash-warning" in page
    assert "over its credit limit by 200.00 USD" in page


def test_other_objects_restore_as_before(api):
    company = created(api.post("/api/v1/objects/companies", json={"name": "Plain"}))
    assert api.delete(f"/api/v1/objects/companies/{company['id']}").status_code == 204
    restored = api.post(f"/api/v1/objects/companies/{company['id']}/restore")
    assert restored.status_code == 200 and "warnings" not in restored.get_json()
    history = api.get(f"/api/v1/objects/companies/{company['id']}/history").get_json()["data"]
    assert history[0]["action"] == "restore" and history[0]["changes"] == {}
