"""A salesperson fills in an order's lines with the script's help, sees the totals, and
confirms the order in place: the credit check's warning shows without a reload."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import require_browser
from tests.conftest import make_tenant
from tests.core.objects.test_views import fetch, make

require_browser()  # skips this module without Chromium or Playwright (fails on CI)

from playwright.sync_api import expect  # noqa: E402

pytestmark = pytest.mark.browser


def test_order_lines_totals_and_the_credit_warning(app, live_server, page):
    tenant = make_tenant(app, "acme", name="Acme Corp")
    company = make(app, tenant, "companies", {"name": "Initech", "credit_limit": "500"})
    make(app, tenant, "products", {"name": "Widget", "code": "W-1", "unit_price": "120"})
    order_id = make(app, tenant, "orders", {"name": "Spring order", "company_id": company})

    page.goto(live_server.url("/login", slug="acme"))
    page.get_by_label("E-mail").fill(tenant["admin_email"])
    page.get_by_label("Password").fill(tenant["password"])
    page.get_by_role("button", name="Sign in").click()
    page.goto(live_server.url(f"/o/orders/{order_id}", slug="acme"))

    # The script keeps one empty row and offers to add more.
    rows = page.locator("tr[data-line]")
    expect(rows).to_have_count(1)
    page.get_by_label("Product of line 1").select_option(label="Widget (W-1)")
    page.get_by_label("Quantity of line 1").fill("3")
    page.get_by_label("Unit price of line 1").fill("120")
    page.get_by_label("Discount % of line 1").fill("10")
    expect(rows.nth(0).locator("[data-line-total]")).to_have_text("$324.00")
    page.get_by_role("button", name="Add a line").click()
    expect(rows).to_have_count(2)
    expect(page.get_by_label("Product of line 2")).to_be_focused()
    page.get_by_label("Description of line 2").fill("Delivery")
    page.get_by_label("Quantity of line 2").fill("1")
    page.get_by_label("Unit price of line 2").fill("250")
    page.get_by_role("button", name="Save lines").click()

    expect(page.get_by_text("Lines saved.")).to_be_visible()
    totals = page.locator(".totals .grand")
    expect(totals).to_contain_text("$574.00")

    # Confirm in place: over the limit of 500, the workspace warns (its default).
    status_row = page.locator('.field-row[data-field="status"]')
    status_row.locator("summary").click()
    status_row.get_by_label("Status").select_option("confirmed")
    status_row.get_by_role("button", name="Save").click()
    expect(page.locator(".flash-warning")).to_contain_text(
        re.compile(r"Initech would be over its credit limit by 74\.00 USD")
    )
    expect(page.locator('[data-display="credit_check"]')).to_contain_text("Over limit")
    assert fetch(app, tenant, "orders", order_id)["status"] == "confirmed"
