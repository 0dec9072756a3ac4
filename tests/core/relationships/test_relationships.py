"""Typed relationships between parties: the workspace's types, the rules of a relationship,
and both directions read from each party."""

from __future__ import annotations

import re

import pytest

from tests.factories import CompanyFactory, ContactFactory

RELATIONSHIPS = "/api/v1/objects/relationships"


def _create(api, path: str, **values) -> dict:
    response = api.post(path, json=values)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


@pytest.fixture
def types(api) -> dict:
    return {t["name"]: t for t in api.get("/api/v1/relationship_types").get_json()["data"]}


@pytest.fixture
def parties(tenant) -> dict:
    return {
        "group": CompanyFactory(tenant=tenant, name="Acme Group"),
        "gmbh": CompanyFactory(tenant=tenant, name="Acme GmbH"),
        "ada": ContactFactory(tenant=tenant, first_name="Ada", last_name="Lovelace"),
        "bill": ContactFactory(tenant=tenant, first_name="William", last_name="King"),
    }


def test_workspaces_start_with_the_usual_types(types):
    assert set(types) == {
        "Spouse",
        "Parent and child",
        "Relative",
        "Employment",
        "Parent company",
        "Holding",
    }
    parent = types["Parent company"]
    assert (parent["forward_label"], parent["reverse_label"]) == ("parent of", "subsidiary of")
    assert (parent["from_object"], parent["to_object"]) == ("companies", "companies")
    assert types["Holding"]["from_object"] is None  # a person or a company may hold shares


def test_a_relationship_reads_right_from_both_sides(api, types, parties):
    _create(
        api,
        RELATIONSHIPS,
        type_id=types["Parent company"]["id"],
        from_company_id=parties["group"]["id"],
        to_company_id=parties["gmbh"]["id"],
    )
    employment = _create(
        api,
        RELATIONSHIPS,
        type_id=types["Employment"]["id"],
        from_company_id=parties["gmbh"]["id"],
        to_contact_id=parties["ada"]["id"],
        start_date="2020-01-01",
    )
    of_group = api.get(f"/api/v1/objects/companies/{parties['group']['id']}/relationships")
    assert [(r["label"], r["other"]["title"]) for r in of_group.get_json()["data"]] == [
        ("parent of", "Acme GmbH")
    ]
    of_gmbh = api.get(f"/api/v1/objects/companies/{parties['gmbh']['id']}/relationships")
    assert [
        (r["direction"], r["label"], r["other"]["title"]) for r in of_gmbh.get_json()["data"]
    ] == [
        ("reverse", "subsidiary of", "Acme Group"),
        ("forward", "employer of", "Ada Lovelace"),
    ]
    of_ada = api.get(f"/api/v1/objects/contacts/{parties['ada']['id']}/relationships").get_json()
    assert of_ada["data"][0]["label"] == "employee of"
    assert of_ada["data"][0]["other"] == {
        "object": "companies",
        "id": parties["gmbh"]["id"],
        "title": "Acme GmbH",
    }
    assert of_ada["data"][0]["start_date"] == "2020-01-01"
    # The record's title reads from the ``from`` side, on both parties' pages.
    assert api.get(f"{RELATIONSHIPS}/{employment['id']}").status_code == 200


def _relationship_panel(page: str) -> str:
    """The text of the Relationships card of a record page."""
    card = re.search(r'<h2 id="related-\d+">Relationships</h2>.*?</section>', page, re.S)
    assert card, "no Relationships card on the page"
    return " ".join(re.sub(r"<[^>]+>", " ", card.group(0)).split())


def test_relationships_show_on_both_parties_pages(client, api, types, parties):
    _create(
        api,
        RELATIONSHIPS,
        type_id=types["Parent company"]["id"],
        from_company_id=parties["group"]["id"],
        to_company_id=parties["gmbh"]["id"],
        start_date="2020-01-01",
    )
    _create(
        api,
        RELATIONSHIPS,
        type_id=types["Employment"]["id"],
        from_company_id=parties["gmbh"]["id"],
        to_contact_id=parties["ada"]["id"],
    )
    group = _relationship_panel(client.get(f"/o/companies/{parties['group']['id']}").text)
    assert "Parent of Acme GmbH · since Jan 1, 2020" in group
    gmbh = _relationship_panel(client.get(f"/o/companies/{parties['gmbh']['id']}").text)
    assert "Subsidiary of Acme Group" in gmbh
    assert "Employer of Ada Lovelace" in gmbh
    ada = _relationship_panel(client.get(f"/o/contacts/{parties['ada']['id']}").text)
    assert "Employee of Acme GmbH" in ada
    bill = _relationship_panel(client.get(f"/o/contacts/{parties['bill']['id']}").text)
    assert "None yet" in bill


@pytest.mark.parametrize(
    ("type_name", "ends", "field"),
    [
        ("Parent company", {"from_company_id": "group", "to_contact_id": "ada"}, "to_contact_id"),
        ("Spouse", {"from_contact_id": "ada"}, "to_contact_id"),
        ("Spouse", {"from_contact_id": "ada", "to_contact_id": "ada"}, "to_contact_id"),
        (
            "Holding",
            {"from_contact_id": "ada", "from_company_id": "group", "to_company_id": "gmbh"},
            "from_company_id",
        ),
    ],
)
def test_refused_relationships_write_nothing(api, types, parties, type_name, ends, field):
    values = {"type_id": types[type_name]["id"]} | {k: parties[v]["id"] for k, v in ends.items()}
    response = api.post(RELATIONSHIPS, json=values)
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["fields"]
    assert api.get(RELATIONSHIPS).get_json()["data"] == []


def test_the_same_relationship_is_not_recorded_twice(api, types, parties):
    values = {
        "type_id": types["Holding"]["id"],
        "from_contact_id": parties["ada"]["id"],
        "to_company_id": parties["group"]["id"],
    }
    _create(api, RELATIONSHIPS, **values)
    assert api.post(RELATIONSHIPS, json=values).status_code == 409


def test_admins_define_types_once_per_workspace(api, member_api, types, other_api):
    new = api.post(
        "/api/v1/relationship_types",
        json={
            "name": "Distribution",
            "category": "business",
            "forward_label": "distributor for",
            "reverse_label": "distributed by",
            "from_object": "companies",
            "to_object": "companies",
        },
    )
    assert new.status_code == 201
    created = new.get_json()
    assert created["position"] == len(types)
    assert (
        api.post(
            "/api/v1/relationship_types",
            json={"name": "Distribution", "forward_label": "a", "reverse_label": "b"},
        ).status_code
        == 409
    )
    bad = api.post("/api/v1/relationship_types", json={"name": "", "to_object": "deals"})
    assert bad.status_code == 422
    assert set(bad.get_json()["fields"]) == {"name", "forward_label", "reverse_label", "to_object"}
    assert member_api.post("/api/v1/relationship_types", json={}).status_code == 403
    renamed = api.patch(
        f"/api/v1/relationship_types/{created['id']}", json={"reverse_label": "supplied by"}
    )
    assert renamed.get_json()["reverse_label"] == "supplied by"
    # Another workspace neither sees nor changes it.
    assert "Distribution" not in {
        t["name"] for t in other_api.get("/api/v1/relationship_types").get_json()["data"]
    }
    assert (
        other_api.patch(
            f"/api/v1/relationship_types/{created['id']}", json={"name": "x"}
        ).status_code
        == 404
    )
    assert api.delete(f"/api/v1/relationship_types/{created['id']}").status_code == 204


def test_a_type_in_use_keeps_its_parties_and_is_not_deleted(api, types, parties):
    spouse = types["Spouse"]
    _create(
        api,
        RELATIONSHIPS,
        type_id=spouse["id"],
        from_contact_id=parties["ada"]["id"],
        to_contact_id=parties["bill"]["id"],
    )
    changed = api.patch(
        f"/api/v1/relationship_types/{spouse['id']}", json={"to_object": "companies"}
    )
    assert changed.status_code == 409
    assert api.delete(f"/api/v1/relationship_types/{spouse['id']}").status_code == 409
    assert (
        api.patch(
            f"/api/v1/relationship_types/{spouse['id']}", json={"name": "Partner"}
        ).status_code
        == 200
    )


def test_only_parties_have_relationships(api):
    deal = _create(api, "/api/v1/objects/deals", name="A deal")
    assert api.get(f"/api/v1/objects/deals/{deal['id']}/relationships").status_code == 404


def test_the_other_party_is_named_only_when_visible(app, tenant, api, member_api, types, parties):
    _create(
        api,
        RELATIONSHIPS,
        type_id=types["Parent company"]["id"],
        from_company_id=parties["group"]["id"],
        to_company_id=parties["gmbh"]["id"],
    )
    api.put("/api/v1/permissions/member/companies", json={"visibility": "own"})
    mine = member_api.post("/api/v1/objects/companies", json={"name": "Member Co"}).get_json()
    _create(
        api,
        RELATIONSHIPS,
        type_id=types["Parent company"]["id"],
        from_company_id=parties["group"]["id"],
        to_company_id=mine["id"],
    )
    seen = member_api.get(f"/api/v1/objects/companies/{mine['id']}/relationships").get_json()
    assert seen["data"][0]["label"] == "subsidiary of"
    assert seen["data"][0]["other"]["title"] is None  # Acme Group is not the member's
    assert "Acme Group" not in str(seen)


def test_titles_name_only_the_parties_the_reader_may_see(app, tenant, api, types, parties):
    from tests.conftest import TenantClient, add_user
    from tests.core.objects.conftest import Api, token_for

    user_id = add_user(app, tenant, email="rep@acme.example.com", password="member password 3")
    rep_api = Api(app, token_for(app, tenant, user_id))
    api.put("/api/v1/permissions/member/companies", json={"visibility": "own"})
    mine = rep_api.post("/api/v1/objects/companies", json={"name": "Rep Co"}).get_json()
    _create(
        api,
        RELATIONSHIPS,
        type_id=types["Parent company"]["id"],
        from_company_id=parties["group"]["id"],
        to_company_id=mine["id"],
    )
    web = TenantClient(app, tenant)
    web.login("rep@acme.example.com", "member password 3")
    page = web.get(f"/o/companies/{mine['id']}").get_data(as_text=True)
    assert "Subsidiary of a company you cannot see" in _relationship_panel(page)
    assert "Acme Group" not in page
    admin_page = api.get(f"/api/v1/objects/companies/{mine['id']}/relationships").get_json()
    assert admin_page["data"][0]["other"]["title"] == "Acme Group"


def test_the_web_form_records_a_relationship_and_explains_a_wrong_pair(client, api, types, parties):
    group = parties["group"]["id"]
    form = client.get(f"/o/relationships/new?from_company_id={group}").get_data(as_text=True)
    assert "Parent company (parent of / subsidiary of)" in form
    csrf = form.split('name="csrf_token" value="')[1].split('"')[0]
    wrong = client.post(
        "/o/relationships/new",
        data={
            "csrf_token": csrf,
            "type_id": types["Parent company"]["id"],
            "from_company_id": group,
            "to_contact_id": parties["ada"]["id"],
        },
    )
    assert wrong.status_code == 422
    assert "links a company here" in wrong.get_data(as_text=True)
    right = client.post(
        "/o/relationships/new",
        data={
            "csrf_token": csrf,
            "type_id": types["Parent company"]["id"],
            "from_company_id": group,
            "to_company_id": parties["gmbh"]["id"],
        },
    )
    assert right.status_code in (302, 303)
    page = client.get(f"/o/companies/{parties['gmbh']['id']}").get_data(as_text=True)
    assert "Acme Group parent of Acme GmbH" in page
