"""Picklist values can be reordered, recoloured and made inactive while records hold them:
inactive values stay on those records (shown, filterable, kept when unchanged, the current
choice of the edit form) but are never offered nor accepted as a new choice."""

from __future__ import annotations

from sqlalchemy import func, select

from core.objects.audit import AuditEntry
from saas.db import db
from tenants.scoping import tenant_scope

FIELDS = "/api/v1/schema/objects/companies/fields"
COMPANIES = "/api/v1/objects/companies"
GOLD, SILVER, BRONZE = {"value": "Gold"}, {"value": "Silver"}, {"value": "Bronze"}


def audit_count(app, tenant) -> int:
    with app.app_context(), tenant_scope(tenant["id"]):
        return db.session.scalar(select(func.count()).select_from(AuditEntry))


def create(api, **values) -> dict:
    response = api.post(COMPANIES, json=values)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def add_tier(api, **extra):
    response = api.post(
        FIELDS,
        json={
            "name": "tier",
            "label": "Tier",
            "type": "picklist",
            "options": {"values": [GOLD, SILVER, BRONZE]},
            "filterable": True,
            **extra,
        },
    )
    assert response.status_code == 201, response.get_json()


def set_values(api, values, **extra):
    return api.patch(f"{FIELDS}/tier", json={"options": {"values": values}, **extra})


def ids(response) -> list[str]:
    assert response.status_code == 200, response.get_json()
    return [row["id"] for row in response.get_json()["data"]]


def test_reorder_recolour_and_deactivate_write_no_record(app, tenant, api):
    add_tier(api)
    gold = create(api, name="Gold Co", tier="Gold")
    bronze = create(api, name="Bronze Co", tier="Bronze")
    audits = audit_count(app, tenant)
    response = set_values(
        api, [{"value": "Bronze", "inactive": True, "color": "#b54708"}, SILVER, GOLD]
    )
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["conversion"] == {}
    assert audit_count(app, tenant) == audits
    for before in (gold, bronze):
        after = api.get(f"{COMPANIES}/{before['id']}").get_json()
        assert after == before  # same value, same version, same updated_at


def test_an_inactive_value_stays_shown_filterable_and_kept(app, tenant, api):
    add_tier(api)
    bronze = create(api, name="Bronze Co", tier="Bronze")
    create(api, name="Gold Co", tier="Gold")
    assert set_values(api, [GOLD, SILVER, {**BRONZE, "inactive": True}]).status_code == 200
    path = f"{COMPANIES}/{bronze['id']}"
    assert api.get(path).get_json()["tier"] == "Bronze"
    assert ids(api.get(f"{COMPANIES}?filter[tier]=Bronze")) == [bronze["id"]]
    assert ids(api.get(f"{COMPANIES}?filter[tier][in]=Bronze,Gold&sort=name")) != []
    # Other changes keep it; sending it unchanged keeps it too.
    renamed = api.patch(path, json={"name": "Bronze Two"})
    assert renamed.status_code == 200 and renamed.get_json()["tier"] == "Bronze"
    same = api.patch(path, json={"name": "Bronze Three", "tier": "Bronze"})
    assert same.status_code == 200 and same.get_json()["tier"] == "Bronze"
    # Once changed, it cannot come back.
    assert api.patch(path, json={"tier": "Silver"}).status_code == 200
    refused = api.patch(path, json={"tier": "Bronze"})
    assert refused.status_code == 422
    assert refused.get_json()["fields"]["tier"] == [
        "'Bronze' is no longer offered; choose one of: Gold, Silver."
    ]
    assert api.get(path).get_json()["tier"] == "Silver"


def test_an_inactive_value_is_refused_as_a_new_choice(app, tenant, api):
    add_tier(api)
    gold = create(api, name="Gold Co", tier="Gold")
    assert set_values(api, [GOLD, SILVER, {**BRONZE, "inactive": True}]).status_code == 200
    before = audit_count(app, tenant)
    refused = api.post(COMPANIES, json={"name": "New Co", "tier": "Bronze"})
    assert refused.status_code == 422
    assert "no longer offered" in refused.get_json()["fields"]["tier"][0]
    refused = api.patch(f"{COMPANIES}/{gold['id']}", json={"tier": "Bronze"})
    assert refused.status_code == 422
    unknown = api.post(COMPANIES, json={"name": "New Co", "tier": "Platinum"})
    assert (
        unknown.status_code == 422
        and "Choose one of: Gold, Silver." in unknown.get_json()["fields"]["tier"][0]
    )
    assert audit_count(app, tenant) == before
    assert len(ids(api.get(COMPANIES))) == 1


def test_removing_a_value_that_records_hold_is_refused_naming_them(app, tenant, api):
    add_tier(api)
    bronze = create(api, name="Bronze Co", tier="Bronze")
    refused = set_values(api, [GOLD, SILVER])
    assert refused.status_code == 409
    body = refused.get_json()
    assert bronze["id"] in body["message"]
    assert body["fields"]["options"] == [f"{bronze['id']}: Choose one of: Gold, Silver."]
    tier = next(f for f in api.get(FIELDS).get_json()["data"] if f["name"] == "tier")
    assert [v["value"] for v in tier["options"]["values"]] == ["Gold", "Silver", "Bronze"]
    # Deactivating it instead works; a value nobody holds can go.
    assert set_values(api, [GOLD, {**BRONZE, "inactive": True}]).status_code == 200
    assert api.get(f"{COMPANIES}/{bronze['id']}").get_json()["tier"] == "Bronze"


def test_a_default_cannot_be_or_become_inactive(api):
    add_tier(api, default="Silver")
    refused = set_values(api, [GOLD, {**SILVER, "inactive": True}, BRONZE])
    assert refused.status_code == 422
    assert "default" in refused.get_json()["fields"]
    assert "Change or clear the default" in refused.get_json()["message"]
    changed = set_values(api, [GOLD, {**SILVER, "inactive": True}, BRONZE], default="Gold")
    assert changed.status_code == 200 and changed.get_json()["default"] == "Gold"
    refused = api.patch(f"{FIELDS}/tier", json={"default": "Silver"})
    assert refused.status_code == 422 and "no longer offered" in refused.get_json()["message"]
    assert create(api, name="New Co")["tier"] == "Gold"


def test_at_least_one_value_stays_active(api):
    add_tier(api)
    refused = set_values(api, [{**GOLD, "inactive": True}])
    assert (
        refused.status_code == 422 and "at least one value active" in refused.get_json()["message"]
    )


def test_multi_picklist_values_keep_their_inactive_ones(app, tenant, api):
    response = api.post(
        FIELDS,
        json={
            "name": "regions",
            "label": "Regions",
            "type": "multi_picklist",
            "options": {"values": [{"value": "EMEA"}, {"value": "APAC"}, {"value": "LATAM"}]},
        },
    )
    assert response.status_code == 201
    company = create(api, name="Globe", regions=["EMEA", "LATAM"])
    audits = audit_count(app, tenant)
    changed = api.patch(
        f"{FIELDS}/regions",
        json={
            "options": {
                "values": [
                    {"value": "LATAM", "inactive": True},
                    {"value": "APAC"},
                    {"value": "EMEA"},
                ]
            }
        },
    )
    assert changed.status_code == 200 and changed.get_json()["conversion"] == {}
    assert audit_count(app, tenant) == audits
    path = f"{COMPANIES}/{company['id']}"
    assert api.get(path).get_json() == company
    kept = api.patch(path, json={"regions": ["LATAM", "APAC"]})
    assert kept.status_code == 200 and kept.get_json()["regions"] == ["LATAM", "APAC"]
    refused = api.post(COMPANIES, json={"name": "New", "regions": ["APAC", "LATAM"]})
    assert refused.status_code == 422
    assert refused.get_json()["fields"]["regions"] == [
        "'LATAM' is no longer offered; choose one of: APAC, EMEA."
    ]
    assert api.patch(path, json={"regions": ["APAC"]}).status_code == 200
    assert api.patch(path, json={"regions": ["APAC", "LATAM"]}).status_code == 422
    assert api.get(path).get_json()["regions"] == ["APAC"]


def test_forms_offer_active_values_and_show_the_current_inactive_one(app, tenant, api, client):
    add_tier(api)
    bronze = create(api, name="Bronze Co", tier="Bronze")
    assert set_values(api, [GOLD, SILVER, {**BRONZE, "inactive": True}]).status_code == 200
    new_form = client.get("/o/companies/new").get_data(as_text=True)
    assert '<option value="Gold">' in new_form and 'value="Bronze"' not in new_form
    edit = client.get(f"/o/companies/{bronze['id']}/edit").get_data(as_text=True)
    assert '<option value="Bronze" selected>' in edit and '<option value="Gold">' in edit
    saved = client.post(
        f"/o/companies/{bronze['id']}/edit",
        data={"name": "Bronze Renamed", "tier": "Bronze", "version": "1"},
    )
    assert saved.status_code == 303
    assert api.get(f"{COMPANIES}/{bronze['id']}").get_json()["tier"] == "Bronze"
    refused = client.post("/o/companies/new", data={"name": "Sneaky", "tier": "Bronze"})
    assert refused.status_code == 422
    assert "no longer offered" in refused.get_data(as_text=True)
