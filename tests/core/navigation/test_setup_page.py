"""Setup → Navigation (the form, without JavaScript) and ``/api/v1/navigation``."""

from __future__ import annotations

from core.navigation import services as navigation
from saas.auth.models import User
from saas.db import db
from tenants.scoping import tenant_scope
from tests.conftest import add_user


def items(app, tenant, role="member"):
    with app.app_context(), tenant_scope(tenant["id"]):
        return [(i.object_name, i.opens) for i in navigation.items_for_role(role)]


def form_for(page_objects, shown: dict[str, tuple[str, str]]) -> dict:
    """A posted form: every object, those in ``shown`` ticked with (position, opens)."""
    data = {"role": "member", "object": page_objects}
    for name, (position, opens) in shown.items():
        data |= {f"show.{name}": "1", f"position.{name}": position, f"opens.{name}": opens}
    return data


OBJECTS = ["companies", "contacts", "leads", "deals", "activities", "tickets", "products"]


def test_setup_lists_the_menu_objects_but_no_internal_ones(client):
    page = client.get("/admin/navigation?role=member").get_data(as_text=True)
    assert 'name="show.deals" value="1" checked' in page
    assert '<option value="board" selected>Board</option>' in page  # deals on the board
    assert 'name="show.products" value="1" aria-label' in page  # not ticked by default
    assert "price_book_entries" not in page and "campaign_members" not in page
    assert 'href="/admin/navigation"' in client.get("/").get_data(as_text=True)  # in Setup


def test_the_order_numbers_decide_the_order(app, tenant, client):
    response = client.post(
        "/admin/navigation",
        data=form_for(
            OBJECTS, {"deals": ("2", "list"), "products": ("1", "list"), "leads": ("3", "board")}
        ),
    )
    assert response.status_code == 303
    assert items(app, tenant) == [("products", "list"), ("deals", "list"), ("leads", "board")]
    assert items(app, tenant, "manager")[0] == ("companies", "list")  # other roles unchanged
    page = client.get("/admin/navigation?role=member").get_data(as_text=True)
    assert page.index('data-object="products"') < page.index('data-object="deals"')
    response = client.post("/admin/navigation", data={"role": "member", "action": "reset"})
    assert response.status_code == 303
    assert ("deals", "board") in items(app, tenant)


def test_a_bad_form_is_refused_whole_with_readable_errors(app, tenant, client):
    response = client.post(
        "/admin/navigation",
        data=form_for(OBJECTS, {"deals": ("two", "list"), "leads": ("1", "list")}),
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Give a position from 1 to 999." in page and 'id="position-deals-error"' in page
    response = client.post(
        "/admin/navigation", data=form_for(OBJECTS, {"products": ("1", "board")})
    )
    assert response.status_code == 422
    assert "Products have no board" in response.get_data(as_text=True)
    response = client.post(
        "/admin/navigation",
        data=form_for([*OBJECTS, "price_book_entries"], {"price_book_entries": ("1", "list")}),
    )
    assert response.status_code == 422
    assert "internal object" in response.get_data(as_text=True)
    assert ("deals", "board") in items(app, tenant)  # nothing was stored


def test_only_admins_open_the_setup_page(app, tenant, login_as):
    add_user(app, tenant, email="mia@acme.example.com", role="manager")
    manager = login_as(tenant, "mia@acme.example.com", "member password 1")
    assert manager.get("/admin/navigation").status_code == 403
    assert manager.post("/admin/navigation", data={"role": "member"}).status_code == 403


def test_the_api_reads_and_changes_the_navigation(app, tenant, api, member_api):
    got = api.get("/api/v1/navigation").get_json()
    assert got["roles"]["member"]["configured"] is False
    assert {"object": "deals", "opens": "board"} in got["roles"]["member"]["items"]
    body = {"roles": {"member": [{"object": "tickets", "opens": "board"}], "viewer": []}}
    assert member_api.put("/api/v1/navigation", json=body).status_code == 403
    saved = api.put("/api/v1/navigation", json=body)
    assert saved.status_code == 200, saved.get_json()
    assert saved.get_json()["roles"]["member"]["items"] == [{"object": "tickets", "opens": "board"}]
    assert member_api.get("/api/v1/navigation").get_json()["roles"]["viewer"]["items"] == []
    refused = api.put(
        "/api/v1/navigation",
        json={"roles": {"member": None, "viewer": [{"object": "campaign_members"}]}},
    )
    assert refused.status_code == 422
    assert "roles.viewer.items.0" in refused.get_json()["fields"]
    assert items(app, tenant) == [("tickets", "board")]  # all or nothing: member kept
    assert api.put("/api/v1/navigation", json={"roles": {"owner": []}}).status_code == 422
    assert api.put("/api/v1/navigation", json=[1]).status_code == 422
    assert api.put("/api/v1/navigation", json={"roles": {"member": None}}).status_code == 200
    assert ("deals", "board") in items(app, tenant)


def test_each_workspace_keeps_its_own_navigation(app, tenant, other_tenant, api):
    api.put("/api/v1/navigation", json={"roles": {"member": [{"object": "tickets"}]}})
    assert ("deals", "board") in items(app, other_tenant)
    with app.app_context(), tenant_scope(other_tenant["id"]):
        assert db.session.get(User, (other_tenant["id"], other_tenant["admin_id"])) is not None
