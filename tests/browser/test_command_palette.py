"""The command palette: Ctrl-K (or the top bar's button) jumps to records, objects, views and
settings, and creates records; a modal dialog used by keyboard."""

from __future__ import annotations

import pytest

from core.objects import records
from tests.browser.conftest import require_browser
from tests.conftest import make_tenant, run_as_admin

require_browser()  # skips this module without Chromium or Playwright (fails on CI)

from playwright.sync_api import expect  # noqa: E402

pytestmark = pytest.mark.browser

PASSWORD = "a long enough passphrase"


def _sign_in(page, live_server, tenant) -> None:
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(live_server.url("/login", slug=tenant["slug"]))
    page.get_by_label("E-mail").fill(tenant["admin_email"])
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Good to see you")


def test_the_palette_jumps_to_a_record_and_creates_one_by_keyboard(
    app, live_server, page, browser_problems, tmp_path
):
    tenant = make_tenant(app, "acme", name="Acme Corp", password=PASSWORD)
    # A company to find.
    run_as_admin(
        app,
        tenant,
        lambda admin: records.create_record("companies", {"name": "Globex Inc."}, actor=admin),
    )
    _sign_in(page, live_server, tenant)

    button = page.get_by_role("button", name="Jump to")
    expect(button).to_have_attribute("aria-haspopup", "dialog")
    button.focus()
    page.keyboard.press("Control+k")
    dialog = page.get_by_role("dialog", name="Jump to or create")
    expect(dialog).to_be_visible()
    box = dialog.get_by_role("combobox")
    expect(box).to_be_focused()
    # Without typing: objects, new records, settings (an admin).
    expect(dialog.get_by_role("option", name="Deals Go to")).to_be_visible()
    page.keyboard.type("globex")
    first = dialog.get_by_role("option").first
    expect(first).to_contain_text("Globex Inc.")
    expect(dialog.get_by_role("option", name="All results")).to_be_visible()
    expect(first).to_have_attribute("aria-selected", "true")
    page.keyboard.press("Escape")  # closes and gives focus back
    expect(dialog).to_be_hidden()
    expect(button).to_be_focused()

    page.keyboard.press("Control+k")
    page.keyboard.type("new deal")
    option = dialog.get_by_role("option", name="New deal Create")
    expect(option).to_be_visible()
    expect(dialog.get_by_role("option", name="All results")).to_be_visible()  # records came
    expect(option).to_have_attribute("aria-selected", "true")  # commands come first
    browser_problems.check_accessibility(page)  # axe-core on the open dialog too
    page.screenshot(path=str(tmp_path / "palette.png"))
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowUp")
    expect(option).to_have_attribute("aria-selected", "true")
    page.keyboard.press("Enter")
    page.wait_for_url("**/o/deals/new")

    page.keyboard.press("Control+k")
    page.keyboard.type("globex")
    expect(dialog.get_by_role("option", name="All results")).to_be_visible()
    expect(dialog.get_by_role("option").first).to_contain_text("Globex Inc.")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Globex Inc.")
