"""The admin's billing page in a browser: choose a plan, add a seat with its price shown,
cancel at period end and resume (offline backend, the embedded default)."""

from __future__ import annotations

import os

import pytest

from tests.browser.conftest import require_browser
from tests.conftest import make_tenant

require_browser()  # skips this module without Chromium or Playwright (fails on CI)

from playwright.sync_api import expect  # noqa: E402

pytestmark = pytest.mark.browser


def _sign_in(page, live_server, tenant: dict) -> None:
    page.goto(live_server.url("/login", slug=tenant["slug"]))
    page.get_by_label("E-mail").fill(tenant["admin_email"])
    page.get_by_label("Password").fill(tenant["password"])
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(live_server.url("/", slug=tenant["slug"]))


def test_choose_a_plan_add_a_seat_cancel_and_resume(app, live_server, page, moving_clock):
    tenant = make_tenant(app, "acme", name="Acme Corp")
    _sign_in(page, live_server, tenant)

    page.get_by_role("navigation", name="Main").get_by_role("button", name="Setup").click()
    page.get_by_role("menuitem", name="Billing").click()
    expect(page.get_by_role("heading", name="Pro plan")).to_be_visible()
    expect(page.get_by_test_id("billing-status")).to_have_text("Free trial")

    # The trial is over: the workspace is on Free, and chooses Starter, billed monthly.
    moving_clock.advance(days=15)
    page.reload()
    expect(page.get_by_role("heading", name="Free plan")).to_be_visible()
    expect(page.get_by_test_id("seats-used")).to_have_text("1 of 2 included")
    page.get_by_label("Plan", exact=True).select_option(label="Starter")
    page.get_by_label("Billing period").select_option(label="Monthly")
    page.get_by_role("button", name="Continue to payment").click()
    expect(page.get_by_text("Thank you: your subscription is active.")).to_be_visible()
    expect(page.get_by_role("heading", name="Starter plan")).to_be_visible()
    expect(page.get_by_test_id("seats-paid")).to_have_text("1")
    expect(page.get_by_test_id("next-invoice")).to_contain_text("$15.00")
    expect(page.get_by_role("cell", name="OFF-0001")).to_be_visible()

    # Inviting a member needs a second seat: the price is shown before anything happens.
    page.get_by_role("navigation", name="Main").get_by_role("button", name="Setup").click()
    page.get_by_role("menuitem", name="Users").click()
    page.get_by_label("Name", exact=True).fill("Bruno Costa")
    page.get_by_label("E-mail").fill("bruno@acme.example.com")
    page.get_by_label("Role", exact=True).select_option(label="Member")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_test_id("seat-quote")).to_contain_text("adds a seat at $15.00 per month")
    page.get_by_role("button", name="Add a seat and send the invitation").click()
    expect(page.get_by_text("Invitation sent to bruno@acme.example.com.")).to_be_visible()
    expect(page.get_by_test_id("seat-count")).to_contain_text("2 billable seats, 2 paid")

    # Cancel at the end of the period (after confirming), then change one's mind.
    page.get_by_role("navigation", name="Main").get_by_role("button", name="Setup").click()
    page.get_by_role("menuitem", name="Billing").click()
    expect(page.get_by_test_id("seats-paid")).to_have_text("2")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Cancel at period end").click()
    expect(
        page.get_by_text("The subscription ends at the end of this billing period")
    ).to_be_visible()
    if os.environ.get("TRELLIS_SCREENSHOTS"):
        page.screenshot(path=os.environ["TRELLIS_SCREENSHOTS"] + "/billing.png", full_page=True)
    page.get_by_role("button", name="Resume the subscription").click()
    expect(page.get_by_text("The subscription continues.")).to_be_visible()
    expect(page.get_by_role("button", name="Cancel at period end")).to_be_visible()
