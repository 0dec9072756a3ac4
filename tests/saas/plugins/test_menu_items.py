"""Menu items come from the register_menu_items hook: a new area's hooks.py adds links to
the top bar, the Setup menu (and so the command palette) and the account menu with no
template edited; items are owned and ordered, and a link to a page that is not there is
left out."""

from __future__ import annotations

import pytest

from saas.plugins import hookimpl
from saas.plugins.manager import build_manager
from saas.plugins.menus import ACCOUNT, MAIN, SETUP, MenuItem, collect_menu_items
from tests.conftest import TenantClient, add_user, test_config
from tests.saas.plugins.fake_area import app_with, fake_area

FAKE_HOOKS = """
    from flask import Blueprint, render_template_string

    from saas.plugins import hookimpl
    from saas.plugins.menus import ACCOUNT, MAIN, SETUP, MenuItem

    pages = Blueprint("zz_fake_pages", __name__)


    @pages.route("/zz-board")
    def board():
        return render_template_string('{% extends "base.html" %}')


    @pages.route("/zz-setup")
    def setup():
        return "a setup page"


    @pages.route("/zz-me")
    def me():
        return "my page"


    @hookimpl
    def register_blueprints():
        return [pages]


    @hookimpl
    def register_menu_items():
        return [
            MenuItem(MAIN, "Zz board", "zz_fake_pages.board", order=15),
            MenuItem(SETUP, "Zz setup", "zz_fake_pages.setup", order=35),
            MenuItem(ACCOUNT, "Zz me", "zz_fake_pages.me", order=5, roles=("member",)),
            MenuItem(SETUP, "Not there", "zz_fake_pages.missing"),
        ]
"""


def test_core_items_are_owned_by_core_and_ordered():
    items = collect_menu_items(build_manager())
    assert [i.label for i in items[MAIN]] == ["Home"]
    assert [i.label for i in items[ACCOUNT]] == [
        "Your preferences",
        "Two-factor sign-in",
        "API tokens",
    ]
    setup = [i.label for i in items[SETUP]]
    assert setup[:5] == ["Users", "Workspace", "Currencies", "Billing", "Objects and fields"]
    assert setup[-1] == "Sales (credit check, numbering)"
    assert {i.owner for menu in items.values() for i in menu} == {"core"}


def test_a_plugins_items_are_owned_by_it_and_wrong_items_are_refused():
    class Plugin:
        def __init__(self, items):
            self.items = items

        @hookimpl
        def register_menu_items(self):
            return self.items

    pm = build_manager()
    pm.register(Plugin([MenuItem(SETUP, "Courses", "school.setup", order=17)]), name="school")
    setup = collect_menu_items(pm)[SETUP]
    assert [i.label for i in setup][:5] == [
        "Users",
        "Workspace",
        "Currencies",
        "Courses",
        "Billing",
    ]
    assert setup[3].owner == "school"

    pm = build_manager()
    pm.register(Plugin(["school.setup"]), name="school")
    with pytest.raises(TypeError, match="must return MenuItem"):
        collect_menu_items(pm)
    with pytest.raises(ValueError, match="menu must be one of"):
        MenuItem("sidebar", "Courses", "school.setup")


def _header(client, path="/") -> str:
    response = client.get(path)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    return html[html.index("<header") : html.index("</header>")]


def test_a_new_areas_items_show_in_the_menus_and_the_palette(
    tmp_path, monkeypatch, database_urls, tenant
):
    with (
        fake_area(tmp_path, monkeypatch, FAKE_HOOKS),
        app_with(test_config(*database_urls)) as fake,
    ):
        add_user(fake, tenant, email="m@acme.example.com", password="a long password 1")
        admin = TenantClient(fake, tenant)
        admin.login(tenant["admin_email"], tenant["password"])
        member = TenantClient(fake, tenant)
        member.login("m@acme.example.com", "a long password 1")

        header = _header(admin)
        assert header.index(">Home<") < header.index(">Zz board<") < header.index(">Companies<")
        assert header.index(">Objects and fields<") < header.index(">Zz setup<")
        assert header.index(">Zz setup<") < header.index(">Navigation<")
        assert "Not there" not in header  # its page is not registered
        assert "Zz me" not in header  # members only
        assert 'href="/zz-board" aria-current="page"' in _header(admin, "/zz-board")

        header = _header(member)
        assert ">Zz board<" in header and ">Zz me<" in header
        assert "Zz setup" not in header  # Setup is for admins

        settings = [
            c for c in admin.get("/commands").get_json()["commands"] if c["kind"] == "Setting"
        ]
        assert {"kind": "Setting", "label": "Zz setup", "url": "/zz-setup"} in settings
        member_commands = member.get("/commands").get_json()["commands"]
        assert not [c for c in member_commands if c["kind"] == "Setting"]
