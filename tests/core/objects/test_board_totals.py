"""Board columns total what they hold: the count, the sum and the weighted sum of the amount
(with its currency), over every record of the column the user may see; end states (won,
lost) start collapsed."""

from __future__ import annotations

import re

from core.deals import services as deals
from core.objects import permissions, records
from saas.auth.models import User
from saas.db import db
from tenants.scoping import tenant_scope
from tests.conftest import add_user
from tests.core.objects.test_views import make, run

MEMBER = {"email": "mia@acme.example.com", "password": "member password 1"}


def stages(app, tenant) -> dict[str, str]:
    def load(admin):
        pipeline = deals.find_default_pipeline() or deals.create_default_pipeline()
        return {stage.name: str(stage.id) for stage in deals.list_stages(pipeline.id)}

    return run(app, tenant, load)


def columns(page: str) -> dict[str, dict]:
    """Each column by its heading: its classes and the text of its figures."""
    found = {}
    for match in re.finditer(
        r'<section class="(board-column[^"]*)" data-value="[^"]*"[^>]*>.*?'
        r'<span class="chip[^"]*">([^<]+)</span>.*?<p class="column-figures[^"]*" data-figures>'
        r"(.*?)</p>",
        page,
        re.S,
    ):
        figures = re.sub(r"<[^>]+>", "", match.group(3))
        found[match.group(2)] = {
            "collapsed": "collapsed" in match.group(1),
            "figures": " ".join(figures.split()),
        }
    return found


def test_each_column_shows_count_sum_and_weighted_sum(app, tenant, client):
    ids = stages(app, tenant)
    make(app, tenant, "deals", {"name": "A", "amount": "1000", "stage_id": ids["Qualification"]})
    make(app, tenant, "deals", {"name": "B", "amount": "3000", "stage_id": ids["Qualification"]})
    make(app, tenant, "deals", {"name": "C", "amount": "2000", "stage_id": ids["Proposal"]})
    make(app, tenant, "deals", {"name": "D", "stage_id": ids["Proposal"]})  # no amount
    make(app, tenant, "deals", {"name": "E", "amount": "500", "stage_id": ids["Won"]})
    page = client.get("/o/deals/board").get_data(as_text=True)
    board = columns(page)
    # Qualification weighs 10 %, Proposal 50 %.
    assert board["Qualification"]["figures"] == "2 deals, total $4,000, $400 weighted"
    assert board["Proposal"]["figures"] == "2 deals, total $2,000, $1,000 weighted"
    assert board["Needs analysis"]["figures"] == "0 deals"
    assert board["Won"]["figures"] == "1 deal, total $500, $500 weighted"
    # Won and lost are folded so that the open stages fit; their cards open on demand.
    assert board["Won"]["collapsed"] and board["Lost"]["collapsed"]
    assert not board["Qualification"]["collapsed"]
    assert "<summary" in page and "Show 1 deal</summary>" in page


def test_totals_count_every_record_not_only_the_cards_shown(app, tenant, client):
    from core.objects.boards import CARDS_PER_COLUMN

    ids = stages(app, tenant)

    def many(admin):
        for n in range(CARDS_PER_COLUMN + 2):
            records.create_record(
                "deals",
                {"name": f"Deal {n}", "amount": "10", "stage_id": ids["Negotiation"]},
                actor=admin,
            )

    run(app, tenant, many)
    page = client.get("/o/deals/board").get_data(as_text=True)
    assert columns(page)["Negotiation"]["figures"].startswith(f"{CARDS_PER_COLUMN + 2} deals")
    assert "$520" in columns(page)["Negotiation"]["figures"]


def test_totals_follow_record_visibility_and_hidden_fields(app, tenant, login_as):
    ids = stages(app, tenant)
    member_id = add_user(app, tenant, role="member", **MEMBER)
    make(app, tenant, "deals", {"name": "Admin's", "amount": "9000", "stage_id": ids["Proposal"]})
    make(
        app,
        tenant,
        "deals",
        {"name": "Mine", "amount": "100", "stage_id": ids["Proposal"]},
        owner_id=member_id,
    )
    run(
        app,
        tenant,
        lambda admin: permissions.set_rights(
            role="member", object_name="deals", rights={"visibility": "own"}
        ),
    )
    member = login_as(tenant, MEMBER["email"], MEMBER["password"])
    page = member.get("/o/deals/board").get_data(as_text=True)
    assert columns(page)["Proposal"]["figures"] == "1 deal, total $100, $50 weighted"

    def hide_amount(admin):
        from core.objects.registry import object_for_tenant

        permissions.set_field_access(
            role="member", obj=object_for_tenant("deals"), access={"amount": "hidden"}
        )

    run(app, tenant, hide_amount)
    page = member.get("/o/deals/board").get_data(as_text=True)
    assert columns(page)["Proposal"]["figures"] == "1 deal"  # no sum of a field one cannot see


def test_a_quote_board_sums_each_currency_apart(app, tenant, client):
    def quotes(admin):
        from core.products import services as products

        euro = records.create_record(
            "price_books", {"name": "Euro book", "currency": "EUR"}, actor=admin
        )
        standard = products.standard_price_book()
        for name, book in (("One", standard), ("Two", euro), ("Three", euro)):
            quote = records.create_record(
                "quotes", {"name": name, "price_book_id": str(book.id)}, actor=admin
            )
            records.update_record(
                "quotes",
                quote.id,
                {"lines": [{"description": "Work", "quantity": "1", "unit_price": "250"}]},
                actor=admin,
            )

    run(app, tenant, quotes)
    page = client.get("/o/quotes/board").get_data(as_text=True)
    assert columns(page)["Draft"]["figures"] == "3 quotes, total €500, total $250"
    # The cards show each quote's total in its own currency.
    assert "€250.00" in page and "$250.00" in page


def test_the_board_totals_only_what_the_filters_keep(app, tenant, client):
    ids = stages(app, tenant)
    make(app, tenant, "deals", {"name": "Keep", "amount": "700", "stage_id": ids["Proposal"]})
    make(app, tenant, "deals", {"name": "Drop", "amount": "300", "stage_id": ids["Proposal"]})
    page = client.get("/o/deals/board?f=name&op=eq&v=Keep").get_data(as_text=True)
    assert columns(page)["Proposal"]["figures"] == "1 deal, total $700, $350 weighted"


def test_group_totals_is_tenant_scoped(app, tenant, other_tenant):
    ids = stages(app, tenant)
    make(app, tenant, "deals", {"name": "Acme's", "amount": "100", "stage_id": ids["Proposal"]})
    with app.app_context(), tenant_scope(other_tenant["id"]):
        admin = db.session.get(User, (other_tenant["id"], other_tenant["admin_id"]))
        totals = records.group_totals(
            "deals", "stage_id", amount_field="amount", weight_field="probability", actor=admin
        )
        assert totals == {}
