"""Permissions at all three levels: object (CRUD per role), field (hidden / read-only) and
record (own / team / all), enforced by the API."""

from __future__ import annotations

from tests.conftest import add_user
from tests.core.objects.conftest import Api, token_for

COMPANIES = "/api/v1/objects/companies"


def _user_api(app, tenant, email, role="member") -> tuple[Api, str]:
    user_id = add_user(app, tenant, email=email, role=role)
    return Api(app, token_for(app, tenant, user_id)), str(user_id)


def _names(api):
    response = api.get(f"{COMPANIES}?sort=name")
    assert response.status_code == 200, response.get_json()
    return [row["name"] for row in response.get_json()["data"]]


def test_members_start_with_every_right(app, tenant, api, member_api):
    created = member_api.post(COMPANIES, json={"name": "Member Co"})
    assert created.status_code == 201
    assert member_api.delete(f"{COMPANIES}/{created.get_json()['id']}").status_code == 204


def test_object_level_rights(app, tenant, api, member_api):
    company = api.post(COMPANIES, json={"name": "Admin Co"}).get_json()
    path = f"{COMPANIES}/{company['id']}"
    response = api.put("/api/v1/permissions/member/companies", json={"delete": False})
    assert response.status_code == 200 and response.get_json()["delete"] is False
    denied = member_api.delete(path)
    assert denied.status_code == 403 and denied.get_json()["error"] == "forbidden"
    assert member_api.patch(path, json={"industry": "Retail"}).status_code == 200

    api.put("/api/v1/permissions/member/companies", json={"create": False, "update": False})
    assert member_api.post(COMPANIES, json={"name": "Nope"}).status_code == 403
    assert member_api.patch(path, json={"industry": "Energy"}).status_code == 403

    api.put("/api/v1/permissions/member/companies", json={"read": False})
    assert member_api.get(COMPANIES).status_code == 403
    assert member_api.get(path).status_code == 403
    # Managers are untouched, admins always have every right.
    manager_api, _ = _user_api(app, tenant, "boss@acme.example.com", role="manager")
    assert manager_api.get(path).status_code == 200
    assert api.delete(path).status_code == 204


def test_only_admins_change_rights_and_teams(member_api):
    assert (
        member_api.put("/api/v1/permissions/member/companies", json={"read": False}).status_code
        == 403
    )
    assert member_api.post("/api/v1/teams", json={"name": "Sales"}).status_code == 403
    assert member_api.get("/api/v1/permissions").status_code == 403


def test_bad_rights_are_refused(api):
    for body in ({"visibility": "everyone"}, {"read": "yes"}, {"fly": True}):
        assert api.put("/api/v1/permissions/member/companies", json=body).status_code == 422
    assert api.put("/api/v1/permissions/admin/companies", json={"read": False}).status_code == 422
    assert api.put("/api/v1/permissions/member/spaceships", json={}).status_code == 404


def test_record_level_own_and_team(app, tenant, api):
    ann_api, ann_id = _user_api(app, tenant, "ann@acme.example.com")
    bob_api, bob_id = _user_api(app, tenant, "bob@acme.example.com")
    cid_api, _ = _user_api(app, tenant, "cid@acme.example.com")
    ann_api.post(COMPANIES, json={"name": "Ann Co"})
    bob_company = bob_api.post(COMPANIES, json={"name": "Bob Co"}).get_json()
    cid_api.post(COMPANIES, json={"name": "Cid Co"})
    api.post(COMPANIES, json={"name": "Admin Co"})

    api.put("/api/v1/permissions/member/companies", json={"visibility": "own"})
    assert _names(ann_api) == ["Ann Co"]
    bob_path = f"{COMPANIES}/{bob_company['id']}"
    assert ann_api.get(bob_path).status_code == 404
    assert ann_api.patch(bob_path, json={"name": "Mine now"}).status_code == 404
    assert ann_api.delete(bob_path).status_code == 404
    # A lookup to a record you cannot see is refused like a missing one.
    refused = ann_api.post(COMPANIES, json={"name": "Child", "parent_id": bob_company["id"]})
    assert refused.status_code == 422
    assert _names(api) == ["Admin Co", "Ann Co", "Bob Co", "Cid Co"]

    team = api.post("/api/v1/teams", json={"name": "North"}).get_json()
    for user_id in (ann_id, bob_id):
        assert (
            api.put(f"/api/v1/users/{user_id}/team", json={"team_id": team["id"]}).status_code
            == 200
        )
    api.put("/api/v1/permissions/member/companies", json={"visibility": "team"})
    assert _names(ann_api) == ["Ann Co", "Bob Co"]
    assert _names(cid_api) == ["Cid Co"]  # no team: own records only
    assert ann_api.patch(bob_path, json={"industry": "Retail"}).status_code == 200


def test_field_level_hidden_and_read_only(app, tenant, api, member_api):
    api.post(
        "/api/v1/schema/objects/companies/fields",
        json={
            "name": "margin",
            "label": "Margin",
            "type": "percent",
            "filterable": True,
            "access": {"member": "hidden"},
        },
    )
    api.post(
        "/api/v1/schema/objects/companies/fields",
        json={
            "name": "rating",
            "label": "Rating",
            "type": "number",
            "access": {"member": "read_only"},
        },
    )
    company = api.post(COMPANIES, json={"name": "Secretive", "margin": 42, "rating": 5}).get_json()
    path = f"{COMPANIES}/{company['id']}"
    seen = member_api.get(path).get_json()
    assert "margin" not in seen and seen["rating"] == 5
    assert member_api.get(f"{COMPANIES}?filter[margin][gt]=1").status_code == 422
    assert member_api.get(f"{COMPANIES}?sort=margin").status_code == 422
    write = member_api.patch(path, json={"margin": 1, "rating": 1})
    assert write.status_code == 422
    assert set(write.get_json()["fields"]) == {"margin", "rating"}
    fields = [
        f["name"]
        for f in member_api.get("/api/v1/schema/objects/companies/fields").get_json()["data"]
    ]
    assert "margin" not in fields and "rating" in fields
    schema = member_api.get("/api/v1/openapi.json").get_json()
    assert "margin" not in schema["components"]["schemas"]["companies"]["properties"]
    history = member_api.get(f"{path}/history").get_json()["data"]
    assert all("margin" not in entry["changes"] for entry in history)
    assert api.get(path).get_json()["margin"] == 42
