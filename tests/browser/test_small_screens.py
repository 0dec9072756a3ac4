"""A phone's width (390 × 844): the record page, the lists and the board fit the screen; only
the designated scroll containers (tables, the board) may be wider, and they scroll inside."""

from __future__ import annotations

import pytest

from core.objects import records
from tests.browser.conftest import ARTIFACTS, require_browser
from tests.conftest import make_tenant, run_as_admin

require_browser()  # skips this module without Chromium or Playwright (fails on CI)

from playwright.sync_api import expect  # noqa: E402

pytestmark = pytest.mark.browser

PASSWORD = "a long enough passphrase"
# What may be wider than the screen: it scrolls inside itself (overflow-x auto).
OVERFLOWING = """() => {
  const width = window.innerWidth;
  const bad = [];
  for (const el of document.body.querySelectorAll("*")) {
    const box = el.getBoundingClientRect();
    // Not shown (e.g. inside a closed <details>): not on the screen either.
    if (box.width === 0 || !el.checkVisibility({visibilityProperty: true})) continue;
    if (box.right > width + 1 || box.left < -1) {
      let inside = false;
      for (let e = el.parentElement; e && e !== document.body; e = e.parentElement) {
        const o = getComputedStyle(e).overflowX;
        if (["auto", "scroll", "hidden", "clip"].includes(o)) { inside = true; break; }
      }
      const own = getComputedStyle(el).overflowX;
      if (!inside && !(own === "auto" || own === "scroll")) {
        const name = el.tagName.toLowerCase() + (el.className ? "." + el.className : "");
        bad.push(name + " " + Math.round(box.left) + ".." + Math.round(box.right));
      }
    }
  }
  return {scroll: document.documentElement.scrollWidth, width, bad: bad.slice(0, 10)};
}"""


def test_pages_fit_a_phone_screen(app, live_server, page, browser_problems):
    tenant = make_tenant(app, "acme", name="Acme Corp", password=PASSWORD)

    def seed(admin):
        company = records.create_record(
            "companies", {"name": "Kestrel Engineering Worldwide Holdings"}, actor=admin
        )
        records.create_record(
            "contacts",
            {"first_name": "Ada", "last_name": "Lovelace", "email": "ada@kestrel.example.com"},
            actor=admin,
        )
        records.create_record("deals", {"name": "Kestrel: 40 pumps", "amount": 12000}, actor=admin)
        return str(company.id)

    company_id = run_as_admin(app, tenant, seed)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url("/login", slug="acme"))
    page.get_by_label("E-mail").fill(tenant["admin_email"])
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Good to see you")

    out = ARTIFACTS / "small-screens"
    out.mkdir(parents=True, exist_ok=True)
    pages = {
        "home": "/",
        "companies": "/o/companies",
        "company": f"/o/companies/{company_id}",
        "contacts": "/o/contacts",
        "deals-board": "/o/deals/board",
        "new-contact": "/o/contacts/new",
        "search": "/search?q=kestrel",
    }
    problems = {}
    for name, path in pages.items():
        page.goto(live_server.url(path, slug="acme"))
        page.screenshot(path=str(out / f"{name}.png"), full_page=True)
        # axe-core ran on this page once it loaded (a serious violation fails the test).
        browser_problems.settle(page)
        assert page.url in browser_problems.checked, f"axe-core did not check {name}"
        found = page.evaluate(OVERFLOWING)
        if found["scroll"] > found["width"] or found["bad"]:
            problems[name] = found
    # The top bar's navigation is behind the Menu button.
    toggle = page.get_by_role("button", name="Menu")
    expect(toggle).to_be_visible()
    expect(
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Deals")
    ).to_be_hidden()
    toggle.click()
    expect(
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Deals")
    ).to_be_visible()
    page.screenshot(path=str(out / "menu-open.png"))
    assert not problems, problems
    # The check can fail: a block wider than the screen is found.
    page.evaluate(  # CSSOM, not a style attribute: the CSP forbids inline styles
        "() => { const d = document.createElement('div'); d.textContent = 'wide';"
        " d.style.minWidth = '600px'; document.body.appendChild(d); }"
    )
    wide = page.evaluate(OVERFLOWING)
    assert wide["bad"], wide
