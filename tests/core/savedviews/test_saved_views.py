"""Saved views: private and shared list setups, through the API and on the list pages."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from core.objects import schema
from tests.conftest import add_user
from tests.core.objects.conftest import Api, token_for
from tests.core.objects.test_views import MEMBER, make, rows, run, text

RETAIL = {"field": "industry", "op": "eq", "value": "Retail"}


def seed(app, tenant):
    make(app, tenant, "companies", {"name": "Shop One", "industry": "Retail"})
    make(app, tenant, "companies", {"name": "Shop Two", "industry": "Retail"})
    make(app, tenant, "companies", {"name": "Bank", "industry": "Energy"})


def member_api_and_client(app, tenant, login_as, role="member"):
    user_id = add_user(app, tenant, email=MEMBER["email"], password=MEMBER["password"], role=role)
    return Api(app, token_for(app, tenant, user_id)), login_as(
        tenant, MEMBER["email"], MEMBER["password"]
    )


# API ------------------------------------------------------------------------------------


def test_a_view_is_created_read_changed_and_deleted_through_the_api(api):
    created = api.post(
        "/api/v1/views",
        json={
            "object": "companies",
            "name": "Retail",
            "filters": [RETAIL],
            "sort": "-name",
            "columns": ["industry", "updated_at"],
        },
    )
    assert created.status_code == 201, created.json
    view = created.json
    assert view["filters"] == [RETAIL] and view["sort"] == "-name"
    assert view["columns"] == ["industry", "updated_at"] and view["shared"] is False
    assert api.get(f"/api/v1/views/{view['id']}").json["name"] == "Retail"
    assert [v["name"] for v in api.get("/api/v1/views?object=companies").json["data"]] == ["Retail"]

    changed = api.patch(f"/api/v1/views/{view['id']}", json={"name": "Shops", "sort": "name"})
    assert changed.status_code == 200
    assert changed.json["name"] == "Shops" and changed.json["sort"] == "name"
    assert changed.json["filters"] == [RETAIL]  # what was not sent stays

    assert api.delete(f"/api/v1/views/{view['id']}").status_code == 204
    assert api.get(f"/api/v1/views/{view['id']}").status_code == 404


def test_bad_views_are_refused_with_field_messages_and_nothing_saved(api):
    bad = api.post(
        "/api/v1/views",
        json={
            "object": "companies",
            "name": "Broken",
            "filters": [{"field": "nope", "op": "eq", "value": "x"}, {"field": "name", "op": "??"}],
            "sort": "description",
            "columns": ["ghost"],
        },
    )
    assert bad.status_code == 422
    fields = bad.json["fields"]
    assert "'nope' is not a field you can filter on" in fields["filters"][0]
    assert "operators" in fields["filters"][1]
    assert set(fields) == {"filters", "sort", "columns"}
    assert api.post("/api/v1/views", json={"object": "companies", "name": " "}).status_code == 422
    assert api.post("/api/v1/views", json={"object": "nothing", "name": "X"}).status_code == 404
    assert (
        api.post("/api/v1/views", json={"object": "companies", "name": "X", "x": 1})
        .json["message"]
        .startswith("Unknown properties")
    )
    assert api.get("/api/v1/views").json["data"] == []


def test_names_are_unique_among_the_views_one_sees(api):
    first = api.post("/api/v1/views", json={"object": "companies", "name": "Mine"})
    assert first.status_code == 201
    again = api.post("/api/v1/views", json={"object": "companies", "name": "mine"})
    assert again.status_code == 409 and again.json["fields"] == {
        "name": ["There is already a view called mine."]
    }
    # The same name on another object is fine.
    assert api.post("/api/v1/views", json={"object": "contacts", "name": "Mine"}).status_code == 201


def test_private_views_are_their_owners_and_shared_ones_are_for_everyone(
    app, tenant, api, login_as
):
    member, _ = member_api_and_client(app, tenant, login_as)
    private = api.post("/api/v1/views", json={"object": "companies", "name": "Admin only"}).json
    shared = api.post(
        "/api/v1/views", json={"object": "companies", "name": "Team view", "shared": True}
    ).json
    assert [v["name"] for v in member.get("/api/v1/views").json["data"]] == ["Team view"]
    assert member.get(f"/api/v1/views/{private['id']}").status_code == 404
    assert member.delete(f"/api/v1/views/{private['id']}").status_code == 404

    # A member keeps private views but cannot share, nor change the shared ones.
    refused = member.post(
        "/api/v1/views", json={"object": "companies", "name": "Mine", "shared": True}
    )
    assert refused.status_code == 403
    assert member.patch(f"/api/v1/views/{shared['id']}", json={"name": "X"}).status_code == 403
    assert member.delete(f"/api/v1/views/{shared['id']}").status_code == 403
    assert api.get(f"/api/v1/views/{shared['id']}").json["name"] == "Team view"
    own = member.post("/api/v1/views", json={"object": "companies", "name": "Mine"})
    assert own.status_code == 201


def test_managers_share_views(app, tenant, login_as):
    manager, _ = member_api_and_client(app, tenant, login_as, role="manager")
    view = manager.post(
        "/api/v1/views", json={"object": "companies", "name": "Pipeline", "shared": True}
    )
    assert view.status_code == 201 and view.json["shared"] is True


def test_views_of_objects_one_cannot_read_are_not_listed(app, tenant, api, login_as):
    from core.objects import permissions

    api.post("/api/v1/views", json={"object": "deals", "name": "Big deals", "shared": True})
    member, _ = member_api_and_client(app, tenant, login_as)
    run(
        app,
        tenant,
        lambda admin: permissions.set_rights(
            role="member", object_name="deals", rights={"read": False}
        ),
    )
    assert member.get("/api/v1/views").json["data"] == []
    assert member.get("/api/v1/views?object=deals").status_code == 403


def test_hidden_fields_cannot_be_used_in_a_view(app, tenant, api, login_as):
    run(
        app,
        tenant,
        lambda admin: schema.add_field(
            "companies",
            name="margin",
            label="Margin",
            type="number",
            filterable=True,
            access={"member": "hidden"},
        ),
    )
    member, _ = member_api_and_client(app, tenant, login_as)
    body = {"object": "companies", "name": "M", "filters": [{"field": "margin", "op": "gt"}]}
    assert member.post("/api/v1/views", json=body).status_code == 422
    assert api.post("/api/v1/views", json=body | {"columns": ["margin"]}).status_code == 201


# List pages -----------------------------------------------------------------------------


def test_saving_the_list_keeps_filters_sort_and_columns(app, tenant, client):
    seed(app, tenant)
    saved = client.post(
        "/o/companies/views?f=industry&op=eq&v=Retail&sort=-name",
        data={"name": "Retail shops", "columns": ["industry", "ghost"], "layout": "list"},
    )
    assert saved.status_code == 303
    target = saved.headers["Location"]
    query = parse_qs(urlsplit(target).query)
    assert query["f"] == ["industry"] and query["v"] == ["Retail"] and query["sort"] == ["-name"]

    page = text(client.get(target))
    assert rows(page) == ["Shop Two", "Shop One"]
    assert '<span class="muted">View:</span> Retail shops' in page
    headers = re.findall(r'<th scope="col"[^>]*>(?:<a[^>]*>)?([^<]+)', page)
    assert [h.strip() for h in headers] == ["Company", "Industry"]


def test_a_refused_save_shows_the_message_on_the_list_and_saves_nothing(app, tenant, client, api):
    seed(app, tenant)
    api.post("/api/v1/views", json={"object": "companies", "name": "Taken"})
    refused = client.post(
        "/o/companies/views?f=industry&op=eq&v=Retail",
        data={"name": "taken", "layout": "list"},
    )
    assert refused.status_code == 409
    page = text(refused)
    assert "There is already a view called taken." in page
    assert rows(page) == ["Shop One", "Shop Two"]  # the page it was on, still filtered
    # (companies are sorted by name: the header's link sorts the other way)
    assert 'href="/o/companies?f=industry&amp;op=eq&amp;v=Retail&amp;sort=-name"' in page
    assert 'href="/o/companies/views?' not in page
    assert [v["name"] for v in api.get("/api/v1/views").json["data"]] == ["Taken"]


def test_the_default_view_opens_when_the_list_is_opened_plainly(app, tenant, client, api):
    seed(app, tenant)
    shared = api.post(
        "/api/v1/views",
        json={
            "object": "companies",
            "name": "Energy",
            "shared": True,
            "is_default": True,
            "filters": [{"field": "industry", "op": "eq", "value": "Energy"}],
        },
    ).json
    opened = client.get("/o/companies")
    assert opened.status_code == 303 and f"view={shared['id']}" in opened.headers["Location"]
    assert rows(text(client.get(opened.headers["Location"]))) == ["Bank"]
    # "All companies" and any explicit query show the list as asked.
    assert len(rows(text(client.get("/o/companies?view=all")))) == 3

    # A private default wins over the shared one; only one private default per object.
    first = api.post(
        "/api/v1/views", json={"object": "companies", "name": "A", "is_default": True}
    ).json
    second = api.post(
        "/api/v1/views", json={"object": "companies", "name": "B", "is_default": True}
    ).json
    assert f"view={second['id']}" in client.get("/o/companies").headers["Location"]
    assert api.get(f"/api/v1/views/{first['id']}").json["is_default"] is False
    assert api.get(f"/api/v1/views/{shared['id']}").json["is_default"] is True


def test_rename_default_update_and_delete_from_the_list(app, tenant, client, api):
    seed(app, tenant)
    view = api.post(
        "/api/v1/views", json={"object": "companies", "name": "Old", "filters": [RETAIL]}
    ).json
    base = f"/o/companies/views/{view['id']}"
    assert client.post(base, data={"action": "rename", "name": "New name"}).status_code == 303
    assert client.post(base, data={"action": "default"}).status_code == 303
    assert (
        client.post(
            base + "?f=industry&op=eq&v=Energy", data={"action": "update", "columns": ["industry"]}
        ).status_code
        == 303
    )
    got = api.get(f"/api/v1/views/{view['id']}").json
    assert got["name"] == "New name" and got["is_default"] is True
    assert got["filters"] == [{"field": "industry", "op": "eq", "value": "Energy"}]
    assert got["columns"] == ["industry"]

    blank = client.post(base, data={"action": "rename", "name": ""})
    assert blank.status_code == 422 and "Give the view a name." in text(blank)
    assert client.post(base, data={"action": "explode"}).status_code == 400

    assert client.post(base + "/delete").status_code == 303
    assert api.get(f"/api/v1/views/{view['id']}").status_code == 404
    assert client.get(f"/o/companies?view={view['id']}").status_code == 404


def test_a_board_view_keeps_its_grouping(app, tenant, client, api):
    saved = client.post("/o/deals/views?field=stage_id", data={"name": "Stages", "layout": "board"})
    assert saved.status_code == 303 and "/o/deals/board?" in saved.headers["Location"]
    assert "field=stage_id" in saved.headers["Location"]
    view = api.get("/api/v1/views?object=deals").json["data"][0]
    assert view["board_field"] == "stage_id"
    assert client.get(saved.headers["Location"]).status_code == 200


def test_a_view_of_another_object_is_not_found(app, tenant, client, api):
    view = api.post("/api/v1/views", json={"object": "contacts", "name": "C"}).json
    assert client.get(f"/o/companies?view={view['id']}").status_code == 404
    assert client.get(f"/o/companies/views/{view['id']}").status_code == 404
    assert client.get("/o/companies?view=not-a-uuid").status_code == 404


def test_a_view_still_opens_after_one_of_its_fields_is_retired(app, tenant, client, api):
    seed(app, tenant)
    run(
        app,
        tenant,
        lambda admin: schema.add_field(
            "companies", name="zone", label="Zone", type="text", filterable=True
        ),
    )
    view = api.post(
        "/api/v1/views",
        json={
            "object": "companies",
            "name": "Zoned",
            "filters": [{"field": "zone", "op": "eq", "value": "North"}, RETAIL],
            "sort": "-zone",
            "columns": ["zone", "industry"],
        },
    ).json
    run(app, tenant, lambda admin: schema.retire_field("companies", "zone"))
    opened = client.get(f"/o/companies/views/{view['id']}")
    target = opened.headers["Location"]
    assert "zone" not in target and "f=industry" in target
    page = client.get(target)
    assert page.status_code == 200 and rows(text(page)) == ["Shop One", "Shop Two"]


def test_the_openapi_document_describes_the_views_endpoints(api):
    document = api.get("/api/v1/openapi.json").get_json()
    assert set(document["paths"]["/api/v1/views"]) == {"get", "post"}
    assert set(document["paths"]["/api/v1/views/{view_id}"]) == {"get", "patch", "delete"}
    schema = document["components"]["schemas"]["SavedView"]
    view = api.post("/api/v1/views", json={"object": "companies", "name": "Doc"}).json
    assert set(view) == set(schema["properties"])
    assert set(schema["required"]) <= set(view)
    accepted = set(document["components"]["schemas"]["SavedViewInput"]["properties"])
    assert accepted == {
        "object",
        "name",
        "shared",
        "is_default",
        "filters",
        "sort",
        "columns",
        "board_field",
    }
