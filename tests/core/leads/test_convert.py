"""Leads and their conversion into a contact, a company and optionally a deal."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from core.companies.models import Company
from core.contacts.models import Contact
from core.deals.models import Deal
from core.leads.services import convert_lead
from saas.auth.models import User
from saas.db import db
from saas.errors import ValidationFailed
from tenants.scoping import tenant_scope
from tests.conftest import add_user
from tests.core.objects.conftest import Api, token_for

LEADS = "/api/v1/objects/leads"
CONTACTS = "/api/v1/objects/contacts"
COMPANIES = "/api/v1/objects/companies"
DEALS = "/api/v1/objects/deals"


def _lead(api, **values) -> dict:
    values = {
        "first_name": "Grace",
        "last_name": "Hopper",
        "company_name": "Cobol Systems",
        "email": "grace@cobol.example.com",
        "phone": "+1 555 0100",
        "title": "CTO",
        "source": "event",
        **values,
    }
    response = api.post(LEADS, json=values)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _convert(api, lead: dict, **options):
    return api.post(f"{LEADS}/{lead['id']}/convert", json=options)


def _count(api, path) -> int:
    return len(api.get(path).get_json()["data"])


def test_a_new_lead_is_new_and_cannot_be_marked_converted_by_hand(api):
    lead = _lead(api)
    assert lead["status"] == "new" and lead["converted_contact_id"] is None
    refused = api.patch(f"{LEADS}/{lead['id']}", json={"status": "converted"})
    assert refused.status_code == 422 and "status" in refused.get_json()["fields"]
    linked = api.patch(f"{LEADS}/{lead['id']}", json={"converted_contact_id": lead["id"]})
    assert linked.status_code == 422
    assert api.patch(f"{LEADS}/{lead['id']}", json={"status": "qualified"}).status_code == 200


def test_conversion_creates_contact_company_and_deal(api, tenant):
    lead = _lead(api)
    response = _convert(api, lead, create_deal=True, deal_name="Cobol migration")
    assert response.status_code == 200, response.get_json()
    ids = response.get_json()
    assert ids["lead_id"] == lead["id"]

    contact = api.get(f"{CONTACTS}/{ids['contact_id']}").get_json()
    assert (contact["first_name"], contact["last_name"], contact["title"]) == (
        "Grace",
        "Hopper",
        "CTO",
    )
    assert contact["email"] == "grace@cobol.example.com" and contact["phone"] == "+1 555 0100"
    assert contact["company_id"] == ids["company_id"]
    assert contact["owner_id"] == str(tenant["admin_id"])
    company = api.get(f"{COMPANIES}/{ids['company_id']}").get_json()
    assert company["name"] == "Cobol Systems"
    deal = api.get(f"{DEALS}/{ids['deal_id']}").get_json()
    assert deal["name"] == "Cobol migration" and deal["status"] == "open"
    assert deal["company_id"] == ids["company_id"] and deal["contact_id"] == ids["contact_id"]
    assert deal["probability"] == 10  # the first stage of the default pipeline

    converted = api.get(f"{LEADS}/{lead['id']}").get_json()
    assert converted["status"] == "converted" and converted["converted_at"]
    assert converted["converted_contact_id"] == ids["contact_id"]
    assert converted["converted_company_id"] == ids["company_id"]
    assert converted["converted_deal_id"] == ids["deal_id"]
    history = api.get(f"{LEADS}/{lead['id']}/history").get_json()["data"]
    assert history[0]["action"] == "convert"
    assert history[0]["changes"]["status"] == ["new", "converted"]


def test_conversion_without_deal_or_company(api):
    lead = _lead(api, company_name=None, email=None)
    ids = _convert(api, lead).get_json()
    assert ids["company_id"] is None and ids["deal_id"] is None
    assert api.get(f"{CONTACTS}/{ids['contact_id']}").get_json()["company_id"] is None
    assert _count(api, COMPANIES) == 0 and _count(api, DEALS) == 0


def test_a_converted_lead_is_not_converted_or_changed_again(api):
    lead = _lead(api)
    assert _convert(api, lead).status_code == 200
    again = _convert(api, lead)
    assert again.status_code == 409 and "already converted" in again.get_json()["message"]
    assert api.patch(f"{LEADS}/{lead['id']}", json={"phone": "+1 555 0199"}).status_code == 409
    assert _count(api, CONTACTS) == 1


def test_duplicates_are_refused_with_the_list_of_them(api):
    existing_contact = api.post(
        CONTACTS, json={"last_name": "Hopper", "email": "grace@cobol.example.com"}
    ).get_json()
    existing_company = api.post(COMPANIES, json={"name": "COBOL systems"}).get_json()
    lead = _lead(api, email="Grace@Cobol.example.com")

    refused = _convert(api, lead, create_deal=True)
    assert refused.status_code == 409
    body = refused.get_json()
    assert body["error"] == "conflict"
    assert [c["id"] for c in body["duplicates"]["contacts"]] == [existing_contact["id"]]
    assert [c["id"] for c in body["duplicates"]["companies"]] == [existing_company["id"]]
    assert set(body["fields"]) == {"contact_id", "company_id"}
    assert _count(api, CONTACTS) == 1 and _count(api, COMPANIES) == 1 and _count(api, DEALS) == 0
    assert api.get(f"{LEADS}/{lead['id']}").get_json()["status"] == "new"

    # Choosing the company alone still leaves the contact's duplicate to settle.
    half = _convert(api, lead, company_id=existing_company["id"])
    assert half.status_code == 409 and set(half.get_json()["fields"]) == {"contact_id"}

    chosen = _convert(
        api,
        lead,
        create_deal=True,
        contact_id=existing_contact["id"],
        company_id=existing_company["id"],
    )
    assert chosen.status_code == 200, chosen.get_json()
    ids = chosen.get_json()
    assert ids["contact_id"] == existing_contact["id"]
    assert ids["company_id"] == existing_company["id"]
    assert _count(api, CONTACTS) == 1 and _count(api, COMPANIES) == 1 and _count(api, DEALS) == 1


def test_duplicates_can_be_allowed(api):
    api.post(CONTACTS, json={"last_name": "Hopper", "email": "grace@cobol.example.com"})
    lead = _lead(api)
    response = _convert(api, lead, allow_duplicates=True)
    assert response.status_code == 200
    assert _count(api, CONTACTS) == 2


def test_the_contacts_company_is_used_when_a_contact_is_chosen(api):
    company = api.post(COMPANIES, json={"name": "Hopper Holdings"}).get_json()
    contact = api.post(
        CONTACTS, json={"last_name": "Hopper", "company_id": company["id"]}
    ).get_json()
    lead = _lead(api, company_name="Something Else")
    ids = _convert(api, lead, contact_id=contact["id"]).get_json()
    assert ids["company_id"] == company["id"] and _count(api, COMPANIES) == 1


def test_a_failed_conversion_writes_nothing(api):
    lead = _lead(api)
    response = _convert(api, lead, create_deal=True, deal_name="x" * 300)
    assert response.status_code == 422 and "name" in response.get_json()["fields"]
    assert _count(api, CONTACTS) == 0 and _count(api, COMPANIES) == 0 and _count(api, DEALS) == 0
    assert api.get(f"{LEADS}/{lead['id']}").get_json()["status"] == "new"
    assert _convert(api, lead, create_deal="yes").status_code == 422
    assert _convert(api, lead, colour="red").status_code == 422
    assert _count(api, CONTACTS) == 0


def test_the_service_rolls_its_own_writes_back_on_failure(app, tenant, api):
    """Without the request boundary: the savepoint alone leaves the transaction clean."""
    lead = _lead(api)
    with app.app_context(), tenant_scope(tenant["id"]):
        admin = db.session.get(User, (tenant["id"], tenant["admin_id"]))
        with pytest.raises(ValidationFailed):
            convert_lead(lead["id"], actor=admin, create_deal=True, deal_name="x" * 300)
        for model in (Contact, Company, Deal):
            assert db.session.scalar(select(func.count()).select_from(model)) == 0, model
        result = convert_lead(lead["id"], actor=admin, create_deal=True)
        assert db.session.get(Deal, (tenant["id"], result.deal_id)).name == "Cobol Systems"
        db.session.rollback()


def test_conversion_follows_the_callers_rights(app, tenant, api, member_api):
    lead = _lead(member_api)
    api.put("/api/v1/permissions/member/contacts", json={"create": False})
    refused = _convert(member_api, lead)
    assert refused.status_code == 403
    # The company was created first, then the contact was refused: nothing is left.
    assert _count(api, COMPANIES) == 0
    assert api.get(f"{LEADS}/{lead['id']}").get_json()["status"] == "new"


def test_duplicates_the_caller_cannot_see_are_counted_not_shown(app, tenant, api):
    api.post(CONTACTS, json={"last_name": "Secret", "email": "grace@cobol.example.com"})
    ann = Api(app, token_for(app, tenant, add_user(app, tenant, email="ann@acme.example.com")))
    api.put("/api/v1/permissions/member/contacts", json={"visibility": "own"})
    lead = _lead(ann)
    refused = _convert(ann, lead)
    assert refused.status_code == 409
    duplicates = refused.get_json()["duplicates"]
    assert duplicates["contacts"] == [] and duplicates["not_visible"] == 1
    assert "Secret" not in refused.get_data(as_text=True)


def test_another_workspace_cannot_convert_or_use_my_records(api, other_api):
    lead = _lead(api)
    assert _convert(other_api, lead).status_code == 404
    theirs = _lead(other_api)
    company = api.post(COMPANIES, json={"name": "Mine"}).get_json()
    response = _convert(other_api, theirs, company_id=company["id"])
    assert response.status_code == 422
    assert response.get_json()["fields"] == {"company_id": ["There is no such record."]}
    assert api.get(f"{LEADS}/{lead['id']}").get_json()["status"] == "new"


def test_leads_deals_and_activities_are_listed_after_contacts(api):
    names = [o["name"] for o in api.get("/api/v1/schema/objects").get_json()["data"]]
    assert names[:5] == ["companies", "contacts", "leads", "deals", "activities"]
