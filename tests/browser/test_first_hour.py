"""The first hour of a small business, end to end, as a new user walks it.

Landing page (and the base host's sign-in and find-your-workspace pages) → sign-up (an
address that cannot receive mail refused, then fixed) → Get started → a company, a contact
at it and a deal for it → the deals board (the deal moved with the keyboard-accessible
select, the column totals checked) → a colleague invited, who joins in a browser of their
own and sees the deal → the settings pages. Once at a laptop's 1366 × 900 and once at a
phone's 390 × 844.

Every page is checked by the `new_context` fixture (script errors, CSP violations, axe-core),
for anything wider than the screen (OVERFLOWING), for boxes that cut their content off at
laptop width (CLIPPED) and selects too narrow for their choice, and saved as a screenshot in
test-artifacts/first-hour/<size>/ to be looked at.
"""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import ARTIFACTS, link_in, require_browser
from tests.browser.test_small_screens import OVERFLOWING

require_browser()  # skips this module without Chromium or Playwright (fails on CI)

from playwright.sync_api import expect  # noqa: E402

pytestmark = pytest.mark.browser

SIZES = {
    "laptop": {"viewport": {"width": 1366, "height": 900}},
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
}
ADMIN = {
    "company": "Harbour Lane Bakery",
    "slug": "harbour-lane",
    "name": "Maya Okafor",
    "email": "maya@harbourlane.example.com",
    "password": "flour and salt at dawn",
}
COLLEAGUE = {"name": "Tom Reyes", "email": "tom@harbourlane.example.com"}


# What is cut off at a laptop's width: a box that hides part of its content or scrolls it
# sideways (a table behind a scrollbar, a name clipped in the top bar). Form fields scroll
# their own text and are left out; so are the 1-pixel boxes of screen-reader-only text.
CLIPPED = """() => {
  const bad = [];
  for (const el of document.body.querySelectorAll("*")) {
    if (["INPUT", "TEXTAREA", "SELECT", "OPTION"].includes(el.tagName)) continue;
    const overflow = getComputedStyle(el).overflowX;
    if (!["auto", "scroll", "hidden", "clip"].includes(overflow)) continue;
    if (el.clientWidth <= 1 || !el.checkVisibility({visibilityProperty: true})) continue;
    if (el.scrollWidth > el.clientWidth) {
      const name = el.tagName.toLowerCase() + (el.className ? "." + el.className : "");
      bad.push(name + " shows " + el.clientWidth + " of " + el.scrollWidth + "px");
    }
  }
  return bad.slice(0, 10);
}"""

# A select too narrow to show the choice it holds (its text, padding and arrow).
NARROW_SELECTS = """() => {
  const measure = document.createElement("canvas").getContext("2d");
  const bad = [];
  for (const select of document.querySelectorAll("select")) {
    if (!select.checkVisibility({visibilityProperty: true})) continue;
    if (!select.selectedOptions.length) continue;
    let offscreen = false;  // inside a 1-pixel box: for screen readers until focused
    for (let e = select.parentElement; e; e = e.parentElement) {
      if (e.getBoundingClientRect().width <= 1) { offscreen = true; break; }
    }
    if (offscreen) continue;
    const style = getComputedStyle(select);
    measure.font = style.font;
    const text = select.selectedOptions[0].text;
    const needed = measure.measureText(text).width + parseFloat(style.paddingLeft)
      + parseFloat(style.paddingRight);
    if (needed > select.clientWidth + 1) {
      bad.push((select.id || select.name) + " shows " + select.clientWidth + "px of " +
        JSON.stringify(text) + " (" + Math.ceil(needed) + "px)");
    }
  }
  return bad.slice(0, 10);
}"""


class Walk:
    """Screenshots of each step, and what overflowed the screen on the way."""

    def __init__(self, size: str, browser_problems) -> None:
        self.out = ARTIFACTS / "first-hour" / size
        self.out.mkdir(parents=True, exist_ok=True)
        for old in self.out.glob("*.png"):
            old.unlink()
        self.count = 0
        self.overflowing: dict[str, dict] = {}
        self.clipped: dict[str, list[str]] = {}
        self.wide = SIZES[size]["viewport"]["width"] >= 1366
        self.problems = browser_problems

    def step(self, page, name: str) -> None:
        page.wait_for_load_state("load")
        self.count += 1
        page.screenshot(path=str(self.out / f"{self.count:02d}-{name}.png"), full_page=True)
        self.problems.settle(page)
        found = page.evaluate(OVERFLOWING)
        if found["scroll"] > found["width"] or found["bad"]:
            self.overflowing[name] = found
        clipped = page.evaluate(CLIPPED) if self.wide else []
        if clipped := clipped + page.evaluate(NARROW_SELECTS):
            self.clipped[name] = clipped


def _open_nav(page):
    """The main navigation, opened behind the Menu button on a phone."""
    nav = page.get_by_role("navigation", name="Main")
    menu = page.get_by_role("button", name="Menu")
    if menu.is_visible() and menu.get_attribute("aria-expanded") == "false":
        menu.click()
    return nav


def _setup_menu(page, item: str) -> None:
    nav = _open_nav(page)
    nav.get_by_role("button", name="Setup").click()
    nav.get_by_role("menuitem", name=item).click()


def _top_bar_fits(page, size: str) -> None:
    """The workspace's whole name shows on a laptop; on a phone the bar takes two rows: the
    name, Menu and the user menu, then the search box with the Jump to button."""
    bar = page.get_by_role("banner")
    if size != "phone":
        cut = bar.locator(".brand-name").evaluate("name => name.scrollWidth > name.clientWidth")
        assert not cut, "the workspace's name is cut off in the top bar"

    def middle(selector: str) -> float:
        box = bar.locator(selector).first.bounding_box()
        return box["y"] + box["height"] / 2

    parts = [".brand", ".usermenu", ".topsearch", ".palette-button"]
    if size == "phone":
        parts.append(".nav-toggle")
    rows: list[list[str]] = []
    for part in sorted(parts, key=middle):
        if rows and abs(middle(rows[-1][0]) - middle(part)) < 12:
            rows[-1].append(part)
        else:
            rows.append([part])
    if size == "phone":
        assert [sorted(row) for row in rows] == [
            [".brand", ".nav-toggle", ".usermenu"],
            [".palette-button", ".topsearch"],
        ], rows
    else:
        assert len(rows) == 1, rows


@pytest.mark.parametrize("size", list(SIZES))
def test_the_first_hour_of_a_small_business(app, live_server, new_context, browser_problems, size):
    walk = Walk(size, browser_problems)
    admin = new_context(**SIZES[size]).new_page()
    home = live_server.url("/", slug=ADMIN["slug"])

    # The landing page says what Trellis is and what it costs, and leads to sign-up.
    admin.goto(live_server.url("/"))
    expect(admin.get_by_role("heading", level=1)).to_be_visible()
    expect(admin.get_by_test_id("offer")).to_contain_text("free")
    walk.step(admin, "landing")
    # Someone already on Trellis finds their way from here: sign in at the base host names
    # the workspace's address, and the workspace can be found by e-mail.
    admin.get_by_role("link", name="enter it here").click()
    expect(admin.get_by_role("heading", name="Sign in to your workspace")).to_be_visible()
    walk.step(admin, "base-login")
    admin.get_by_role("link", name="Find it by e-mail").click()
    expect(admin.get_by_role("heading", name="Find your workspace")).to_be_visible()
    walk.step(admin, "find-workspace")
    admin.get_by_role("link", name="Create your workspace").first.click()

    # Sign-up: the address is suggested from the company name.
    expect(admin.get_by_role("heading", name="Create your workspace")).to_be_visible()
    # The page arrived by a click: wait until its script has wired the form (the heading
    # shows before DOMContentLoaded's handlers run, and a loaded machine fills first).
    admin.wait_for_load_state("load")
    admin.get_by_label("Company name").fill(ADMIN["company"])
    slug = admin.get_by_label("Workspace address")
    expect(slug).to_have_value("harbour-lane-bakery")
    slug.fill(ADMIN["slug"])
    expect(admin.locator("#slug-status")).to_have_text(f"✓ {ADMIN['slug']} is available")
    admin.get_by_label("Your name").fill(ADMIN["name"])
    # An address that cannot receive mail is refused with its reason, which goes once fixed.
    email = admin.get_by_label("Work e-mail")
    email.fill("maya@harbourlane.test")
    admin.get_by_label("Password").fill(ADMIN["password"])
    email_error = admin.locator(".field", has=email).locator(".error")
    expect(email_error).to_contain_text(".test is reserved for testing")
    walk.step(admin, "signup-refused-address")
    email.fill(ADMIN["email"])
    expect(email_error).to_have_count(0)
    walk.step(admin, "signup")
    admin.get_by_role("button", name="Create workspace").click()

    # Home: Get started lists what a new workspace does first.
    expect(admin).to_have_url(home)
    expect(admin.get_by_role("heading", level=1)).to_have_text("Good to see you, Maya")
    started = admin.get_by_test_id("get-started")
    expect(started.get_by_role("link")).to_have_text(
        [
            "Add your contacts",
            "Invite your team",
            "Set up your pipeline",
            "Add the fields your team needs",
        ]
    )
    walk.step(admin, "home-new")
    # Get started comes first, above the (still empty) dashboards, on the first screen.
    pipeline_head = admin.get_by_role("heading", name="Team pipeline")
    assert started.bounding_box()["y"] < pipeline_head.bounding_box()["y"]
    assert started.bounding_box()["y"] < SIZES[size]["viewport"]["height"] / 2
    # An empty pipeline says so (and where deals go) instead of drawing empty bars.
    expect(admin.get_by_test_id("pipeline-empty")).to_have_text(
        "No open deal yet: the deals on the board show here by stage. Open the deals board"
    )
    _top_bar_fits(admin, size)

    # The first company, from the top bar.
    _open_nav(admin).get_by_role("link", name="Companies").click()
    expect(admin.get_by_role("heading", name="Companies", level=1)).to_be_visible()
    walk.step(admin, "companies-empty")
    admin.get_by_role("link", name="New company").first.click()
    admin.get_by_label(re.compile(r"^Name")).fill("Corner Café")
    # Roles say what they are to the user, not how the API filters them.
    expect(admin.get_by_text("What this company is to you; tick as many as apply.")).to_be_visible()
    # A new record is the creator's: the form says so instead of showing no owner.
    expect(admin.get_by_label("Owner").locator("option:checked")).to_have_text(ADMIN["name"])
    walk.step(admin, "company-form")
    admin.get_by_role("button", name="Create company").click()
    expect(admin.get_by_role("heading", name="Corner Café", level=1)).to_be_visible()
    walk.step(admin, "company")

    # A contact at it, from Get started.
    admin.goto(home)
    started.get_by_role("link", name="Add your contacts").click()
    admin.get_by_label("First name").fill("Lena")
    admin.get_by_label("Last name").fill("Fischer")
    admin.get_by_label("E-mail").fill("lena@cornercafe.example.com")
    admin.get_by_label("Company").select_option(label="Corner Café")
    walk.step(admin, "contact-form")
    admin.get_by_role("button", name="Create contact").click()
    expect(admin.get_by_role("heading", name="Lena Fischer", level=1)).to_be_visible()
    walk.step(admin, "contact")

    # A deal for it, from the board Get started leads to.
    admin.goto(home)
    started.get_by_role("link", name="Set up your pipeline").click()
    expect(admin).to_have_url(live_server.url("/o/deals/board", slug=ADMIN["slug"]))
    walk.step(admin, "board-empty")
    admin.get_by_role("link", name="New deal").first.click()
    admin.get_by_label(re.compile(r"^Name")).fill("Corner Café: daily bread")
    # The amount is in the corporate currency unless another is chosen beside it.
    admin.get_by_label("Amount", exact=True).fill("4800")
    admin.get_by_label("Company").select_option(label="Corner Café")
    walk.step(admin, "deal-form")
    admin.get_by_role("button", name="Create deal").click()
    expect(admin.get_by_role("heading", name="Corner Café: daily bread", level=1)).to_be_visible()
    walk.step(admin, "deal")

    # The board: deals are in the top bar and open on it.
    _open_nav(admin).get_by_role("link", name="Deals").click()
    expect(admin).to_have_url(live_server.url("/o/deals/board", slug=ADMIN["slug"]))
    columns = admin.locator(".board-column")
    first = columns.first
    expect(first.locator("[data-figures]")).to_have_text("1 deal, total $4,800, $480 weighted")
    # "1 deal", not a bare 1: the count says what it counts on the screen too.
    assert first.locator(".count > span").last.bounding_box()["width"] > 20
    walk.step(admin, "board")
    move = admin.get_by_label("Move Corner Café: daily bread to")
    target = columns.nth(1).get_by_role("heading").inner_text().strip()
    move.focus()
    move.select_option(label=target)
    expect(admin.locator("[data-board-status]")).to_contain_text("moved to")
    second = columns.filter(has=admin.get_by_role("heading", name=target))
    expect(second.locator("[data-cards]")).to_contain_text("Corner Café: daily bread")
    expect(first.locator("[data-figures]")).to_have_text(re.compile(r"^0 deals"))
    expect(second.locator("[data-figures]")).to_have_text(re.compile(r"^1 deal, total \$4,800"))
    walk.step(admin, "board-moved")

    # Invite a colleague.
    _setup_menu(admin, "Users")
    expect(admin.get_by_role("heading", name="Users", level=1)).to_be_visible()
    expect(admin.get_by_test_id("seat-count")).to_contain_text("1 billable seat ·")
    invite = admin.locator(
        "form", has=admin.get_by_role("button", name="Send invitation", exact=True)
    )
    invite.get_by_label("Name", exact=True).fill(COLLEAGUE["name"])
    invite.get_by_label("E-mail", exact=True).fill(COLLEAGUE["email"])
    invite.get_by_label("Role", exact=True).select_option("member")
    walk.step(admin, "invite")
    invite.get_by_role("button", name="Send invitation", exact=True).click()
    expect(admin.get_by_role("status")).to_have_text(f"Invitation sent to {COLLEAGUE['email']}.")
    expect(admin.get_by_test_id("seat-count")).to_contain_text("2 billable seats ·")
    # The invitation's buttons are in view, not behind the table's scrollbar (CLIPPED).
    expect(admin.get_by_role("button", name=f"Deactivate {COLLEAGUE['name']}")).to_be_visible()
    walk.step(admin, "invited")

    # The colleague joins in a browser of their own and sees the deal on the board.
    colleague = new_context(**SIZES[size]).new_page()
    colleague.goto(link_in(live_server.mail_to(COLLEAGUE["email"])))
    expect(colleague.get_by_role("heading", name=f"Join {ADMIN['company']}")).to_be_visible()
    colleague.get_by_label("Choose a password").fill("tom's rye sourdough starter")
    walk.step(colleague, "join")
    colleague.get_by_role("button", name="Join").click()
    expect(colleague).to_have_url(home)
    expect(colleague.get_by_role("heading", level=1)).to_have_text("Good to see you, Tom")
    walk.step(colleague, "colleague-home")
    _open_nav(colleague).get_by_role("link", name="Deals").click()
    expect(colleague.locator("[data-board]")).to_contain_text("Corner Café: daily bread")
    walk.step(colleague, "colleague-board")

    # The admin's settings pages.
    admin.goto(home)
    expect(started.get_by_role("link")).to_have_text(["Add the fields your team needs"])
    walk.step(admin, "home-after")
    for item in ["Objects and fields", "Navigation", "Billing"]:
        _setup_menu(admin, item)
        walk.step(admin, "setup-" + re.sub(r"\W+", "-", item.lower()))
    admin.get_by_role("button", name=ADMIN["name"]).click()
    admin.get_by_role("menuitem", name="API tokens").click()
    walk.step(admin, "settings-tokens")

    assert not walk.overflowing, walk.overflowing
    assert not walk.clipped, walk.clipped
