"""Contract tests of the endpoints beyond record CRUD: each is called with realistic data,
successes and the usual errors, and every answer must have a status the OpenAPI document
lists for it and a body valid against the schema it declares there (tests/openapi_contract.py).

Each test names the operations it covers (COVERS) and fails unless each of them answered
at least once with a success; the last test checks that these lists, together, name every
operation of the document besides the record CRUD of each object."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
import time_machine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import add_user
from tests.core.objects.conftest import Api, token_for
from tests.jsonschema_strategies import from_schema
from tests.openapi_contract import Contract

COMPANIES = "/api/v1/objects/companies"
CONTACTS = "/api/v1/objects/contacts"
NOBODY = str(uuid.UUID(int=1))
COVERS: dict[str, set[tuple[str, str]]] = {}


def covers(*operations: tuple[str, str]):
    """Declare what a test covers; the ``contract`` fixture checks it at the end."""

    def mark(test):
        COVERS[test.__name__] = set(operations)
        return test

    return mark


@pytest.fixture
def contract(request, api) -> Contract:
    document = api.get("/api/v1/openapi.json").get_json()
    checked = Contract(document)
    failed_before = request.session.testsfailed
    yield checked
    wanted = COVERS.get(request.node.originalname, set())
    if request.session.testsfailed == failed_before:  # the test itself passed
        missing = wanted - checked.succeeded()
        assert not missing, f"never answered with a success: {sorted(missing)}"


@pytest.fixture
def viewer_api(app, tenant) -> Api:
    user_id = add_user(app, tenant, email="viewer@acme.example.com", role="viewer")
    return Api(app, token_for(app, tenant, user_id))


def _created(response) -> dict:
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _deny(api, obj: str, **rights) -> None:
    response = api.put(f"/api/v1/permissions/member/{obj}", json=rights)
    assert response.status_code == 200, response.get_json()


# Records: bulk, restore, history, timeline, export -------------------------------------


@covers(
    ("/api/v1/objects/companies/bulk", "post"),
    ("/api/v1/objects/companies/{id}/restore", "post"),
    ("/api/v1/objects/companies/{id}/history", "get"),
    ("/api/v1/objects/companies/{id}/timeline", "get"),
    ("/api/v1/objects/companies/export.csv", "get"),
)
def test_record_endpoints_answer_as_documented(api, member_api, contract):
    bulk = "/api/v1/objects/companies/bulk"
    body = {"records": [{"name": "Initech", "industry": "Retail"}, {"name": "Umbrella"}]}
    assert contract.accepts(bulk, "post", body)
    written = contract.check(bulk, "post", api.post(bulk, json=body)).get_json()["data"]
    assert [row["name"] for row in written] == ["Initech", "Umbrella"]
    initech = written[0]
    change = {
        "records": [{"id": initech["id"], "version": initech["version"], "phone": "555-0100"}]
    }
    assert contract.accepts(bulk, "post", change)
    contract.check(bulk, "post", api.post(bulk, json=change))
    refused = {"records": [{"name": "Fine"}, {"name": ""}, {"id": NOBODY, "name": "Ghost"}]}
    answer = contract.check(bulk, "post", api.post(bulk, json=refused)).get_json()
    assert set(answer["records"]) == {"1", "2"}
    assert contract.check(bulk, "post", api.post(bulk, json={"records": []})).status_code == 422
    assert not contract.accepts(bulk, "post", {"records": [{"nosuch": 1}]})

    item = f"{COMPANIES}/{initech['id']}"
    activity = {
        "subject": "First call",
        "type": "call",
        "related_object": "companies",
        "related_id": initech["id"],
    }
    _created(api.post("/api/v1/objects/activities", json=activity))
    timeline = "/api/v1/objects/companies/{id}/timeline"
    page = contract.check(timeline, "get", api.get(f"{item}/timeline")).get_json()
    assert {entry["type"] for entry in page["data"]} == {"activity", "change"}
    first = contract.check(timeline, "get", api.get(f"{item}/timeline?limit=1")).get_json()
    assert first["next_cursor"]
    more = api.get(f"{item}/timeline?limit=1&cursor={first['next_cursor']}")
    assert contract.check(timeline, "get", more).get_json()["data"] != first["data"]
    contract.check(timeline, "get", api.get(f"{item}/timeline?limit=0"))  # 422
    contract.check(timeline, "get", api.get(f"{item}/timeline?cursor=junk"))  # 422
    contract.check(timeline, "get", api.get(f"{COMPANIES}/{NOBODY}/timeline"))  # 404

    history = "/api/v1/objects/companies/{id}/history"
    entries = contract.check(history, "get", api.get(f"{item}/history")).get_json()["data"]
    assert [entry["action"] for entry in entries] == ["update", "create"]
    assert entries[0]["changes"]["phone"] == [None, "555-0100"]
    assert contract.check(history, "get", api.get(f"{COMPANIES}/x/history")).status_code == 404

    restore = "/api/v1/objects/companies/{id}/restore"
    assert api.delete(item).status_code == 204
    restored = contract.check(restore, "post", api.post(f"{item}/restore")).get_json()
    assert restored["id"] == initech["id"]
    contract.check(restore, "post", api.post(f"{COMPANIES}/{NOBODY}/restore"))  # 404
    _deny(api, "companies", delete=False)
    assert contract.check(restore, "post", member_api.post(f"{item}/restore")).status_code == 403

    export = "/api/v1/objects/companies/export.csv"
    csv = contract.check(export, "get", api.get(export + "?sort=name&filter[industry]=Retail"))
    lines = csv.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert lines[0].startswith("id,") and len(lines) == 2 and "Initech" in lines[1]
    assert contract.check(export, "get", api.get(export + "?sort=nosuch")).status_code == 422
    _deny(api, "companies", read=False)
    assert contract.check(export, "get", member_api.get(export)).status_code == 403
    assert contract.check(history, "get", member_api.get(f"{item}/history")).status_code == 403
    assert contract.check(timeline, "get", member_api.get(f"{item}/timeline")).status_code == 403


def test_endpoints_answer_401_without_a_token(app, contract):
    anonymous = app.test_client()
    for path, method, url in (
        ("/api/v1/deals/forecast", "get", "/api/v1/deals/forecast"),
        ("/api/v1/objects/companies/bulk", "post", "/api/v1/objects/companies/bulk"),
        ("/api/v1/teams", "post", "/api/v1/teams"),
    ):
        answer = contract.check(path, method, anonymous.open(url, method=method.upper()))
        assert answer.status_code == 401


def test_a_read_only_workspace_answers_402_to_every_change(api, contract, monkeypatch):
    from saas.billing import services

    def refuse(tenant_id=None):
        raise services.WorkspaceReadOnly("This workspace is read-only.")

    monkeypatch.setattr(services, "require_writable", refuse)
    for path, method, url, body in (
        ("/api/v1/pipelines", "post", "/api/v1/pipelines", {"name": "Renewals"}),
        ("/api/v1/objects/companies/bulk", "post", "/api/v1/objects/companies/bulk", {}),
        ("/api/v1/sla_targets/{priority}", "put", "/api/v1/sla_targets/low", {}),
        (
            "/api/v1/relationship_types/{type_id}",
            "delete",
            f"/api/v1/relationship_types/{NOBODY}",
            None,
        ),
    ):
        sent = api.client.open(url, method=method.upper(), json=body, headers=api.headers)
        answer = contract.check(path, method, sent)
        assert answer.status_code == 402 and answer.get_json()["error"] == "read_only"
    assert (
        contract.check("/api/v1/pipelines", "get", api.get("/api/v1/pipelines")).status_code == 200
    )


# Leads and quotes ------------------------------------------------------------------------


@covers(("/api/v1/objects/leads/{id}/convert", "post"))
def test_lead_conversion_answers_as_documented(api, member_api, contract):
    path = "/api/v1/objects/leads/{id}/convert"
    lead = {
        "first_name": "Grace",
        "last_name": "Hopper",
        "email": "grace@cobol.example.com",
        "company_name": "Cobol Inc",
    }
    first = _created(api.post("/api/v1/objects/leads", json=lead))
    url = f"/api/v1/objects/leads/{first['id']}/convert"
    options = {"create_deal": True, "deal_name": "Cobol migration"}
    assert contract.accepts(path, "post", options)
    done = contract.check(path, "post", api.post(url, json=options)).get_json()
    assert done["lead_id"] == first["id"] and done["deal_id"] and done["company_id"]
    again = contract.check(path, "post", api.post(url)).get_json()
    assert again["error"] == "conflict" and "duplicates" not in again

    twin = _created(api.post("/api/v1/objects/leads", json=lead))
    twin_url = f"/api/v1/objects/leads/{twin['id']}/convert"
    conflict = contract.check(path, "post", api.post(twin_url)).get_json()
    assert conflict["duplicates"]["contacts"][0]["email"] == lead["email"]
    assert set(conflict["fields"]) == {"contact_id", "company_id"}
    for wrong in ({"create_deal": "yes"}, {"nosuch": True}, {"contact_id": NOBODY}):
        assert contract.check(path, "post", api.post(twin_url, json=wrong)).status_code == 422
    assert not contract.accepts(path, "post", {"create_deal": "yes"})
    assert not contract.accepts(path, "post", {"nosuch": True})
    missing = api.post(f"/api/v1/objects/leads/{NOBODY}/convert")
    assert contract.check(path, "post", missing).status_code == 404
    _deny(api, "contacts", create=False)
    refused = member_api.post(twin_url, json={"allow_duplicates": True})
    assert contract.check(path, "post", refused).status_code == 403
    chosen = {"contact_id": done["contact_id"], "company_id": done["company_id"]}
    assert contract.accepts(path, "post", chosen)
    reused = contract.check(path, "post", api.post(twin_url, json=chosen)).get_json()
    assert reused["contact_id"] == done["contact_id"] and reused["deal_id"] is None


@covers(
    ("/api/v1/objects/quotes/{id}/convert", "post"),
    ("/api/v1/settings/credit-check", "get"),
    ("/api/v1/settings/credit-check", "put"),
)
def test_quote_conversion_and_credit_check_answer_as_documented(api, member_api, contract):
    setting = "/api/v1/settings/credit-check"
    assert contract.check(setting, "get", member_api.get(setting)).get_json()["mode"] == "warn"
    assert contract.accepts(setting, "put", {"mode": "block"})
    contract.check(setting, "put", api.put(setting, json={"mode": "block"}))
    for wrong in ({"mode": "never"}, {"mode": "off", "also": 1}, {}):
        assert not contract.accepts(setting, "put", wrong)
        assert contract.check(setting, "put", api.put(setting, json=wrong)).status_code == 422
    assert (
        contract.check(setting, "put", member_api.put(setting, json={"mode": "off"})).status_code
        == 403
    )

    path = "/api/v1/objects/quotes/{id}/convert"
    customer = _created(api.post(COMPANIES, json={"name": "Initech", "credit_limit": "100"}))
    line = {"description": "Installation", "quantity": "1", "unit_price": "500"}
    quote = _created(
        api.post(
            "/api/v1/objects/quotes",
            json={"name": "Q-1", "company_id": customer["id"], "lines": [line]},
        )
    )
    url = f"/api/v1/objects/quotes/{quote['id']}/convert"
    assert contract.check(path, "post", api.post(url)).status_code == 409  # a draft
    api.patch(f"/api/v1/objects/quotes/{quote['id']}", json={"status": "accepted"})
    blocked = contract.check(path, "post", api.post(url)).get_json()
    assert blocked["error"] == "credit_limit_exceeded"
    contract.check(setting, "put", api.put(setting, json={"mode": "warn"}))
    order = contract.check(path, "post", api.post(url)).get_json()
    assert order["quote_id"] == quote["id"] and order["warnings"]
    assert contract.check(path, "post", api.post(url)).status_code == 409  # converted
    missing = api.post(f"/api/v1/objects/quotes/{NOBODY}/convert")
    assert contract.check(path, "post", missing).status_code == 404
    _deny(api, "quotes", update=False)
    assert contract.check(path, "post", member_api.post(url)).status_code == 403


# Pipelines and the forecast --------------------------------------------------------------


@covers(
    ("/api/v1/pipelines", "get"),
    ("/api/v1/pipelines", "post"),
    ("/api/v1/pipelines/{pipeline_id}", "patch"),
    ("/api/v1/pipelines/{pipeline_id}/stages", "post"),
    ("/api/v1/pipelines/{pipeline_id}/stages/{stage_id}", "patch"),
    ("/api/v1/deals/forecast", "get"),
)
def test_pipelines_and_the_forecast_answer_as_documented(api, member_api, contract):
    collection = "/api/v1/pipelines"
    pipelines = contract.check(collection, "get", member_api.get(collection)).get_json()["data"]
    sales = pipelines[0]
    body = {
        "name": "Renewals",
        "stages": [
            {"name": "Due", "probability": 60},
            {"name": "Renewed", "kind": "won"},
            {"name": "Churned", "kind": "lost"},
        ],
    }
    assert contract.accepts(collection, "post", body)
    renewals = contract.check(collection, "post", api.post(collection, json=body)).get_json()
    assert [stage["probability"] for stage in renewals["stages"]] == [60, 100, 0]
    assert contract.check(collection, "post", api.post(collection, json=body)).status_code == 409
    no_probability = {"name": "Other", "stages": [{"name": "Open"}]}
    assert not contract.accepts(collection, "post", no_probability)
    assert (
        contract.check(collection, "post", api.post(collection, json=no_probability)).status_code
        == 422
    )
    assert (
        contract.check(collection, "post", member_api.post(collection, json=body)).status_code
        == 403
    )

    pipeline = "/api/v1/pipelines/{pipeline_id}"
    url = f"{collection}/{renewals['id']}"
    moved = contract.check(
        pipeline, "patch", api.patch(url, json={"position": 5, "is_default": True})
    )
    assert moved.get_json()["is_default"] is True
    contract.check(
        pipeline, "patch", api.patch(f"{collection}/{sales['id']}", json={"is_default": True})
    )
    refused = api.patch(url, json={"is_default": False})
    assert not contract.accepts(pipeline, "patch", {"is_default": False})
    assert contract.check(pipeline, "patch", refused).status_code == 422
    assert (
        contract.check(pipeline, "patch", api.patch(url, json={"name": "Sales"})).status_code == 409
    )
    assert (
        contract.check(pipeline, "patch", api.patch(f"{collection}/x", json={})).status_code == 404
    )

    stages = "/api/v1/pipelines/{pipeline_id}/stages"
    demo = {"name": "Demo", "probability": 40, "position": 1}
    assert contract.accepts(stages, "post", demo)
    added = contract.check(stages, "post", api.post(f"{url}/stages", json=demo)).get_json()
    assert added["position"] == 1
    assert contract.check(stages, "post", api.post(f"{url}/stages", json=demo)).status_code == 409
    assert (
        contract.check(stages, "post", api.post(f"{url}/stages", json={"name": "X"})).status_code
        == 422
    )

    stage = "/api/v1/pipelines/{pipeline_id}/stages/{stage_id}"
    stage_url = f"{url}/stages/{added['id']}"
    changed = contract.check(stage, "patch", api.patch(stage_url, json={"probability": 45}))
    assert changed.get_json()["probability"] == 45
    deal = {
        "name": "Renewal",
        "amount": "1000.00",
        "pipeline_id": renewals["id"],
        "stage_id": added["id"],
    }
    _created(api.post("/api/v1/objects/deals", json=deal))
    assert (
        contract.check(stage, "patch", api.patch(stage_url, json={"kind": "won"})).status_code
        == 409
    )
    assert (
        contract.check(stage, "patch", api.patch(f"{url}/stages/{NOBODY}", json={})).status_code
        == 404
    )
    assert (
        contract.check(stage, "patch", api.patch(stage_url, json={"colour": "red"})).status_code
        == 422
    )

    forecast = "/api/v1/deals/forecast"
    figures = contract.check(
        forecast, "get", api.get(f"{forecast}?pipeline_id={renewals['id']}")
    ).get_json()
    assert figures["totals"]["open"] == {
        "count": 1,
        "amount": "1000.00",
        "weighted_amount": "450.00",
    }
    assert figures["win_rate"] is None
    assert (
        contract.check(forecast, "get", api.get(forecast)).get_json()["pipeline"]["id"]
        == sales["id"]
    )
    assert (
        contract.check(forecast, "get", api.get(f"{forecast}?pipeline_id={NOBODY}")).status_code
        == 404
    )
    _deny(api, "deals", read=False)
    assert contract.check(forecast, "get", member_api.get(forecast)).status_code == 403


# Tickets and campaigns -------------------------------------------------------------------


@covers(
    ("/api/v1/sla_targets", "get"),
    ("/api/v1/sla_targets/{priority}", "put"),
    ("/api/v1/sla_targets/{priority}", "patch"),
    ("/api/v1/tickets/sla", "get"),
)
@pytest.mark.time_sensitive
def test_sla_targets_and_overview_answer_as_documented(api, member_api, contract):
    targets = "/api/v1/sla_targets"
    data = contract.check(targets, "get", member_api.get(targets)).get_json()["data"]
    assert data["urgent"] == {
        "first_response_minutes": 60,
        "resolution_minutes": 240,
        "hours": "24x7",
    }
    one = "/api/v1/sla_targets/{priority}"
    change = {"first_response_minutes": 30, "resolution_minutes": 120, "hours": "business"}
    assert contract.accepts(one, "put", change)
    assert (
        contract.check(one, "put", api.put(f"{targets}/urgent", json=change)).get_json() == change
    )
    patched = api.patch(f"{targets}/low", json={"resolution_minutes": 2000})
    assert contract.check(one, "patch", patched).get_json()["resolution_minutes"] == 2000
    shorter = {"first_response_minutes": 300, "resolution_minutes": 200}
    assert contract.check(one, "put", api.put(f"{targets}/urgent", json=shorter)).status_code == 422
    assert (
        contract.check(one, "put", api.put(f"{targets}/urgent", json={"mode": "x"})).status_code
        == 422
    )
    assert (
        contract.check(one, "put", api.put(f"{targets}/critical", json=change)).status_code == 404
    )
    assert (
        contract.check(one, "put", member_api.put(f"{targets}/urgent", json=change)).status_code
        == 403
    )

    overview = "/api/v1/tickets/sla"
    # Business hours (Mon-Fri 09-17 in the workspace's zone): on a Wednesday at noon the
    # 30-minute first response is due within the hour, whatever the hour the suite runs at.
    wednesday_noon = dt.datetime(2026, 12, 2, 12, 0, tzinfo=dt.UTC)
    with time_machine.travel(wednesday_noon, tick=False):
        _created(
            api.post("/api/v1/objects/tickets", json={"subject": "Broken", "priority": "urgent"})
        )
        answer = api.get(f"{overview}?at_risk_minutes=60")
        counts = contract.check(overview, "get", answer).get_json()
    assert counts == {"breached": 0, "at_risk": 1, "on_track": 0, "at_risk_minutes": 60}
    for wrong in ("abc", "0", "999999999"):
        answer = api.get(f"{overview}?at_risk_minutes={wrong}")
        assert contract.check(overview, "get", answer).status_code == 422
    _deny(api, "tickets", read=False)
    assert contract.check(overview, "get", member_api.get(overview)).status_code == 403


@covers(
    ("/api/v1/settings/business-hours", "get"),
    ("/api/v1/settings/business-hours", "put"),
    ("/api/v1/settings/business-hours", "patch"),
)
def test_business_hours_answer_as_documented(api, member_api, contract):
    path = "/api/v1/settings/business-hours"
    hours = contract.check(path, "get", member_api.get(path)).get_json()
    assert hours["week"]["mon"] == [{"start": "09:00", "end": "17:00"}]
    week = {
        day: [{"start": "08:00", "end": "12:00"}, {"start": "13:00", "end": "17:30"}]
        for day in ("mon", "tue", "wed", "thu", "fri")
    }
    week |= {"sat": [], "sun": []}
    change = {"timezone": "Europe/Berlin", "week": week}
    assert contract.accepts(path, "put", change)
    saved = contract.check(path, "put", api.put(path, json=change)).get_json()
    assert saved["timezone"] == "Europe/Berlin" and saved["week"]["fri"][1]["end"] == "17:30"
    holiday = {"holidays": [{"date": "2026-12-25", "name": "Christmas"}]}
    patched = contract.check(path, "patch", api.patch(path, json=holiday)).get_json()
    assert patched["holidays"][0]["name"] == "Christmas"
    assert patched["timezone"] == "Europe/Berlin"  # left out: unchanged
    wrong = api.put(path, json={"timezone": "Mars/Olympus"})
    assert contract.check(path, "put", wrong).status_code == 422
    assert contract.check(path, "put", api.put(path, json=[])).status_code == 400
    assert contract.check(path, "patch", member_api.patch(path, json=holiday)).status_code == 403
    assert contract.check(path, "get", api.get(path)).get_json()["timezone"] == "Europe/Berlin"


@covers(("/api/v1/campaigns/{campaign_id}/performance", "get"))
def test_campaign_performance_answers_as_documented(api, member_api, contract):
    path = "/api/v1/campaigns/{campaign_id}/performance"
    campaign = _created(
        api.post("/api/v1/objects/campaigns", json={"name": "Spring", "cost": "1000"})
    )
    url = f"/api/v1/campaigns/{campaign['id']}/performance"
    empty = contract.check(path, "get", api.get(url)).get_json()
    assert empty["members"] == 0 and empty["response_rate"] is None
    contact = _created(api.post(CONTACTS, json={"last_name": "Lovelace"}))
    member = {"campaign_id": campaign["id"], "contact_id": contact["id"], "status": "responded"}
    _created(api.post("/api/v1/objects/campaign_members", json=member))
    figures = contract.check(path, "get", api.get(url)).get_json()
    assert figures["response_rate"] == 100.0 and figures["cost_per_response"] == "1000.00"
    assert figures["roi_percent"] == -100.0
    missing = api.get(f"/api/v1/campaigns/{NOBODY}/performance")
    assert contract.check(path, "get", missing).status_code == 404
    _deny(api, "campaigns", read=False)
    assert contract.check(path, "get", member_api.get(url)).status_code == 403


# Relationships ---------------------------------------------------------------------------


@covers(
    ("/api/v1/relationship_types", "get"),
    ("/api/v1/relationship_types", "post"),
    ("/api/v1/relationship_types/{type_id}", "patch"),
    ("/api/v1/relationship_types/{type_id}", "delete"),
    ("/api/v1/objects/companies/{id}/relationships", "get"),
    ("/api/v1/objects/contacts/{id}/relationships", "get"),
)
def test_relationship_endpoints_answer_as_documented(api, member_api, contract):
    types = "/api/v1/relationship_types"
    listed = contract.check(types, "get", member_api.get(types)).get_json()["data"]
    employment = next(row for row in listed if row["name"] == "Employment")
    body = {
        "name": "Supplier",
        "category": "business",
        "forward_label": "supplies",
        "reverse_label": "supplied by",
        "from_object": "companies",
        "to_object": None,
    }
    assert contract.accepts(types, "post", body)
    supplier = contract.check(types, "post", api.post(types, json=body)).get_json()
    assert contract.check(types, "post", api.post(types, json=body)).status_code == 409
    wrong = {"name": "X", "forward_label": "a", "reverse_label": "b", "to_object": "deals"}
    assert not contract.accepts(types, "post", wrong)
    assert contract.check(types, "post", api.post(types, json=wrong)).status_code == 422
    assert contract.check(types, "post", member_api.post(types, json=body)).status_code == 403

    one = "/api/v1/relationship_types/{type_id}"
    renamed = api.patch(f"{types}/{supplier['id']}", json={"reverse_label": "bought from"})
    assert contract.check(one, "patch", renamed).get_json()["reverse_label"] == "bought from"
    assert contract.check(one, "patch", api.patch(f"{types}/{NOBODY}", json={})).status_code == 404

    acme = _created(api.post(COMPANIES, json={"name": "Acme"}))
    ada = _created(api.post(CONTACTS, json={"first_name": "Ada", "last_name": "Lovelace"}))
    relationship = {
        "type_id": employment["id"],
        "from_company_id": acme["id"],
        "to_contact_id": ada["id"],
    }
    _created(api.post("/api/v1/objects/relationships", json=relationship))
    ends = api.patch(f"{types}/{employment['id']}", json={"to_object": "companies"})
    assert contract.check(one, "patch", ends).status_code == 409
    assert (
        contract.check(one, "delete", api.delete(f"{types}/{employment['id']}")).status_code == 409
    )
    assert contract.check(one, "delete", api.delete(f"{types}/{supplier['id']}")).status_code == 204
    assert contract.check(one, "delete", api.delete(f"{types}/{supplier['id']}")).status_code == 404

    of_company = "/api/v1/objects/companies/{id}/relationships"
    of_contact = "/api/v1/objects/contacts/{id}/relationships"
    seen = contract.check(of_company, "get", api.get(f"{COMPANIES}/{acme['id']}/relationships"))
    assert seen.get_json()["data"][0]["label"] == "employer of"
    seen = contract.check(of_contact, "get", api.get(f"{CONTACTS}/{ada['id']}/relationships"))
    assert seen.get_json()["data"][0]["other"] == {
        "object": "companies",
        "id": acme["id"],
        "title": "Acme",
    }
    missing = api.get(f"{CONTACTS}/{NOBODY}/relationships")
    assert contract.check(of_contact, "get", missing).status_code == 404
    _deny(api, "relationships", read=False)
    refused = member_api.get(f"{COMPANIES}/{acme['id']}/relationships")
    assert contract.check(of_company, "get", refused).status_code == 403


# Schema, account, billing ----------------------------------------------------------------


@covers(
    ("/api/v1/schema/objects", "get"),
    ("/api/v1/schema/objects", "post"),
    ("/api/v1/schema/objects/{object_name}/fields", "get"),
    ("/api/v1/schema/objects/{object_name}/fields", "post"),
    ("/api/v1/schema/objects/{object_name}/fields/{field_name}", "patch"),
    ("/api/v1/schema/objects/{object_name}/fields/{field_name}", "delete"),
    ("/api/v1/schema/objects/{object_name}/fields/order", "put"),
    ("/api/v1/openapi.json", "get"),
)
def test_schema_endpoints_answer_as_documented(api, member_api, contract):
    objects = "/api/v1/schema/objects"
    assert contract.check(objects, "get", member_api.get(objects)).get_json()["data"]
    vehicle = {"name": "vehicles", "label": "Vehicle"}
    assert contract.accepts(objects, "post", vehicle)
    assert contract.check(objects, "post", api.post(objects, json=vehicle)).status_code == 201
    assert contract.check(objects, "post", api.post(objects, json=vehicle)).status_code == 409
    bad = {"name": "Not Valid", "label": "x"}
    assert not contract.accepts(objects, "post", bad)
    assert contract.check(objects, "post", api.post(objects, json=bad)).status_code == 422
    assert (
        contract.check(objects, "post", member_api.post(objects, json=vehicle)).status_code == 403
    )

    fields = "/api/v1/schema/objects/{object_name}/fields"
    url = f"{objects}/companies/fields"
    assert contract.check(fields, "get", api.get(url)).get_json()["data"]
    assert contract.check(fields, "get", api.get(f"{objects}/nosuch/fields")).status_code == 404
    tier = {"name": "tier", "label": "Tier", "type": "text", "filterable": True}
    assert contract.accepts(fields, "post", tier)
    assert contract.check(fields, "post", api.post(url, json=tier)).status_code == 201
    assert (
        contract.check(fields, "post", api.post(url, json={**tier, "colour": 1})).status_code == 422
    )
    note = {"name": "note", "label": "Note", "type": "text"}
    assert contract.check(fields, "post", api.post(url, json=note)).status_code == 201
    _created(api.post(COMPANIES, json={"name": "Initech", "tier": "gold"}))

    field = "/api/v1/schema/objects/{object_name}/fields/{field_name}"
    preview = api.patch(f"{url}/tier?preview=true", json={"type": "number"})
    report = contract.check(field, "patch", preview).get_json()["preview"]
    assert report["failure_count"] == 1
    assert (
        contract.check(
            field, "patch", api.patch(f"{url}/tier", json={"type": "number"})
        ).status_code
        == 409
    )
    relabelled = contract.check(field, "patch", api.patch(f"{url}/tier", json={"label": "Level"}))
    assert relabelled.get_json()["label"] == "Level" and relabelled.get_json()["conversion"] == {}
    assert (
        contract.check(field, "patch", api.patch(f"{url}/name", json={"label": "x"})).status_code
        == 422
    )
    assert contract.check(field, "patch", api.patch(f"{url}/nosuch", json={})).status_code == 404

    order = "/api/v1/schema/objects/{object_name}/fields/order"
    reordered = api.put(f"{url}/order", json={"order": ["note", "tier"]})
    customs = [
        f["name"] for f in contract.check(order, "put", reordered).get_json()["data"] if f["custom"]
    ]
    assert customs == ["note", "tier"]
    assert (
        contract.check(order, "put", api.put(f"{url}/order", json={"order": ["tier"]})).status_code
        == 422
    )
    assert contract.check(field, "delete", api.delete(f"{url}/note")).status_code == 204
    assert contract.check(field, "delete", member_api.delete(f"{url}/tier")).status_code == 403
    assert contract.check(field, "delete", api.delete(f"{url}/note")).status_code == 404
    again = api.post(url, json=note)  # a retired field's name is not reused
    assert contract.check(fields, "post", again).status_code == 409

    document = contract.check("/api/v1/openapi.json", "get", api.get("/api/v1/openapi.json"))
    assert "/api/v1/objects/vehicles/bulk" in document.get_json()["paths"]


@covers(
    ("/api/v1/me", "get"),
    ("/api/v1/teams", "get"),
    ("/api/v1/teams", "post"),
    ("/api/v1/users/{user_id}/team", "put"),
    ("/api/v1/permissions", "get"),
    ("/api/v1/permissions/{role}/{object_name}", "get"),
    ("/api/v1/permissions/{role}/{object_name}", "put"),
    ("/api/v1/billing", "get"),
)
def test_account_endpoints_answer_as_documented(app, tenant, api, member_api, viewer_api, contract):
    me = contract.check("/api/v1/me", "get", viewer_api.get("/api/v1/me")).get_json()
    assert me["role"] == "viewer" and me["tenant"]["slug"] == "acme"

    teams = "/api/v1/teams"
    assert contract.accepts(teams, "post", {"name": "EMEA"})
    team = contract.check(teams, "post", api.post(teams, json={"name": "EMEA"})).get_json()
    assert contract.check(teams, "post", api.post(teams, json={"name": "EMEA"})).status_code == 409
    assert contract.check(teams, "post", api.post(teams, json={"name": " "})).status_code == 422
    assert (
        contract.check(teams, "post", member_api.post(teams, json={"name": "X"})).status_code == 403
    )
    assert contract.check(teams, "get", member_api.get(teams)).get_json()["data"] == [team]

    user_team = "/api/v1/users/{user_id}/team"
    member_id = member_api.get("/api/v1/me").get_json()["id"]
    url = f"/api/v1/users/{member_id}/team"
    placed = contract.check(user_team, "put", api.put(url, json={"team_id": team["id"]}))
    assert placed.get_json() == {"user_id": member_id, "team_id": team["id"]}
    assert (
        contract.check(user_team, "put", api.put(url, json={"team_id": None})).get_json()["team_id"]
        is None
    )
    assert (
        contract.check(user_team, "put", api.put(url, json={"team_id": NOBODY})).status_code == 404
    )
    assert (
        contract.check(
            user_team, "put", api.put(f"/api/v1/users/{NOBODY}/team", json={})
        ).status_code
        == 404
    )
    assert contract.check(user_team, "put", api.put(url, json=[])).status_code == 422
    assert contract.check(user_team, "put", member_api.put(url, json={})).status_code == 403

    rights = "/api/v1/permissions"
    listed = contract.check(rights, "get", api.get(rights)).get_json()["data"]
    assert any(r["role"] == "member" and r["object"] == "companies" for r in listed)
    assert contract.check(rights, "get", member_api.get(rights)).status_code == 403
    one = "/api/v1/permissions/{role}/{object_name}"
    change = {"visibility": "team", "delete": False, "party_roles": ["supplier"]}
    assert contract.accepts(one, "put", change)
    set_ = contract.check(one, "put", api.put(f"{rights}/member/companies", json=change)).get_json()
    assert set_["visibility"] == "team" and set_["party_roles"] == ["supplier"]
    hide = {"fields": {"credit_limit": "hidden", "industry": "read_only"}}
    assert contract.accepts(one, "put", hide)
    hidden = contract.check(one, "put", api.put(f"{rights}/member/companies", json=hide))
    assert hidden.get_json()["fields"] == {"credit_limit": "hidden", "industry": "read_only"}
    read = contract.check(one, "get", api.get(f"{rights}/member/companies")).get_json()
    assert read["fields"] == {"credit_limit": "hidden", "industry": "read_only"}
    assert read["visibility"] == "team"
    bad = api.put(f"{rights}/member/companies", json={"fields": {"name": "read_only"}})
    assert contract.check(one, "put", bad).status_code == 422  # required: stays editable
    assert contract.check(one, "get", api.get(f"{rights}/nobody/companies")).status_code == 422
    assert contract.check(one, "get", api.get(f"{rights}/member/nosuch")).status_code == 404
    assert contract.check(one, "get", member_api.get(f"{rights}/member/deals")).status_code == 403
    assert (
        contract.check(one, "put", api.put(f"{rights}/admin/companies", json={})).status_code == 422
    )
    assert (
        contract.check(
            one, "put", api.put(f"{rights}/member/deals", json={"party_roles": ["supplier"]})
        ).status_code
        == 422
    )
    assert (
        contract.check(one, "put", api.put(f"{rights}/member/nosuch", json={})).status_code == 404
    )
    assert (
        contract.check(one, "put", member_api.put(f"{rights}/member/deals", json={})).status_code
        == 403
    )

    billing = "/api/v1/billing"
    assert contract.check(billing, "get", api.get(billing)).get_json()["status"]
    assert contract.check(billing, "get", member_api.get(billing)).status_code == 403


@covers(
    ("/api/v1/plugins", "get"),
    ("/api/v1/plugins/{name}/enable", "post"),
    ("/api/v1/plugins/{name}/disable", "post"),
)
def test_plugin_endpoints_answer_as_documented(api, member_api, contract, monkeypatch):
    """The catalogue's answers (tests/saas/plugins install real plugins and test what
    enabling does); here the services see one installed plugin with no hooks."""
    from saas.plugins import services
    from saas.plugins.meta import PluginMeta

    plugins, enable = "/api/v1/plugins", "/api/v1/plugins/{name}/enable"
    disable = "/api/v1/plugins/{name}/disable"
    assert contract.check(plugins, "get", api.get(plugins)).get_json() == {"data": []}
    meta = PluginMeta(name="stock", title="Stock", version="1.0.0", adds={"pages"})
    monkeypatch.setattr(services, "installed_plugins", lambda pm: {"stock": meta})
    listed = contract.check(plugins, "get", api.get(plugins)).get_json()["data"]
    assert [(p["name"], p["enabled"]) for p in listed] == [("stock", False)]
    done = contract.check(enable, "post", api.post("/api/v1/plugins/stock/enable"))
    assert done.get_json()["enabled"] is True
    done = contract.check(disable, "post", api.post("/api/v1/plugins/stock/disable"))
    assert done.get_json()["enabled"] is False
    assert contract.check(plugins, "get", member_api.get(plugins)).status_code == 403
    missing = api.post("/api/v1/plugins/nope/enable", json={"sample_data": True})
    assert contract.check(enable, "post", missing).status_code == 404
    bad = api.post("/api/v1/plugins/nope/enable", json={"sample_data": "yes"})
    assert contract.check(enable, "post", bad).status_code == 422
    as_member = member_api.post("/api/v1/plugins/nope/enable")
    assert contract.check(enable, "post", as_member).status_code == 403
    assert (
        contract.check(disable, "post", api.post("/api/v1/plugins/nope/disable")).status_code == 404
    )


@covers(("/api/v1/security-log", "get"), ("/api/v1/security-log/verify", "get"))
def test_security_log_endpoints_answer_as_documented(api, member_api, contract):
    log, verify = "/api/v1/security-log", "/api/v1/security-log/verify"
    page = contract.check(log, "get", api.get(f"{log}?limit=1")).get_json()
    assert page["data"][0]["hash"] and page["next_cursor"]
    assert contract.check(log, "get", api.get(f"{log}?event=nosuch")).status_code == 422
    assert contract.check(log, "get", member_api.get(log)).status_code == 403
    assert contract.check(verify, "get", api.get(verify)).get_json()["ok"] is True
    assert contract.check(verify, "get", api.get(f"{verify}?head=x")).status_code == 422
    assert contract.check(verify, "get", member_api.get(verify)).status_code == 403


def test_the_tests_cover_every_documented_operation_beyond_record_crud(api):
    """Together, the tests above cover every operation but the CRUD of each object (tested
    by test_openapi_contract), with one object standing for each family of per-object paths."""
    document = api.get("/api/v1/openapi.json").get_json()
    objects = [o["name"] for o in api.get("/api/v1/schema/objects").get_json()["data"]]
    family = {}
    for path, item in document["paths"].items():
        for method in item:
            representative = path
            for name in objects:
                prefix = f"/api/v1/objects/{name}"
                if path in (prefix, prefix + "/{id}"):
                    representative = None
                    break
                if path.startswith(prefix + "/"):
                    companies = "/api/v1/objects/companies" + path[len(prefix) :]
                    if companies in document["paths"]:  # a family: companies stand for all
                        representative = companies
                    break
            if representative:
                family[(representative, method)] = True
    covered = set().union(*COVERS.values())
    assert sorted(set(family) - covered) == [], "operations no test calls"
    every = {(path, method) for path, item in document["paths"].items() for method in item}
    assert covered <= every


@covers(
    ("/api/v1/views", "get"),
    ("/api/v1/views", "post"),
    ("/api/v1/views/{view_id}", "get"),
    ("/api/v1/views/{view_id}", "patch"),
    ("/api/v1/views/{view_id}", "delete"),
)
def test_saved_views_answer_as_documented(api, member_api, contract):
    views, one = "/api/v1/views", "/api/v1/views/{view_id}"
    body = {
        "object": "deals",
        "name": "Big deals",
        "shared": True,
        "filters": [{"field": "amount", "op": "gte", "value": "10000"}],
        "sort": "-amount",
    }
    assert contract.accepts(views, "post", body)
    view = contract.check(views, "post", api.post(views, json=body)).get_json()
    assert contract.check(views, "post", api.post(views, json=body)).status_code == 409
    assert (
        contract.check(
            views, "post", api.post(views, json={**body, "name": "x", "sort": "nosuch"})
        ).status_code
        == 422
    )
    assert (
        contract.check(
            views, "post", member_api.post(views, json={**body, "name": "Mine"})
        ).status_code
        == 403
    )
    assert contract.check(views, "get", api.get(f"{views}?object=deals")).get_json()["data"]
    url = f"{views}/{view['id']}"
    assert contract.check(one, "get", member_api.get(url)).get_json()["name"] == "Big deals"
    renamed = contract.check(one, "patch", api.patch(url, json={"name": "Huge deals"}))
    assert renamed.get_json()["name"] == "Huge deals"
    assert (
        contract.check(one, "patch", member_api.patch(url, json={"name": "No"})).status_code == 403
    )
    assert contract.check(one, "delete", member_api.delete(url)).status_code == 403
    assert contract.check(one, "delete", api.delete(url)).status_code == 204
    assert contract.check(one, "get", api.get(url)).status_code == 404


# Any body --------------------------------------------------------------------------------

_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)


def _bodies(schema: dict, document: dict) -> st.SearchStrategy:
    """Objects with the documented properties (and an unknown one) holding any JSON value,
    or a value of the documented kind; or not an object at all."""
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    properties = dict(schema.get("properties", {}))
    values = {
        name: st.one_of(_JSON, from_schema(spec) if "$ref" not in spec else _JSON)
        for name, spec in properties.items()
    }
    values["unknown"] = _JSON
    return st.one_of(st.fixed_dictionaries({}, optional=values), _JSON)


def test_no_body_makes_a_new_endpoint_fail(app, tenant, api, contract):
    """Whatever the body, every endpoint with one answers a documented status with a
    documented body: never a 500."""
    document = contract.document
    lead = _created(
        api.post("/api/v1/objects/leads", json={"last_name": "Fuzz", "email": "f@x.example"})
    )
    quote = _created(api.post("/api/v1/objects/quotes", json={"name": "Q"}))
    sales = api.get("/api/v1/pipelines").get_json()["data"][0]
    rel_type = api.get("/api/v1/relationship_types").get_json()["data"][0]
    view = _created(api.post("/api/v1/views", json={"object": "deals", "name": "V"}))
    api.post(
        "/api/v1/schema/objects/companies/fields",
        json={"name": "tag", "label": "Tag", "type": "text"},
    )
    member_id = add_user(app, tenant, email="fuzzed@acme.example.com")
    samples = {
        "{id}": {"leads": lead["id"], "quotes": quote["id"]},
        "{pipeline_id}": sales["id"],
        "{stage_id}": sales["stages"][0]["id"],
        "{priority}": "low",
        "{type_id}": rel_type["id"],
        "{object_name}": "companies",
        "{field_name}": "tag",
        "{user_id}": str(member_id),
        "{role}": "member",
        "{view_id}": view["id"],
    }
    targets = []
    for path, item in document["paths"].items():
        if path.startswith("/api/v1/objects/") and not path.startswith(
            ("/api/v1/objects/companies/", "/api/v1/objects/leads/", "/api/v1/objects/quotes/")
        ):
            continue
        for method, operation in item.items():
            if "requestBody" not in operation or path in (
                "/api/v1/objects/companies",
                "/api/v1/objects/companies/{id}",
            ):
                continue
            url = path
            for name, sample in samples.items():
                if isinstance(sample, dict):
                    for obj, value in sample.items():
                        if url.startswith(f"/api/v1/objects/{obj}/"):
                            url = url.replace(name, value)
                url = url.replace(name, sample) if isinstance(sample, str) else url
            content = operation["requestBody"]["content"]
            if "application/json" not in content:  # a file sent as it is (a CSV import)
                continue
            schema = content["application/json"]["schema"]
            targets.append((path, method, url, _bodies(schema, document)))
    assert len(targets) >= 20

    for path, method, url, bodies in targets:
        _fuzz(api, contract, path, method, url, bodies)


def _fuzz(api, contract: Contract, path: str, method: str, url: str, bodies) -> None:
    @settings(
        max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    @given(body=bodies)
    def check(body):
        sent = api.client.open(url, method=method.upper(), json=body, headers=api.headers)
        contract.check(path, method, sent)

    check()


def test_bodies_of_the_wrong_type_are_refused_not_failed(api):
    """Found by the test above: these were 500s."""
    fields = "/api/v1/schema/objects/companies/fields"
    for url, body, field in (
        ("/api/v1/schema/objects", {"name": ["x"], "label": "X"}, "name"),
        ("/api/v1/schema/objects", {"name": "things", "label": 5}, "label"),
        (
            "/api/v1/schema/objects",
            {"name": "things", "label": "T", "description": 5},
            "description",
        ),
        (fields, {"name": "a", "label": "A", "type": ["text"]}, "type"),
        (fields, {"name": "a", "label": "A", "type": "text", "help_text": 7}, "help_text"),
        ("/api/v1/teams", {"name": ["EMEA"]}, "name"),
    ):
        refused = api.post(url, json=body)
        assert refused.status_code == 422, (body, refused.get_data(as_text=True))
        assert field in refused.get_json()["fields"], refused.get_json()
    assert api.post(fields, json={"name": "a", "label": "A", "type": "text"}).status_code == 201
    for change in ({"type": {"x": 1}}, {"help_text": ["x"]}):
        assert api.patch(f"{fields}/a", json=change).status_code == 422
    for order in ([["a"]], ["a", "a"], [5]):
        assert api.put(f"{fields}/order", json={"order": order}).status_code == 422


def test_a_pipeline_name_is_unique_whatever_its_letters(api):
    """SQLite's lower() leaves non-ASCII letters alone: the same name was a 500 there."""
    assert api.post("/api/v1/pipelines", json={"name": "VENTES ÉTÉ"}).status_code == 201
    again = api.post("/api/v1/pipelines", json={"name": "VENTES ÉTÉ"})
    assert again.status_code == 409 and "name" in again.get_json()["fields"]


def test_a_custom_object_named_like_a_schema_keeps_its_own_description(api):
    """The saved view schemas were called view and view_input: an object called view
    replaced them (or they it) in the document."""
    assert (
        api.post("/api/v1/schema/objects", json={"name": "view", "label": "View"}).status_code
        == 201
    )
    schemas = api.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    assert schemas["view"]["properties"]["object"] == {"type": "string", "const": "view"}
    assert "shared" in schemas["SavedView"]["properties"]


def test_positions_beyond_a_database_integer_are_refused(api):
    """Found on PostgreSQL by the fuzz test: a position of 2**31 overflowed its column."""
    sales = api.get("/api/v1/pipelines").get_json()["data"][0]
    too_far = 2**31
    url = f"/api/v1/pipelines/{sales['id']}"
    assert api.patch(url, json={"position": too_far}).status_code == 422
    stage = {"name": "Demo", "probability": 5, "position": too_far}
    assert api.post(f"{url}/stages", json=stage).status_code == 422
    body = {"name": "T", "forward_label": "a", "reverse_label": "b", "position": too_far}
    refused = api.post("/api/v1/relationship_types", json=body)
    assert refused.status_code == 422 and "position" in refused.get_json()["fields"]
    assert api.patch(url, json={"position": 1_000_000}).status_code == 200


def test_a_view_grouped_or_filtered_by_a_list_is_refused(api):
    """Found by the fuzz test: a list as board_field (or as an operator) was a 500."""
    for setup, field in (
        ({"board_field": ["stage_id"]}, "board_field"),
        ({"filters": [{"field": "amount", "op": ["gte"], "value": "1"}]}, "filters"),
    ):
        refused = api.post("/api/v1/views", json={"object": "deals", "name": "V", **setup})
        assert refused.status_code == 422 and field in refused.get_json()["fields"]


@covers(("/api/v1/navigation", "get"), ("/api/v1/navigation", "put"))
def test_navigation_answers_as_documented(api, member_api, contract):
    path = "/api/v1/navigation"
    got = contract.check(path, "get", api.get(path)).get_json()
    assert {"object": "deals", "opens": "board"} in got["roles"]["member"]["items"]
    body = {"roles": {"member": [{"object": "tickets", "opens": "board"}], "viewer": None}}
    assert contract.accepts(path, "put", body)
    saved = contract.check(path, "put", api.put(path, json=body)).get_json()
    assert saved["roles"]["member"] == {
        "configured": True,
        "items": [{"object": "tickets", "opens": "board"}],
    }
    assert contract.check(path, "put", member_api.put(path, json=body)).status_code == 403
    bad = {"roles": {"member": [{"object": "price_book_entries"}]}}
    assert contract.check(path, "put", api.put(path, json=bad)).status_code == 422
    assert contract.check(path, "get", member_api.get(path)).status_code == 200


@covers(
    ("/api/v1/currencies", "get"),
    ("/api/v1/currencies", "post"),
    ("/api/v1/currencies/corporate", "put"),
    ("/api/v1/currencies/{code}", "delete"),
    ("/api/v1/exchange-rates", "get"),
    ("/api/v1/exchange-rates", "post"),
    ("/api/v1/exchange-rates/import", "post"),
    ("/api/v1/exchange-rates/{rate_id}", "delete"),
)
def test_currency_endpoints_answer_as_documented(api, member_api, contract):
    currencies = "/api/v1/currencies"
    corporate = f"{currencies}/corporate"
    assert contract.accepts(corporate, "put", {"code": "CNY"})
    contract.check(corporate, "put", api.put(corporate, json={"code": "CNY"}))
    assert contract.accepts(currencies, "post", {"code": "HKD"})
    contract.check(currencies, "post", api.post(currencies, json={"code": "HKD"}))
    contract.check(currencies, "post", api.post(currencies, json={"code": "EUR"}))
    assert (
        contract.check(currencies, "post", api.post(currencies, json={"code": "QQQ"})).status_code
        == 422
    )
    assert (
        contract.check(
            currencies, "post", member_api.post(currencies, json={"code": "EUR"})
        ).status_code
        == 403
    )
    listed = contract.check(currencies, "get", member_api.get(currencies)).get_json()
    assert [c["code"] for c in listed["data"]] == ["CNY", "EUR", "HKD", "USD"]
    one = "/api/v1/currencies/{code}"
    assert contract.check(one, "delete", api.delete(f"{currencies}/EUR")).status_code == 204
    assert contract.check(one, "delete", api.delete(f"{currencies}/EUR")).status_code == 404
    assert contract.check(one, "delete", api.delete(f"{currencies}/CNY")).status_code == 409

    rates = "/api/v1/exchange-rates"
    body = {"currency": "HKD", "valid_from": "2026-12-01", "rate": "0.92"}
    assert contract.accepts(rates, "post", body)
    rate = contract.check(rates, "post", api.post(rates, json=body)).get_json()
    assert (
        contract.check(rates, "post", api.post(rates, json={**body, "rate": 0})).status_code == 422
    )
    assert (
        contract.check(corporate, "put", api.put(corporate, json={"code": "USD"})).status_code
        == 409
    )
    listed = contract.check(rates, "get", member_api.get(f"{rates}?currency=HKD")).get_json()
    assert listed["data"] == [rate]
    imports = f"{rates}/import"
    csv = "currency,valid_from,rate\nHKD,2026-11-01,0.91\n"
    answer = api.post(imports, data=csv.encode(), content_type="text/csv")
    assert contract.check(imports, "post", answer).get_json() == {"imported": 1}
    wrong = api.post(imports, data=b"currency,valid_from,rate\nHKD,x,1\n", content_type="text/csv")
    assert contract.check(imports, "post", wrong).status_code == 422
    item = "/api/v1/exchange-rates/{rate_id}"
    assert contract.check(item, "delete", api.delete(f"{rates}/{rate['id']}")).status_code == 204
    assert contract.check(item, "delete", api.delete(f"{rates}/{rate['id']}")).status_code == 404


@covers(
    ("/api/v1/workflows", "get"),
    ("/api/v1/workflows", "post"),
    ("/api/v1/workflows/{workflow_id}", "get"),
    ("/api/v1/workflows/{workflow_id}", "patch"),
    ("/api/v1/workflows/{workflow_id}", "delete"),
    ("/api/v1/workflows/{workflow_id}/runs", "get"),
    ("/api/v1/workflows/{workflow_id}/runs", "post"),
    ("/api/v1/workflows/{workflow_id}/runs/{run_id}", "get"),
    ("/api/v1/workflows/{workflow_id}/secret", "get"),
    ("/api/v1/workflows/{workflow_id}/secret", "post"),
)
def test_workflows_answer_as_documented(app, api, member_api, contract):
    from saas.jobs import dispatch_outbox

    flows, one = "/api/v1/workflows", "/api/v1/workflows/{workflow_id}"
    body = {
        "name": "Button",
        "object": "companies",
        "active": True,
        "trigger": {"type": "manual"},
        "actions": [{"type": "create_task", "subject": "Call {{ record.name }}"}],
    }
    assert contract.accepts(flows, "post", body)
    flow = _created(contract.check(flows, "post", api.post(flows, json=body)))
    assert contract.check(flows, "post", api.post(flows, json=body)).status_code == 409
    bad = api.post(flows, json={**body, "name": "x", "trigger": {"type": "nope"}})
    assert contract.check(flows, "post", bad).status_code == 422
    assert contract.check(flows, "get", member_api.get(flows)).status_code == 403
    assert contract.check(flows, "get", api.get(flows)).get_json()["data"][0]["id"] == flow["id"]
    url = f"{flows}/{flow['id']}"
    assert contract.check(one, "get", api.get(url)).get_json()["name"] == "Button"
    changed = contract.check(one, "patch", api.patch(url, json={"description": "A button"}))
    assert changed.get_json()["description"] == "A button"
    runs, run_one = f"{one}/runs", f"{one}/runs/{{run_id}}"
    company = api.post("/api/v1/objects/companies", json={"name": "Initech"}).get_json()
    started = contract.check(
        runs, "post", api.post(f"{url}/runs", json={"record_id": company["id"]})
    )
    assert started.status_code == 201
    with app.app_context():
        dispatch_outbox()
    (run,) = contract.check(runs, "get", api.get(f"{url}/runs")).get_json()["data"]
    shown = contract.check(run_one, "get", api.get(f"{url}/runs/{run['id']}")).get_json()
    assert shown["status"] == "succeeded"
    secret = f"{one}/secret"
    assert contract.check(secret, "get", api.get(f"{url}/secret")).get_json()["signing_secret"]
    assert contract.check(secret, "post", api.post(f"{url}/secret")).status_code == 200
    assert contract.check(one, "delete", api.delete(url)).status_code == 204
    assert contract.check(one, "get", api.get(url)).status_code == 404
