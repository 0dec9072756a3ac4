"""Lead conversion in the web UI: the form, its duplicate choices, and what it writes."""

from __future__ import annotations

import re

from tests.conftest import add_user
from tests.core.leads.test_convert import COMPANIES, CONTACTS, DEALS, LEADS, _count, _lead
from tests.core.objects.test_views import MEMBER, set_rights, text


def test_a_lead_page_offers_convert_and_the_form_shows_what_will_be_created(api, client):
    lead = _lead(api)
    page = text(client.get(f"/o/leads/{lead['id']}"))
    assert f'href="/o/leads/{lead["id"]}/convert">Convert</a>' in page
    form = text(client.get(f"/o/leads/{lead['id']}/convert"))
    assert "Create the contact <strong>Grace Hopper</strong>" in form
    assert "Create the company <strong>Cobol Systems</strong>" in form
    assert 'name="deal_name" maxlength="255" value="Cobol Systems"' in form
    assert 'name="duplicates_shown" value="0"' in form


def test_converting_creates_everything_and_links_the_lead(api, client):
    lead = _lead(api)
    done = client.post(
        f"/o/leads/{lead['id']}/convert",
        data={"contact": "new", "company": "new", "create_deal": "1", "deal_name": "Big one"},
    )
    assert done.status_code == 303 and "/o/deals/" in done.headers["Location"]
    converted = api.get(f"{LEADS}/{lead['id']}").get_json()
    assert converted["status"] == "converted"
    deal = api.get(f"{DEALS}/{converted['converted_deal_id']}").get_json()
    assert deal["name"] == "Big one" and deal["company_id"] == converted["converted_company_id"]
    page = text(client.get(f"/o/leads/{lead['id']}"))
    assert "This lead is converted." in page and ">Convert</a>" not in page
    assert client.get(f"/o/leads/{lead['id']}/convert").status_code == 409


def test_likely_duplicates_are_offered_and_linking_creates_no_second_record(api, client):
    contact = api.post(
        CONTACTS, json={"last_name": "Hopper", "email": "GRACE@cobol.example.com"}
    ).get_json()
    company = api.post(COMPANIES, json={"name": "cobol systems"}).get_json()
    lead = _lead(api)
    form = text(client.get(f"/o/leads/{lead['id']}/convert"))
    assert f'value="{contact["id"]}" checked' in form
    assert f'value="{company["id"]}" checked' in form
    assert 'name="duplicates_shown" value="1"' in form

    done = client.post(
        f"/o/leads/{lead['id']}/convert",
        data={"contact": contact["id"], "company": company["id"], "duplicates_shown": "1"},
    )
    assert done.status_code == 303 and f"/o/contacts/{contact['id']}" in done.headers["Location"]
    assert _count(api, CONTACTS) == 1 and _count(api, COMPANIES) == 1 and _count(api, DEALS) == 0
    converted = api.get(f"{LEADS}/{lead['id']}").get_json()
    assert converted["converted_contact_id"] == contact["id"]


def test_duplicates_that_appear_after_the_form_was_shown_stop_the_conversion(api, client):
    lead = _lead(api)
    # The form showed no duplicate (duplicates_shown=0); one was created since.
    api.post(CONTACTS, json={"last_name": "Hopper", "email": "grace@cobol.example.com"})
    refused = client.post(
        f"/o/leads/{lead['id']}/convert",
        data={"contact": "new", "company": "new", "duplicates_shown": "0"},
    )
    assert refused.status_code == 409
    page = text(refused)
    assert "Some records seem to exist already" in page and "Link to" in page
    assert _count(api, CONTACTS) == 1 and _count(api, COMPANIES) == 0
    assert api.get(f"{LEADS}/{lead['id']}").get_json()["status"] == "new"


def test_a_bad_choice_is_shown_on_the_form_and_nothing_is_written(api, client):
    lead = _lead(api)
    refused = client.post(
        f"/o/leads/{lead['id']}/convert",
        data={"contact": "not-an-id", "company": "new", "create_deal": "1"},
    )
    assert refused.status_code == 422
    assert "There is no such record." in text(refused)
    assert _count(api, CONTACTS) == 0 and _count(api, COMPANIES) == 0 and _count(api, DEALS) == 0
    assert re.search(r"<h1>Convert Grace Hopper</h1>", text(refused))


def test_without_the_right_to_update_leads_there_is_no_convert(app, tenant, api, login_as):
    lead = _lead(api)
    add_user(app, tenant, email=MEMBER["email"], password=MEMBER["password"])
    member = login_as(tenant, MEMBER["email"], MEMBER["password"])
    set_rights(app, tenant, "leads", create=False, update=False, delete=False)
    assert ">Convert</a>" not in text(member.get(f"/o/leads/{lead['id']}"))
    assert member.get(f"/o/leads/{lead['id']}/convert").status_code == 403
    assert member.post(f"/o/leads/{lead['id']}/convert", data={}).status_code == 403
    assert api.get(f"{LEADS}/{lead['id']}").get_json()["status"] == "new"


def test_only_leads_have_a_convert_page(api, client):
    company = api.post(COMPANIES, json={"name": "Not a lead"}).get_json()
    assert client.get(f"/o/leads/{company['id']}/convert").status_code == 404
