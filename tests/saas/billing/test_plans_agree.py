"""The landing page, the billing page and docs/billing.md say what the plan definitions say
(issue 11: the landing page offered a free plan that billing did not show)."""

from __future__ import annotations

import re
from pathlib import Path

from saas.billing.plans import DEFAULT_PLANS, FEATURE_LABELS, all_plans, plans_with_additions

DOCS = Path(__file__).resolve().parents[3] / "docs" / "billing.md"


def _docs_rows() -> dict[str, str]:
    rows = {}
    for line in DOCS.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.startswith("| ") and len(cells) == 4 and cells[0] not in ("Plan", "---"):
            rows[cells[0]] = " | ".join(cells).lower()
    return rows


def _dollars(cents: int) -> str:
    return f"${cents // 100:,}" if cents % 100 == 0 else f"${cents / 100:,.2f}"


def test_the_docs_table_has_every_default_plan_with_its_price_seats_and_features(app_ctx):
    rows = _docs_rows()
    assert list(rows) == [spec["name"] for spec in DEFAULT_PLANS.values()]
    for plan, added in plans_with_additions():
        row = rows[plan.name]
        if plan.is_paid:
            assert f"{_dollars(plan.prices['month'])} a month" in row, row
            assert f"{_dollars(plan.prices['year'])} a year" in row, row
        else:
            assert "| free |" in row, row
        assert (f"up to {plan.max_seats}" if plan.max_seats else "any number") in row, row
        for label in added:
            assert label.lower() in row, (plan.name, label)
        if plan.has("api"):
            assert f"{plan.api_requests_per_minute:,} api requests a minute" in row, row
    assert set(FEATURE_LABELS) >= {f for spec in DEFAULT_PLANS.values() for f in spec["features"]}


def test_the_landing_page_shows_every_plan_and_the_free_plans_seats(app):
    page = app.test_client().get("/", base_url="http://localhost").get_data(as_text=True)
    with app.app_context():
        plans = all_plans()
        free = plans["free"]
    assert f"Then stay on Free for up to {free.max_seats} users, or pay per user." in page
    assert "Everything in Pro free for 14 days, no card needed." in page
    cards = re.findall(r'data-plan="([a-z]+)"', page)
    assert cards == list(plans)
    free_card = page[page.index('data-plan="free"') : page.index('data-plan="starter"')]
    assert "$0" in free_card and f"Up to {free.max_seats} users" in free_card
    assert "Service tickets" in free_card and "REST API" not in free_card
    assert "$15.00</strong> per user a month" in page and "or $150.00 a year" in page


def test_the_billing_page_offers_the_free_plan_too(client):
    page = client.get("/admin/billing/").get_data(as_text=True)
    assert re.findall(r'data-plan="([a-z]+)"', page) == ["free", "starter", "pro"]
    pro_card = page[page.index('data-plan="pro"') :]
    assert "Your plan" in pro_card[: pro_card.index("</h3>")]  # the trial is of Pro
    after_trial = "Without a paid plan when the trial ends, the workspace stays on Free"
    assert after_trial in page
