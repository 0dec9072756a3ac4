"""The top bar per role (Setup → Navigation): defaults, order, openings, validation and
permissions, through the services and the pages."""

from __future__ import annotations

import pytest

from core.navigation import services as navigation
from core.objects import permissions
from core.savedviews import services as saved_views
from saas.errors import ValidationFailed
from tests.conftest import add_user, run_as_admin

MEMBER = {"email": "mia@acme.example.com", "password": "member password 1"}


run = run_as_admin


def bar_links(page: str) -> list[tuple[str, str]]:
    """(label, href) of the links in the bar itself (before "More")."""
    import re

    nav = page.split('aria-label="Main"')[1].split("</nav>")[0]
    bar = nav.split(">More<")[0]
    return [(label, href) for href, label in re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', bar)]


def test_defaults_are_the_everyday_objects_with_deals_on_the_board(app, tenant):
    items = run(app, tenant, lambda admin: navigation.items_for_role("member"))
    assert [i.object_name for i in items] == [
        "companies",
        "contacts",
        "leads",
        "deals",
        "activities",
        "tickets",
    ]
    assert {i.object_name: i.opens for i in items}["deals"] == "board"
    assert not run(app, tenant, lambda admin: navigation.is_configured("member"))


def test_a_role_gets_its_order_and_openings_in_the_top_bar(app, tenant, login_as):
    add_user(app, tenant, email=MEMBER["email"])
    run(
        app,
        tenant,
        lambda admin: navigation.set_items(
            "member",
            [
                {"object": "deals", "opens": "list"},
                {"object": "tickets", "opens": "board"},
                {"object": "products"},
            ],
        ),
    )
    member = login_as(tenant, **MEMBER)
    links = bar_links(member.get("/").get_data(as_text=True))
    assert links == [
        ("Home", "/"),
        ("Deals", "/o/deals"),
        ("Tickets", "/o/tickets/board"),
        ("Products", "/o/products"),
    ]
    # The others are still reachable under "More"; the admin's bar is unchanged.
    page = member.get("/").get_data(as_text=True)
    more = page.split(">More<")[1].split("</details>")[0]
    assert ">Companies<" in more and ">Contacts<" in more
    admin = login_as(tenant, tenant["admin_email"], tenant["password"])
    assert ("Deals", "/o/deals/board") in bar_links(admin.get("/").get_data(as_text=True))


def test_a_role_without_read_never_sees_the_object_even_if_configured(app, tenant, login_as):
    add_user(app, tenant, email=MEMBER["email"])

    def configure(admin):
        navigation.set_items("member", [{"object": "deals", "opens": "board"}, {"object": "leads"}])
        permissions.set_rights(role="member", object_name="deals", rights={"read": False})

    run(app, tenant, configure)
    page = login_as(tenant, **MEMBER).get("/").get_data(as_text=True)
    nav = page.split('aria-label="Main"')[1].split("</nav>")[0]
    assert "/o/deals" not in nav and ">Deals<" not in nav
    assert ("Leads", "/o/leads") in bar_links(page)


def test_a_shared_view_can_be_opened_from_the_bar(app, tenant, login_as):
    add_user(app, tenant, email=MEMBER["email"])

    def configure(admin):
        view = saved_views.create_view(
            "deals", name="Big ones", shared=True, setup={"sort": "-amount"}, actor=admin
        )
        navigation.set_items("member", [{"object": "deals", "opens": "view", "view_id": view.id}])
        return str(view.id)

    view_id = run(app, tenant, configure)
    member = login_as(tenant, **MEMBER)
    assert bar_links(member.get("/").get_data(as_text=True))[1] == (
        "Deals",
        f"/o/deals/views/{view_id}",
    )
    # A deleted view falls back to the object's own page.
    run(app, tenant, lambda admin: saved_views.delete_view(view_id, actor=admin))
    assert bar_links(member.get("/").get_data(as_text=True))[1] == ("Deals", "/o/deals/board")


@pytest.mark.parametrize(
    ("items", "message"),
    [
        ([{"object": "price_book_entries"}], "internal object"),
        ([{"object": "campaign_members"}], "internal object"),
        ([{"object": "spaceships"}], "There is no object called 'spaceships'."),
        ([{"object": "deals"}, {"object": "deals"}], "twice"),
        ([{"object": "deals", "opens": "calendar"}], "the list, the board or a view"),
        ([{"object": "products", "opens": "board"}], "have no board"),
        (
            [
                {
                    "object": "deals",
                    "opens": "view",
                    "view_id": "00000000-0000-0000-0000-000000000000",
                }
            ],
            "Choose a shared view of Deals.",
        ),
        ([{"object": "deals", "colour": "red"}], "Unknown keys: colour."),
        (["deals"], "Give each object"),
    ],
)
def test_unknown_objects_views_and_internal_objects_are_refused(app, tenant, items, message):
    def attempt(admin):
        with pytest.raises(ValidationFailed) as refused:
            navigation.set_items("member", items)
        return refused.value

    error = run(app, tenant, attempt)
    assert any(message in m for messages in error.errors.values() for m in messages), error.errors
    assert not run(app, tenant, lambda admin: navigation.is_configured("member"))


def test_private_views_and_views_of_another_object_are_refused(app, tenant):
    def attempt(admin):
        private = saved_views.create_view("deals", name="Mine", setup={}, actor=admin)
        other = saved_views.create_view("leads", name="Shared", shared=True, setup={}, actor=admin)
        for view in (private, other):
            with pytest.raises(ValidationFailed):
                navigation.set_items(
                    "member", [{"object": "deals", "opens": "view", "view_id": str(view.id)}]
                )

    run(app, tenant, attempt)


def test_roles_are_checked_and_a_reset_brings_the_defaults_back(app, tenant):
    def attempt(admin):
        with pytest.raises(ValidationFailed):
            navigation.set_items("owner", [])
        with pytest.raises(ValidationFailed):
            navigation.set_items("member", {"object": "deals"})
        navigation.set_items("viewer", [])
        assert navigation.items_for_role("viewer") == []
        assert navigation.is_configured("viewer")
        navigation.reset_role("viewer")
        return navigation.items_for_role("viewer")

    assert [i.object_name for i in run(app, tenant, attempt)][:2] == ["companies", "contacts"]


def test_each_tenant_has_its_own_navigation(app, tenant, other_tenant):
    run(app, tenant, lambda admin: navigation.set_items("member", [{"object": "tickets"}]))
    items = run(app, other_tenant, lambda admin: navigation.items_for_role("member"))
    assert [i.object_name for i in items] == [
        i.object_name for i in navigation_defaults(app, other_tenant)
    ]
    assert len(items) == 6


def navigation_defaults(app, tenant):
    return run(app, tenant, lambda admin: navigation.default_items())
