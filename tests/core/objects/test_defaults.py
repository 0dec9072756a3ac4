"""What a new workspace shows before anyone chose anything: each standard object's list
columns and sort, the field its board is drawn on, and amounts with their currency."""

from __future__ import annotations

import dataclasses
import re

import pytest

from core.objects import money
from core.objects.registry import ObjectSpec, _check_presentation, standard_objects
from tenants.models import Tenant
from tenants.scoping import tenant_scope
from tests.core.objects.test_views import make, run

HEADER = re.compile(r'<th scope="col"[^>]*>(?:<a[^>]*>)?([^<]+)')


def headers(page: str) -> list[str]:
    return [h.strip() for h in HEADER.findall(page)]


def titles(page: str) -> list[str]:
    return re.findall(r'<td class="title-cell"><a href="[^"]+">([^<]+)</a>', page)


def test_contacts_list_name_company_email_phone_and_owner_by_last_name(app, tenant, client):
    company = make(app, tenant, "companies", {"name": "Lisbon Tours"})
    make(app, tenant, "contacts", {"first_name": "Zoe", "last_name": "Adams"})
    make(
        app,
        tenant,
        "contacts",
        {"first_name": "Ana", "last_name": "Silva", "company_id": company, "phone": "+351 1"},
    )
    page = client.get("/o/contacts").get_data(as_text=True)
    assert headers(page) == ["Contact", "Company", "E-mail", "Phone", "Owner"]
    assert "Birth date" not in page.split("<table")[1]
    assert titles(page) == ["Zoe Adams", "Ana Silva"]  # by last name
    assert 'aria-sort="ascending"' in page
    assert f'href="/o/companies/{company}">Lisbon Tours</a>' in page


@pytest.mark.parametrize("name", sorted(standard_objects()))
def test_every_standard_object_lists_the_columns_it_declares(app, tenant, client, name):
    spec = standard_objects()[name]
    response = client.get(f"/o/{name}?view=all")
    assert response.status_code == 200
    shown = headers(response.get_data(as_text=True))
    if spec.list_columns:
        labels = {"updated_at": "Last updated", "created_at": "Created"}
        expected = [labels.get(c) or spec.fields[c].label for c in spec.list_columns]
        # An empty list shows no table; the header row is checked when there is one.
        assert shown in ([], [spec.label, *expected])


def test_boards_open_on_stage_and_status_and_contacts_have_none(app, tenant, client):
    make(app, tenant, "deals", {"name": "Big one", "amount": "100"})
    deals = client.get("/o/deals/board").get_data(as_text=True)
    assert '<option value="stage_id" selected>' in deals
    assert '<option value="status" selected>' in client.get("/o/tickets/board").get_data(
        as_text=True
    )
    assert '<option value="status" selected>' in client.get("/o/leads/board").get_data(as_text=True)
    # Contacts by marital status help nobody: no Board tab, and the board asks for a field.
    contacts = client.get("/o/contacts").get_data(as_text=True)
    assert 'href="/o/contacts/board"' not in contacts
    board = client.get("/o/contacts/board").get_data(as_text=True)
    assert "Choose the field whose values make the columns" in board
    assert 'class="board-column"' not in board


def test_an_admins_own_picklist_gives_a_standard_object_its_board(app, tenant, client):
    from core.objects import schema

    run(
        app,
        tenant,
        lambda admin: schema.add_field(
            "contacts",
            name="stage",
            label="Life-cycle stage",
            type="picklist",
            filterable=True,
            options={"values": [{"value": "Prospect"}, {"value": "Customer"}]},
        ),
    )
    contacts = client.get("/o/contacts").get_data(as_text=True)
    assert 'href="/o/contacts/board"' in contacts
    assert '<option value="stage" selected>' in client.get("/o/contacts/board").get_data(
        as_text=True
    )


def test_amounts_show_the_workspace_currency_and_a_quote_its_own(app, tenant, client):
    deal = make(app, tenant, "deals", {"name": "Big one", "amount": "15000"})
    assert "$15,000.00" in client.get("/o/deals?view=all").get_data(as_text=True)
    with app.app_context(), tenant_scope(tenant["id"]):
        from core.currencies import services as currencies
        from saas.db import db

        currencies.set_corporate_currency("EUR")
        db.session.commit()
    # The deal keeps the currency it was sold in; a new one is in the new corporate currency.
    assert "$15,000.00" in client.get(f"/o/deals/{deal}").get_data(as_text=True)
    make(app, tenant, "deals", {"name": "Euro one", "amount": "980.5"})
    assert "€980.50" in client.get("/o/deals?view=all").get_data(as_text=True)
    assert "€981" in client.get("/o/deals/board").get_data(as_text=True)


def test_money_is_formatted_with_its_symbol_or_code():
    assert money.format_money("1234.5", "USD") == "$1,234.50"
    assert money.format_money("1234.5", "eur") == "€1,234.50"
    assert money.format_money("1234.5", "CHF") == "CHF\u00a01,234.50"
    assert money.format_money("1234", "JPY") == "¥1,234"
    assert money.format_money("1234.56", "USD", whole=True) == "$1,235"
    assert money.format_money(None, "USD") == ""


def test_a_registered_object_must_name_fields_it_has():
    deals = standard_objects()["deals"]
    for change in (
        {"list_columns": ("amount", "no_such_field")},
        {"list_sort": "-nothing"},
        {"board_field": "nothing"},
        {"amount_field": "name"},  # not a currency field
        {"weight_field": "amount"},  # not a percent field
        {"menu": "top"},
        {"opens_on": "calendar"},
        {"opens_on": "board", "board_field": None},
    ):
        with pytest.raises(ValueError):
            _check_presentation(dataclasses.replace(deals, **change))
    _check_presentation(deals)
    assert isinstance(deals, ObjectSpec)


def test_a_new_records_form_names_its_owner_and_the_currency_of_its_amounts(app, tenant, client):
    form = client.get("/o/deals/new").get_data(as_text=True)
    # Left empty, the owner would be whoever creates the record: the form shows it.
    owner = re.search(r'<select id="owner_id".*?</select>', form, re.S).group(0)
    assert f'<option value="{tenant["admin_id"]}" selected>' in owner
    # A deal's amount is in the currency chosen beside it; a campaign's budget is typed in
    # the workspace's currency, and its label says which.
    assert '<label for="amount">Amount</label>' in form and 'id="currency"' in form
    budget = client.get("/o/campaigns/new").get_data(as_text=True)
    assert '<label for="budget">Budget <span class="unit">(USD)</span></label>' in budget
    assert "(USD)" not in budget.split('<label for="start_date">')[1].split("</label>")[0]
    with app.app_context(), tenant_scope(tenant["id"]):
        from saas.db import db

        row = db.session.get(Tenant, tenant["id"])
        row.settings = {**(row.settings or {}), "currency": "EUR"}
        db.session.commit()
    assert 'Budget <span class="unit">(EUR)</span>' in client.get("/o/campaigns/new").get_data(
        as_text=True
    )
    # A link that pre-fills the owner keeps it; an edit form shows the stored owner.
    deal = make(app, tenant, "deals", {"name": "Big one", "amount": "15000"})
    edit = client.get(f"/o/deals/{deal}/edit").get_data(as_text=True)
    assert f'<option value="{tenant["admin_id"]}" selected>' in edit


def test_party_roles_are_explained_to_people_not_in_filter_syntax(app, tenant, client):
    for name, noun in (("companies", "company"), ("contacts", "person")):
        form = client.get(f"/o/{name}/new").get_data(as_text=True)
        assert f"What this {noun} is to you; tick as many as apply." in form
        assert "filter with" not in form
