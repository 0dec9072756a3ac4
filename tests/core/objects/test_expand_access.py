"""``expand=`` shows a related record only as its reader may see it: the bare id when they
may not read the target object, ``{"id": ...}`` for a record out of their visibility, and
never a field hidden from them."""

from __future__ import annotations

import uuid

from tests.core.objects.test_views import make, set_rights

CONTACTS = "/api/v1/objects/contacts"


def _contacts(api, **params):
    query = "&".join(f"{key}={value}" for key, value in {"sort": "last_name", **params}.items())
    response = api.get(f"{CONTACTS}?{query}")
    assert response.status_code == 200, response.get_json()
    return {row["last_name"]: row for row in response.get_json()["data"]}


def test_expanding_to_an_object_the_reader_cannot_read_gives_the_bare_id(
    app, tenant, api, member_api
):
    company = make(app, tenant, "companies", {"name": "Closed Co"})
    make(app, tenant, "contacts", {"first_name": "A", "last_name": "Lee", "company_id": company})
    set_rights(app, tenant, "companies", read=False)
    rows = _contacts(member_api, expand="company_id")
    assert rows["Lee"]["company_id"] == company
    one = member_api.get(f"{CONTACTS}/{rows['Lee']['id']}?expand=company_id")
    assert one.status_code == 200 and one.get_json()["company_id"] == company
    # The admin still gets the record.
    assert _contacts(api, expand="company_id")["Lee"]["company_id"]["name"] == "Closed Co"


def test_expansion_respects_record_visibility_and_hidden_fields(app, tenant, api, member_api):
    member_id = uuid.UUID(member_api.get("/api/v1/me").get_json()["id"])
    mine = make(
        app, tenant, "companies", {"name": "Mine", "credit_limit": "100"}, owner_id=member_id
    )
    theirs = make(app, tenant, "companies", {"name": "Theirs", "credit_limit": "900"})
    make(app, tenant, "contacts", {"first_name": "M", "last_name": "Ames", "company_id": mine})
    make(app, tenant, "contacts", {"first_name": "T", "last_name": "Tate", "company_id": theirs})
    set_rights(app, tenant, "companies", visibility="own")
    response = api.put(
        "/api/v1/permissions/member/companies", json={"fields": {"credit_limit": "hidden"}}
    )
    assert response.status_code == 200

    rows = _contacts(member_api, expand="company_id")
    assert rows["Ames"]["company_id"]["name"] == "Mine"
    assert "credit_limit" not in rows["Ames"]["company_id"]
    assert rows["Tate"]["company_id"] == {"id": theirs}
    admin_rows = _contacts(api, expand="company_id")
    assert admin_rows["Tate"]["company_id"]["credit_limit"] == "900.00"


def test_a_lookup_hidden_from_the_reader_cannot_be_expanded(app, tenant, api, member_api):
    company = make(app, tenant, "companies", {"name": "Kept"})
    make(app, tenant, "contacts", {"first_name": "K", "last_name": "Kim", "company_id": company})
    api.put("/api/v1/permissions/member/contacts", json={"fields": {"company_id": "hidden"}})
    refused = member_api.get(f"{CONTACTS}?expand=company_id")
    assert refused.status_code == 422 and "expand" in refused.get_json()["fields"]
    assert "company_id" not in _contacts(member_api)["Kim"]
