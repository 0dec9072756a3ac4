"""An admin adds a custom field to deals, sees it on the form, fills it, filters the list by
it, saves that list as a view, and moves a deal on the kanban board by drag and drop."""

from __future__ import annotations

import re
import uuid

import pytest
from sqlalchemy import select

from saas.auth.models import User
from saas.db import db
from tenants.scoping import tenant_scope
from tests.browser.conftest import require_browser
from tests.conftest import make_tenant

require_browser()  # skips this module without Chromium or Playwright (fails on CI)

from playwright.sync_api import expect  # noqa: E402

pytestmark = pytest.mark.browser

PASSWORD = "a long enough passphrase"


def _deals(app, tenant) -> dict:
    """Two deals in the first stage of the default pipeline; the stage names."""
    from core.deals import services as deals
    from core.objects import records

    with app.app_context(), tenant_scope(tenant["id"]):
        admin = db.session.get(User, (tenant["id"], tenant["admin_id"]))
        pipeline = deals.find_default_pipeline() or deals.create_default_pipeline()
        stages = deals.list_stages(pipeline.id)
        ids = {}
        for name, amount in (("Rocket deal", "5000"), ("Quiet deal", "900")):
            record = records.create_record(
                "deals",
                {"name": name, "amount": amount, "stage_id": str(stages[0].id)},
                actor=admin,
            )
            ids[name] = str(record.id)
        db.session.commit()
        return {"ids": ids, "stages": [stage.name for stage in stages]}


def _stage_of(app, tenant, deal_id: str) -> str:
    from core.deals import services as deals
    from core.deals.models import Deal

    with app.app_context(), tenant_scope(tenant["id"]):
        deal = db.session.scalar(select(Deal).where(Deal.id == uuid.UUID(deal_id)))
        return deals.get_stage(deal.pipeline_id, deal.stage_id).name


def test_custom_field_form_filter_saved_view_and_kanban(app, live_server, new_context):
    tenant = make_tenant(app, "acme", name="Acme Corp", password=PASSWORD)
    world = _deals(app, tenant)
    first, target = world["stages"][0], world["stages"][2]
    page = new_context().new_page()

    page.goto(live_server.url("/login", slug="acme"))
    page.get_by_label("E-mail").fill(tenant["admin_email"])
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Good to see you")

    # The admin adds a filterable text field to deals in the admin console.
    page.goto(live_server.url("/admin/objects/deals/fields", slug="acme"))
    page.get_by_label("Label").fill("Region")
    expect(page.get_by_label("API name")).to_have_value("region")
    page.get_by_label("Type").select_option("text")
    page.get_by_label("Filterable").check()
    page.get_by_role("button", name="Add field").click()
    expect(page.locator(".flashes")).to_have_text("The field Region is added.")
    expect(page.get_by_role("row").filter(has_text="Region")).to_be_visible()

    # It is on the deal's form; the admin fills it in.
    page.goto(live_server.url(f"/o/deals/{world['ids']['Rocket deal']}/edit", slug="acme"))
    region = page.get_by_label("Region")
    expect(region).to_be_visible()
    region.fill("EMEA")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rocket deal")
    expect(page.locator('[data-display="region"]')).to_have_text("EMEA")

    # The list filters on it.
    page.goto(live_server.url("/o/deals?view=all", slug="acme"))
    table = page.locator("table.records")
    expect(table).to_contain_text("Quiet deal")
    page.get_by_label("Add a filter: field").select_option("region")
    page.locator("[data-new-filter] input[name=v]").fill("EMEA")
    page.get_by_role("button", name="Apply").click()
    expect(table).to_contain_text("Rocket deal")
    expect(table).not_to_contain_text("Quiet deal")

    # That list is kept as a saved view and opens again from the views menu.
    page.get_by_role("button", name=re.compile(r"^View:")).click()
    page.get_by_label("Save what you see as a new view").fill("EMEA deals")
    page.get_by_role("button", name="Save view").click()
    expect(page.locator(".flashes")).to_have_text("View EMEA deals saved.")
    expect(page.get_by_role("button", name=re.compile(r"^View:"))).to_contain_text("EMEA deals")
    page.goto(live_server.url("/o/deals?view=all", slug="acme"))
    expect(table).to_contain_text("Quiet deal")
    page.get_by_role("button", name=re.compile(r"^View:")).click()
    page.get_by_role("navigation", name="Saved views of deals").get_by_role(
        "link", name="EMEA deals"
    ).click()
    expect(table).not_to_contain_text("Quiet deal")
    expect(table).to_contain_text("Rocket deal")

    # On the board, the admin drags the deal to another stage.
    page.goto(live_server.url("/o/deals/board", slug="acme"))
    card = page.locator("[data-card]").filter(has_text="Rocket deal")
    source = page.locator(".board-column").filter(has=page.get_by_role("heading", name=first))
    column = page.locator(".board-column").filter(has=page.get_by_role("heading", name=target))
    expect(source.locator("[data-card]")).to_have_count(2)
    card.drag_to(column.locator("[data-cards]"))
    expect(page.locator("[data-board-status]")).to_have_text(f"Rocket deal moved to {target}.")
    expect(column.locator("[data-card]")).to_have_count(1)
    assert _stage_of(app, tenant, world["ids"]["Rocket deal"]) == target
    page.reload()
    expect(column.locator("[data-card]").filter(has_text="Rocket deal")).to_be_visible()
    expect(source.locator("[data-card]")).to_have_count(1)
