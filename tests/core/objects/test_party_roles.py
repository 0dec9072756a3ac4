"""Party roles on companies and contacts: 'has' filters in the API and the list view, and
role rights that limit a role's parties to some party roles."""

from __future__ import annotations

import pytest

from tests.conftest import add_user

COMPANIES = "/api/v1/objects/companies"


@pytest.fixture
def companies(api) -> dict:
    made = {}
    for name, roles in (
        ("Steel Supply", ["supplier"]),
        ("Big Buyer", ["customer", "debtor"]),
        ("Both Ways", ["customer", "supplier"]),
        ("No Roles", None),
    ):
        response = api.post(COMPANIES, json={"name": name, "roles": roles})
        assert response.status_code == 201, response.get_json()
        made[name] = response.get_json()
    return made


def _names(api, query: str) -> set[str]:
    response = api.get(f"{COMPANIES}?{query}")
    assert response.status_code == 200, response.get_json()
    return {row["name"] for row in response.get_json()["data"]}


def test_filter_parties_by_role(api, companies):
    assert _names(api, "filter[roles]=supplier") == {"Steel Supply", "Both Ways"}
    assert _names(api, "filter[roles][contains]=debtor") == {"Big Buyer"}
    assert _names(api, "filter[roles][in]=debtor,supplier") == {
        "Steel Supply",
        "Big Buyer",
        "Both Ways",
    }
    assert _names(api, "filter[roles][ne]=customer") == {"Steel Supply", "No Roles"}
    assert _names(api, "filter[roles][is_null]=true") == {"No Roles"}
    assert _names(api, "filter[roles]=supplier&filter[name][contains]=both") == {"Both Ways"}


def test_contacts_filter_by_role_too(api):
    api.post("/api/v1/objects/contacts", json={"last_name": "Partner", "roles": ["partner"]})
    api.post("/api/v1/objects/contacts", json={"last_name": "Nobody"})
    rows = api.get("/api/v1/objects/contacts?filter[roles]=partner").get_json()["data"]
    assert [row["last_name"] for row in rows] == ["Partner"]


@pytest.mark.parametrize(
    "query", ["filter[roles]=emperor", "filter[roles][in]=,", "filter[roles][lt]=a"]
)
def test_bad_role_filters_are_explained(api, companies, query):
    response = api.get(f"{COMPANIES}?{query}")
    assert response.status_code == 422
    assert response.get_json()["fields"].keys() == {"roles"}


def test_the_list_view_filters_by_role(client, companies):
    page = client.get("/o/companies?f=roles&op=eq&v=supplier").get_data(as_text=True)
    assert "Steel Supply" in page and "Both Ways" in page and "Big Buyer" not in page


def test_a_role_can_be_limited_to_parties_with_some_roles(
    app, tenant, api, member_api, client, companies
):
    changed = api.put("/api/v1/permissions/member/companies", json={"party_roles": ["supplier"]})
    assert changed.status_code == 200
    assert changed.get_json()["party_roles"] == ["supplier"]
    assert changed.get_json()["visibility"] == "all"

    assert _names(member_api, "") == {"Steel Supply", "Both Ways"}
    hidden = companies["Big Buyer"]["id"]
    assert member_api.get(f"{COMPANIES}/{hidden}").status_code == 404
    assert member_api.patch(f"{COMPANIES}/{hidden}", json={"name": "Mine now"}).status_code == 404
    # A lookup to a party the role may not see is refused like a missing one.
    refused = member_api.post(
        "/api/v1/objects/contacts", json={"last_name": "X", "company_id": hidden}
    )
    assert refused.status_code == 422 and "company_id" in refused.get_json()["fields"]
    # Admins see everything; the web list follows the same rights.
    assert len(_names(api, "")) == 4
    user_id = add_user(
        app, tenant, email="buyer@acme.example.com", role="member", password="member password 2"
    )
    from tests.conftest import TenantClient

    web = TenantClient(app, tenant)
    web.login("buyer@acme.example.com", "member password 2")
    page = web.get("/o/companies").get_data(as_text=True)
    assert "Steel Supply" in page and "Big Buyer" not in page and "No Roles" not in page
    assert user_id
    assert "Steel Supply" in web.get("/search?q=Steel").get_data(as_text=True)
    found = web.get("/search?q=Buyer")
    assert found.status_code == 200 and "Big Buyer" not in found.get_data(as_text=True)


def test_party_roles_combine_with_own_visibility(api, member_api, companies):
    api.put(
        "/api/v1/permissions/member/companies",
        json={"party_roles": ["customer"], "visibility": "own"},
    )
    own_customer = member_api.post(COMPANIES, json={"name": "Mine", "roles": ["customer"]})
    member_api.post(COMPANIES, json={"name": "Mine, no role"})
    assert own_customer.status_code == 201
    assert _names(member_api, "") == {"Mine"}
    cleared = api.put("/api/v1/permissions/member/companies", json={"party_roles": None})
    assert cleared.get_json()["party_roles"] is None
    assert _names(member_api, "") == {"Mine", "Mine, no role"}


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/v1/permissions/member/companies", {"party_roles": ["emperor"]}),
        ("/api/v1/permissions/member/companies", {"party_roles": "supplier"}),
        ("/api/v1/permissions/member/deals", {"party_roles": ["supplier"]}),
    ],
)
def test_bad_party_role_rights_are_refused(api, path, body):
    response = api.put(path, json=body)
    assert response.status_code == 422
    assert "party_roles" in response.get_json()["fields"]
    rights = api.get("/api/v1/permissions").get_json()["data"]
    assert all(row["party_roles"] is None for row in rights)
