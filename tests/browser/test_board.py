"""The deals board at 1366 px: every stage fits, or the board scrolls on its own under
headers that stay in view; the totals follow a moved card; won and lost open on demand."""

from __future__ import annotations

import pytest

from saas.auth.models import User
from saas.db import db
from tenants.scoping import tenant_scope
from tests.browser.conftest import require_browser
from tests.conftest import make_tenant

require_browser()  # skips this module without Chromium or Playwright (fails on CI)

from playwright.sync_api import expect  # noqa: E402

pytestmark = pytest.mark.browser

PASSWORD = "a long enough passphrase"
WIDE = {"width": 1366, "height": 900}


def _seed(app, tenant, *, stages=None, per_stage=2) -> list[str]:
    """Deals in every open stage of the default pipeline (or of a pipeline of ``stages``)."""
    from core.deals import services as deals
    from core.objects import records

    with app.app_context(), tenant_scope(tenant["id"]):
        admin = db.session.get(User, (tenant["id"], tenant["admin_id"]))
        if stages:
            pipeline = deals.create_pipeline(name="Long", is_default=True, stages=stages)
        else:
            pipeline = deals.find_default_pipeline() or deals.create_default_pipeline()
        names = []
        for stage in deals.list_stages(pipeline.id):
            if stage.kind != "open":
                continue
            names.append(stage.name)
            for n in range(per_stage):
                records.create_record(
                    "deals",
                    {
                        "name": f"{stage.name} deal {n + 1}",
                        "amount": "1000",
                        "pipeline_id": str(pipeline.id),
                        "stage_id": str(stage.id),
                    },
                    actor=admin,
                )
        db.session.commit()
        return names


def _sign_in(page, live_server, tenant) -> None:
    page.goto(live_server.url("/login", slug=tenant["slug"]))
    page.get_by_label("E-mail").fill(tenant["admin_email"])
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Good to see you")


def _page_scrolls_sideways(page) -> bool:
    return page.evaluate(
        "document.documentElement.scrollWidth > document.documentElement.clientWidth"
    )


def test_the_deals_board_fits_at_1366_and_totals_follow_a_move(
    app, live_server, new_context, tmp_path
):
    tenant = make_tenant(app, "acme", name="Acme Corp", password=PASSWORD)
    stages = _seed(app, tenant)
    page = new_context(viewport=WIDE).new_page()
    _sign_in(page, live_server, tenant)
    # Deals open on the board, from the top bar.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Deals").click()
    expect(page).to_have_url(live_server.url("/o/deals/board", slug="acme"))
    board = page.locator("[data-board]")
    expect(board).to_be_visible()
    page.screenshot(path=str(tmp_path / "board-1366.png"))

    # No column is cut off: the board does not scroll, every column is inside it.
    assert not _page_scrolls_sideways(page)
    assert board.evaluate("b => b.scrollWidth <= b.clientWidth")
    box = board.bounding_box()
    columns = page.locator(".board-column")
    expect(columns).to_have_count(len(stages) + 2)  # the open stages, won and lost
    for i in range(columns.count()):
        column = columns.nth(i).bounding_box()
        assert box["x"] <= column["x"] and column["x"] + column["width"] <= box["x"] + box["width"]

    first = columns.filter(has=page.get_by_role("heading", name=stages[0]))
    second = columns.filter(has=page.get_by_role("heading", name=stages[1]))
    expect(first.locator("[data-figures]")).to_have_text("2 deals, total $2,000, $200 weighted")
    first.locator("[data-card]").first.drag_to(second.locator("[data-cards]"))
    expect(page.locator("[data-board-status]")).to_contain_text("moved to")
    expect(first.locator("[data-figures]")).to_have_text("1 deal, total $1,000, $100 weighted")
    expect(second.locator("[data-figures]")).to_have_text("3 deals, total $3,000, $750 weighted")

    # Won and lost are narrow strips whose cards open on demand, by keyboard too.
    won = columns.filter(has=page.get_by_role("heading", name="Won"))
    assert won.bounding_box()["width"] < first.bounding_box()["width"] / 2
    toggle = won.locator("summary")
    toggle.focus()
    page.keyboard.press("Enter")
    expect(won.locator("details")).to_have_attribute("open", "")
    assert won.bounding_box()["width"] > 150


def test_a_long_pipeline_scrolls_inside_the_board_under_sticky_headers(
    app, live_server, new_context
):
    tenant = make_tenant(app, "acme", name="Acme Corp", password=PASSWORD)
    stages = [{"name": f"Step {n}", "probability": n * 9, "kind": "open"} for n in range(1, 10)]
    stages += [{"name": "Won", "probability": 100, "kind": "won"}]
    stages += [{"name": "Lost", "probability": 0, "kind": "lost"}]
    _seed(app, tenant, stages=stages, per_stage=10)
    page = new_context(viewport=WIDE).new_page()
    _sign_in(page, live_server, tenant)
    page.goto(live_server.url("/o/deals/board", slug="acme"))
    board = page.locator("[data-board]")
    expect(page.locator(".board-column")).to_have_count(11)
    # The page itself never scrolls sideways; the board does.
    assert not _page_scrolls_sideways(page)
    assert board.evaluate("b => b.scrollWidth > b.clientWidth")
    assert board.evaluate("b => b.scrollHeight > b.clientHeight")
    head = page.locator(".board-column-head").first
    assert head.evaluate("h => getComputedStyle(h).position") == "sticky"
    top = head.bounding_box()["y"]
    board.evaluate("b => { b.scrollTop = 400; }")
    page.wait_for_function("() => document.querySelector('[data-board]').scrollTop >= 100")
    # The header stayed in view at the top of the board (its column's border aside).
    assert abs(head.bounding_box()["y"] - top) <= 3
    assert head.bounding_box()["y"] >= board.bounding_box()["y"] - 1
    # The last column can be reached by scrolling the board.
    board.evaluate("b => { b.scrollLeft = b.scrollWidth; }")
    lost = page.locator(".board-column").last.bounding_box()
    box = board.bounding_box()
    assert lost["x"] + lost["width"] <= box["x"] + box["width"] + 1
