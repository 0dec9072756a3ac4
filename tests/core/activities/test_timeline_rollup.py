"""A company's timeline shows the activities of its contacts and deals too (those the
reader may see), each saying which record it is about; the API says it in ``about``."""

from __future__ import annotations

import pytest

OBJECTS = "/api/v1/objects"


def _create(api, object_name: str, **values) -> dict:
    response = api.post(f"{OBJECTS}/{object_name}", json=values)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


@pytest.fixture
def account(api) -> dict:
    company = _create(api, "companies", name="Kestrel Engineering")
    contact = _create(api, "contacts", last_name="Bakker", company_id=company["id"])
    deal = _create(api, "deals", name="Kestrel rollout", company_id=company["id"], amount=1000)
    other = _create(api, "companies", name="Elsewhere Ltd")
    for subject, related_object, related_id in [
        ("Call about the company", "companies", company["id"]),
        ("Call with Bakker", "contacts", contact["id"]),
        ("Send the proposal", "deals", deal["id"]),
        ("Unrelated call", "companies", other["id"]),
    ]:
        _create(
            api,
            "activities",
            type="call",
            subject=subject,
            related_object=related_object,
            related_id=related_id,
        )
    return {"company": company, "contact": contact, "deal": deal}


def test_the_company_timeline_gathers_its_contacts_and_deals(api, client, account):
    company = account["company"]
    timeline = api.get(f"{OBJECTS}/companies/{company['id']}/timeline").get_json()["data"]
    subjects = {i["activity"]["subject"]: i for i in timeline if i["type"] == "activity"}
    assert set(subjects) == {"Call about the company", "Call with Bakker", "Send the proposal"}
    assert "about" not in subjects["Call about the company"]
    assert subjects["Send the proposal"]["about"] == {
        "object": "deals",
        "id": account["deal"]["id"],
        "title": "Kestrel rollout",
    }
    page = client.get(f"/o/companies/{company['id']}").get_data(as_text=True)
    assert "Call with Bakker" in page and "Unrelated call" not in page
    assert f'On <a href="/o/deals/{account["deal"]["id"]}">Kestrel rollout</a>' in page
    # The contact's own timeline has its call, not the company's or the deal's.
    contact = api.get(f"{OBJECTS}/contacts/{account['contact']['id']}/timeline").get_json()
    assert [i["activity"]["subject"] for i in contact["data"] if i["type"] == "activity"] == [
        "Call with Bakker"
    ]


def test_records_the_reader_cannot_see_bring_no_activities(api, member_api, account):
    api.put("/api/v1/permissions/member/deals", json={"read": False})
    company = account["company"]
    timeline = member_api.get(f"{OBJECTS}/companies/{company['id']}/timeline").get_json()
    subjects = {i["activity"]["subject"] for i in timeline["data"] if i["type"] == "activity"}
    assert "Send the proposal" not in subjects and "Call with Bakker" in subjects
