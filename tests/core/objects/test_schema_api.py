"""The schema endpoints themselves: /api/v1/schema/objects[/{object}/fields[/{name}|/order]],
their answers and their refusals (each a 4xx JSON error that writes nothing)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from core.objects.models import CustomObjectDefinition, FieldDefinition
from saas.db import db
from tenants.scoping import tenant_scope

SCHEMA = "/api/v1/schema/objects"
FIELDS = f"{SCHEMA}/companies/fields"
TIER = {
    "name": "tier",
    "label": "Tier",
    "type": "picklist",
    "options": {"values": [{"value": "Gold", "color": "#d4af37"}, {"value": "Silver"}]},
    "filterable": True,
}


def definitions(app, tenant) -> list[tuple]:
    """Every field definition of the tenant as it is stored (retired ones included)."""
    with app.app_context(), tenant_scope(tenant["id"]):
        return [
            (d.object_name, d.api_name, d.type, d.label, d.retired_at is not None, d.position)
            for d in db.session.scalars(
                select(FieldDefinition).order_by(
                    FieldDefinition.object_name, FieldDefinition.api_name
                )
            )
        ]


def custom_objects(app, tenant) -> int:
    with app.app_context(), tenant_scope(tenant["id"]):
        return db.session.scalar(select(func.count()).select_from(CustomObjectDefinition))


def custom_names(api, path=FIELDS) -> list[str]:
    return [f["name"] for f in api.get(path).get_json()["data"] if f["custom"]]


def error(response, status: int) -> dict:
    assert response.status_code == status, (response.status_code, response.get_json())
    body = response.get_json()
    assert body["error"] and body["message"]
    return body


# Custom objects ---------------------------------------------------------------------------


def test_create_a_custom_object_and_give_it_fields(api):
    response = api.post(SCHEMA, json={"name": "vehicles", "label": "Vehicle"})
    assert response.status_code == 201
    created = response.get_json()
    assert created["name"] == "vehicles" and created["label_plural"] == "Vehicles"
    assert created["custom"] is True
    assert created["fields_url"] == f"{SCHEMA}/vehicles/fields"
    assert "vehicles" in [o["name"] for o in api.get(SCHEMA).get_json()["data"]]
    added = api.post(
        f"{SCHEMA}/vehicles/fields",
        json={"name": "plate", "label": "Plate", "type": "text", "unique": True},
    )
    assert added.status_code == 201 and added.get_json()["filterable"] is True
    fields = api.get(created["fields_url"]).get_json()["data"]
    assert [f["name"] for f in fields] == ["name", "plate"]
    record = api.post("/api/v1/objects/vehicles", json={"name": "Van", "plate": "AB-12"})
    assert record.status_code == 201 and record.get_json()["plate"] == "AB-12"


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"name": "Vehicles!", "label": "Vehicle"}, 422, "name"),
        ({"name": "vehicles", "label": ""}, 422, "label"),
        ({"name": "vehicles", "label": 5}, 422, "label"),
        ({"name": 12, "label": "Vehicle"}, 422, "name"),
        ({"name": "vehicles", "label": "Vehicle", "description": "x" * 501}, 422, "description"),
        ({"name": "companies", "label": "Company"}, 409, "name"),
        ({"name": "schema", "label": "Schema"}, 409, "name"),
    ],
)
def test_bad_custom_objects_are_refused_and_nothing_is_created(
    app, tenant, api, body, status, field
):
    assert field in error(api.post(SCHEMA, json=body), status)["fields"]
    assert custom_objects(app, tenant) == 0


def test_a_custom_object_name_is_taken_once(app, tenant, api):
    assert api.post(SCHEMA, json={"name": "vehicles", "label": "Vehicle"}).status_code == 201
    error(api.post(SCHEMA, json={"name": "vehicles", "label": "Car"}), 409)
    assert custom_objects(app, tenant) == 1


def test_only_admins_create_objects(app, tenant, member_api):
    error(member_api.post(SCHEMA, json={"name": "vehicles", "label": "Vehicle"}), 403)
    assert custom_objects(app, tenant) == 0


def test_not_json_is_a_422(api):
    response = api.client.post(SCHEMA, data="name=x", headers=api.headers)
    error(response, 422)


# Fields: list and add ---------------------------------------------------------------------


def test_list_fields_has_standard_then_custom_ones(api):
    standard = api.get(FIELDS).get_json()["data"]
    assert standard and all(not f["custom"] for f in standard)
    assert {"name", "label", "type", "options", "required", "unique", "default"} <= set(standard[0])
    created = api.post(FIELDS, json=TIER)
    assert created.status_code == 201
    body = created.get_json()
    assert body == {
        "name": "tier",
        "label": "Tier",
        "type": "picklist",
        "options": TIER["options"],
        "required": False,
        "unique": False,
        "default": None,
        "help_text": None,
        "filterable": True,
        "read_only": False,
        "custom": True,
        "access": {},
        "section": "Custom fields",
    }
    assert api.get(FIELDS).get_json()["data"][-1] == body


def test_members_read_the_schema_but_cannot_change_it(app, tenant, api, member_api):
    assert api.post(FIELDS, json=TIER).status_code == 201
    assert "tier" in custom_names(member_api)
    before = definitions(app, tenant)
    error(member_api.post(FIELDS, json={**TIER, "name": "tier2"}), 403)
    error(member_api.patch(f"{FIELDS}/tier", json={"label": "Level"}), 403)
    error(member_api.delete(f"{FIELDS}/tier"), 403)
    error(member_api.put(f"{FIELDS}/order", json={"order": ["tier"]}), 403)
    error(member_api.post(SCHEMA, json={"name": "vehicles", "label": "Vehicle"}), 403)
    assert definitions(app, tenant) == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**TIER, "type": "colour"}, "type"),
        ({**TIER, "type": ["text"]}, "type"),
        ({**TIER, "name": "Tier Level"}, "name"),
        ({**TIER, "name": "tier__x"}, "name"),
        ({**TIER, "name": "name"}, "name"),  # a standard field of companies
        ({**TIER, "name": "id"}, "name"),
        ({**TIER, "name": "created_at"}, "name"),
        ({**TIER, "name": "version"}, "name"),
        ({**TIER, "label": ""}, "label"),
        ({**TIER, "required": "yes"}, "required"),
        ({**TIER, "help_text": "x" * 501}, "help_text"),
        ({**TIER, "options": {"values": []}}, "options"),
        ({**TIER, "options": {"values": [{"value": "A"}, {"value": "A"}]}}, "options"),
        ({**TIER, "options": {"values": [{"value": "A", "color": "blue-ish"}]}}, "options"),
        ({**TIER, "options": {"values": [{"value": "A", "inactive": True}]}}, "options"),
        ({**TIER, "options": {"values": ["A"], "max_length": 3}}, "options"),
        ({**TIER, "options": "Gold,Silver"}, "options"),
        (
            {"name": "score", "label": "Score", "type": "number", "options": {"min": "low"}},
            "options",
        ),
        (
            {"name": "score", "label": "Score", "type": "number", "options": {"scale": 2.5}},
            "options",
        ),
        (
            {"name": "score", "label": "Score", "type": "number", "options": {"min": 9, "max": 1}},
            "options",
        ),
        (
            {"name": "code", "label": "Code", "type": "text", "options": {"regex": "([a-z"}},
            "options",
        ),
        (
            {"name": "code", "label": "Code", "type": "text", "options": {"max_length": -1}},
            "options",
        ),
        ({"name": "due", "label": "Due", "type": "date", "options": {"min": "soon"}}, "options"),
        (
            {"name": "fee", "label": "Fee", "type": "currency", "options": {"currency": "euro"}},
            "options",
        ),
        ({"name": "link", "label": "Link", "type": "lookup", "options": {}}, "options"),
        (
            {"name": "link", "label": "Link", "type": "lookup", "options": {"target": "planets"}},
            "options",
        ),
        ({"name": "boss", "label": "Boss", "type": "user", "options": {"target": "x"}}, "options"),
        (
            {
                "name": "calc",
                "label": "Calc",
                "type": "formula",
                "options": {"expression": "nope +"},
            },
            "options",
        ),
        ({**TIER, "default": "Platinum"}, "default"),
        ({"name": "notes2", "label": "N", "type": "long_text", "filterable": True}, "filterable"),
        ({"name": "notes2", "label": "N", "type": "long_text", "unique": True}, "unique"),
        (
            {
                "name": "calc",
                "label": "Calc",
                "type": "formula",
                "options": {"expression": "1"},
                "required": True,
            },
            "required",
        ),
        ({**TIER, "access": {"admin": "hidden"}}, "access"),
    ],
)
def test_bad_fields_are_a_422_naming_the_input_and_write_nothing(app, tenant, api, body, field):
    body = error(api.post(FIELDS, json=body), 422)
    assert field in body["fields"], body
    assert definitions(app, tenant) == []


def test_unknown_properties_are_refused(app, tenant, api):
    body = error(api.post(FIELDS, json={**TIER, "colour": "red"}), 422)
    assert "colour" in body["message"]
    assert definitions(app, tenant) == []


def test_a_duplicate_or_retired_name_is_refused(app, tenant, api):
    assert api.post(FIELDS, json=TIER).status_code == 201
    body = error(api.post(FIELDS, json={**TIER, "label": "Other"}), 422)
    assert body["fields"]["name"] == ["This object already has a field with this name."]
    assert api.delete(f"{FIELDS}/tier").status_code == 204
    body = error(api.post(FIELDS, json=TIER), 409)
    assert "retired field" in body["fields"]["name"][0]
    assert definitions(app, tenant) == [("companies", "tier", "picklist", "Tier", True, 0)]


def test_the_same_name_on_another_object_is_fine(api):
    assert api.post(FIELDS, json=TIER).status_code == 201
    assert api.post(f"{SCHEMA}/contacts/fields", json=TIER).status_code == 201


def test_unknown_objects_and_fields_are_404(app, tenant, api):
    error(api.get(f"{SCHEMA}/planets/fields"), 404)
    error(api.post(f"{SCHEMA}/planets/fields", json=TIER), 404)
    error(api.patch(f"{SCHEMA}/planets/fields/tier", json={"label": "X"}), 404)
    error(api.delete(f"{SCHEMA}/planets/fields/tier"), 404)
    error(api.put(f"{SCHEMA}/planets/fields/order", json={"order": []}), 404)
    error(api.patch(f"{FIELDS}/nothing", json={"label": "X"}), 404)
    error(api.delete(f"{FIELDS}/nothing"), 404)
    assert definitions(app, tenant) == []


def test_a_tenant_never_sees_or_changes_another_ones_fields(app, tenant, api, other_api):
    assert api.post(FIELDS, json=TIER).status_code == 201
    assert "tier" not in custom_names(other_api)
    error(other_api.patch(f"{FIELDS}/tier", json={"label": "Mine"}), 404)
    error(other_api.delete(f"{FIELDS}/tier"), 404)
    assert definitions(app, tenant) == [("companies", "tier", "picklist", "Tier", False, 0)]


# Fields: change, retire, reorder ----------------------------------------------------------


def test_patch_changes_what_it_names(api):
    assert api.post(FIELDS, json=TIER).status_code == 201
    response = api.patch(
        f"{FIELDS}/tier",
        json={
            "label": "Level",
            "help_text": "How much they buy",
            "required": True,
            "access": {"member": "read_only"},
        },
    )
    assert response.status_code == 200
    body = response.get_json()
    assert (body["label"], body["help_text"], body["required"]) == (
        "Level",
        "How much they buy",
        True,
    )
    assert body["access"] == {"member": "read_only"} and body["type"] == "picklist"
    assert body["conversion"] == {}


@pytest.mark.parametrize(
    ("changes", "status", "field"),
    [
        ({"name": "level"}, 422, "name"),
        ({"label": ""}, 422, "label"),
        ({"type": "colour"}, 422, "type"),
        ({"required": "true"}, 422, "required"),
        ({"unique": 1}, 422, "unique"),
        ({"options": {"values": []}}, 422, "options"),
        ({"options": {"values": [{"value": "Gold", "colour": "red"}]}}, 422, "options"),
        ({"default": "Platinum"}, 422, "default"),
        ({"type": "long_text", "filterable": True}, 422, "filterable"),
        ({"type": "formula", "options": {"expression": "1"}, "required": True}, 422, "required"),
        ({"access": {"member": "invisible"}}, 422, "access"),
    ],
)
def test_bad_changes_are_refused_and_change_nothing(app, tenant, api, changes, status, field):
    assert api.post(FIELDS, json={**TIER, "help_text": "Keep me"}).status_code == 201
    before = api.get(FIELDS).get_json()["data"]
    stored = definitions(app, tenant)
    body = error(api.patch(f"{FIELDS}/tier", json={"label": "Changed", **changes}), status)
    assert field in body["fields"], body
    assert api.get(FIELDS).get_json()["data"] == before
    assert definitions(app, tenant) == stored


def test_standard_fields_cannot_be_changed_or_retired(api):
    body = error(api.patch(f"{FIELDS}/name", json={"label": "Title"}), 422)
    assert "Standard fields" in body["message"]
    error(api.delete(f"{FIELDS}/name"), 422)


def test_retire_hides_the_field_and_keeps_values(app, tenant, api):
    assert api.post(FIELDS, json=TIER).status_code == 201
    company = api.post(
        "/api/v1/objects/companies", json={"name": "Acme", "tier": "Gold"}
    ).get_json()
    assert api.delete(f"{FIELDS}/tier").status_code == 204
    assert "tier" not in custom_names(api)
    assert "tier" not in api.get(f"/api/v1/objects/companies/{company['id']}").get_json()
    error(api.get("/api/v1/objects/companies?filter[tier]=Gold"), 422)
    error(api.delete(f"{FIELDS}/tier"), 404)  # already retired
    with app.app_context(), tenant_scope(tenant["id"]):
        from core.companies.models import Company

        stored = db.session.scalar(select(Company))
        assert stored.custom == {"tier": "Gold"} and stored.s_text_1 is None


def test_put_order_reorders_the_custom_fields(api):
    for name in ("alpha", "beta", "gamma"):
        assert (
            api.post(FIELDS, json={"name": name, "label": name.title(), "type": "text"}).status_code
            == 201
        )
    response = api.put(f"{FIELDS}/order", json={"order": ["gamma", "alpha", "beta"]})
    assert response.status_code == 200
    assert [f["name"] for f in response.get_json()["data"] if f["custom"]] == [
        "gamma",
        "alpha",
        "beta",
    ]
    assert custom_names(api) == ["gamma", "alpha", "beta"]


@pytest.mark.parametrize(
    "body",
    [
        {"order": ["gamma", "alpha"]},
        {"order": ["gamma", "alpha", "beta", "delta"]},
        {"order": ["gamma", "gamma", "alpha", "beta"]},
        {"order": ["gamma", "alpha", {"beta": 1}]},
        {"order": "gamma,alpha,beta"},
        {},
    ],
)
def test_a_bad_order_is_a_422_and_changes_nothing(api, body):
    for name in ("alpha", "beta", "gamma"):
        assert (
            api.post(FIELDS, json={"name": name, "label": name.title(), "type": "text"}).status_code
            == 201
        )
    response = error(api.put(f"{FIELDS}/order", json=body), 422)
    assert "order" in response["fields"]
    assert custom_names(api) == ["alpha", "beta", "gamma"]


def test_a_formula_cannot_use_itself_even_through_another(api):
    fields = "/api/v1/schema/objects/deals/fields"
    first = {
        "name": "net",
        "label": "Net",
        "type": "formula",
        "options": {"expression": "amount * 0.8"},
    }
    assert api.post(fields, json=first).status_code == 201
    second = {
        "name": "net2",
        "label": "Net 2",
        "type": "formula",
        "options": {"expression": "net / 2"},
    }
    assert api.post(fields, json=second).status_code == 201
    itself = api.patch(f"{fields}/net", json={"options": {"expression": "net + 1"}})
    assert itself.status_code == 422
    assert itself.get_json()["fields"]["options"] == ["A formula cannot use itself: net -> net."]
    loop = api.patch(f"{fields}/net", json={"options": {"expression": "net2 * 2"}})
    assert loop.status_code == 422
    assert "net -> net2 -> net" in loop.get_json()["fields"]["options"][0]
    listed = {f["name"]: f for f in api.get(fields).get_json()["data"]}
    assert listed["net"]["options"]["expression"] == "amount * 0.8"  # nothing written
