"""Getting around by keyboard: the menu buttons of the top bar and of the list pages."""

from __future__ import annotations

import pytest

from tests.browser.conftest import require_browser
from tests.conftest import make_tenant

require_browser()  # skips this module without Chromium or Playwright (fails on CI)

from playwright.sync_api import expect  # noqa: E402

pytestmark = pytest.mark.browser

PASSWORD = "a long enough passphrase"


def _sign_in(page, live_server, tenant, *, width=1366, height=900) -> None:
    page.set_viewport_size({"width": width, "height": height})
    page.goto(live_server.url("/login", slug=tenant["slug"]))
    page.get_by_label("E-mail").fill(tenant["admin_email"])
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Good to see you")


def _focused(page) -> str:
    return page.evaluate("document.activeElement.textContent.trim()")


def test_the_menus_are_menu_buttons_used_by_keyboard(app, live_server, page):
    tenant = make_tenant(app, "acme", name="Acme Corp", password=PASSWORD)
    _sign_in(page, live_server, tenant)
    nav = page.get_by_role("navigation", name="Main")
    # What a small business works with every day is in the bar; the rest under More.
    for label in ("Companies", "Contacts", "Leads", "Deals", "Activities", "Tickets"):
        expect(nav.get_by_role("link", name=label, exact=True)).to_be_visible()
    expect(nav.get_by_role("link", name="Price book entries")).to_have_count(0)

    setup = nav.get_by_role("button", name="Setup")
    expect(setup).to_have_attribute("aria-haspopup", "menu")
    expect(setup).to_have_attribute("aria-expanded", "false")
    setup.focus()
    page.keyboard.press("Enter")
    expect(setup).to_have_attribute("aria-expanded", "true")
    expect(page.get_by_role("menuitem", name="Users")).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(page.get_by_role("menuitem", name="Workspace")).to_be_focused()
    page.keyboard.press("End")
    expect(page.get_by_role("menuitem", name="Sales (credit check, numbering)")).to_be_focused()
    page.keyboard.press("ArrowDown")  # wraps around
    expect(page.get_by_role("menuitem", name="Users")).to_be_focused()
    page.keyboard.press("p")  # the next item starting with P
    expect(page.get_by_role("menuitem", name="Permissions")).to_be_focused()
    page.keyboard.press("Escape")
    expect(setup).to_be_focused()
    expect(setup).to_have_attribute("aria-expanded", "false")
    expect(page.get_by_role("menuitem", name="Users")).to_be_hidden()

    page.keyboard.press("ArrowUp")  # opens on the last item
    expect(page.get_by_role("menuitem", name="Sales (credit check, numbering)")).to_be_focused()
    page.keyboard.press("Home")
    page.keyboard.press(" ")
    expect(page.get_by_role("heading", name="Users", level=1)).to_be_visible()

    more = nav.get_by_role("button", name="More")
    more.click()
    expect(page.get_by_role("menuitem", name="Products")).to_be_focused()
    page.get_by_role("heading", level=1).click()  # a click elsewhere closes it
    expect(more).to_have_attribute("aria-expanded", "false")

    account = page.get_by_role("button", name="Acme Admin")
    account.focus()
    page.keyboard.press("ArrowDown")
    expect(page.get_by_role("menuitem", name="Your preferences")).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(page.get_by_role("menuitem", name="Two-factor sign-in")).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(page.get_by_role("menuitem", name="API tokens")).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(page.get_by_role("menuitem", name="Sign out")).to_be_focused()
    page.keyboard.press("Tab")  # leaving the menu closes it
    expect(account).to_have_attribute("aria-expanded", "false")


def test_the_columns_and_view_popups_take_and_return_focus(app, live_server, page):
    tenant = make_tenant(app, "acme", name="Acme Corp", password=PASSWORD)
    _sign_in(page, live_server, tenant)
    page.goto(live_server.url("/o/contacts", slug="acme"))
    columns = page.get_by_role("button", name="Columns")
    expect(columns).to_have_attribute("aria-haspopup", "dialog")
    columns.focus()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Columns")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("checkbox").first).to_be_focused()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(columns).to_be_focused()

    view = page.get_by_role("button", name="View: All contacts")
    view.focus()
    page.keyboard.press("Space")
    expect(page.get_by_role("dialog", name="Saved views")).to_be_visible()
    expect(page.get_by_role("link", name="All contacts")).to_be_focused()
    page.keyboard.press("Escape")
    expect(view).to_be_focused()
