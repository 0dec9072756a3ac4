"""Panels and actions of the record, list and form pages come from hooks
(saas.plugins.panels): the core areas use them (the activity timeline, a lead's Convert
button and conversion notice, saved views, search before create) and a new area's hooks.py
adds its own with no engine module or template edited; items are owned and ordered."""

from __future__ import annotations

import types

import pytest

from saas.plugins import hookimpl
from saas.plugins.manager import build_manager
from saas.plugins.panels import (
    RecordAction,
    RecordPanel,
    call_with,
    collect,
    for_object,
)
from tests.conftest import TenantClient, test_config
from tests.saas.plugins.fake_area import app_with, fake_area


def _names(pm, hook_name):
    return [(item.name, item.owner) for item in collect(pm, hook_name)]


def test_the_core_areas_contribute_their_panels_and_actions_as_core():
    pm = build_manager()
    assert _names(pm, "register_record_panels") == [
        ("activities.timeline", "core"),
        ("leads.converted", "core"),
    ]
    assert _names(pm, "register_record_actions") == [("leads.convert", "core")]
    assert _names(pm, "register_list_panels") == [("saved_views.menu", "core")]
    assert _names(pm, "register_form_panels") == [("search.duplicates", "core")]
    assert [name for name, _owner in _names(pm, "register_dashboard_panels")] == [
        "home.pipeline",
        "home.my_deals",
        "home.tasks",
        "home.recent",
        "home.tickets",
    ]


def _plugin(**hooks):
    module = types.ModuleType("zz_plugin")
    for name, items in hooks.items():

        def implementation(items=items):
            return items

        implementation.__name__ = name
        setattr(module, name, hookimpl(implementation))
    return module


def _panel(name, order, **options):
    return RecordPanel(name, "x.html", lambda: {}, order=order, **options)


def test_a_plugins_items_are_owned_by_it_and_slot_in_by_order():
    pm = build_manager()
    pm.register(
        _plugin(register_record_panels=[_panel("zz.first", 5), _panel("zz.tie", 10)]),
        name="zz_plugin",
    )
    assert _names(pm, "register_record_panels") == [
        ("zz.first", "zz_plugin"),
        ("activities.timeline", "core"),  # order 10 too: core registered first
        ("zz.tie", "zz_plugin"),
        ("leads.converted", "core"),
    ]


def test_a_plugin_cannot_pass_its_items_off_as_cores():
    pm = build_manager()
    pm.register(
        _plugin(register_record_panels=[_panel("zz.sneaky", 1, owner="core")]), name="zz_plugin"
    )
    assert collect(pm, "register_record_panels")[0].owner == "zz_plugin"


def test_a_name_given_twice_or_a_wrong_item_is_refused():
    pm = build_manager()
    pm.register(
        _plugin(register_record_panels=[_panel("activities.timeline", 1)]), name="zz_plugin"
    )
    with pytest.raises(ValueError, match="activities.timeline is registered twice"):
        collect(pm, "register_record_panels")
    pm = build_manager()
    pm.register(_plugin(register_record_actions=[_panel("zz.panel", 1)]), name="zz_plugin")
    with pytest.raises(TypeError, match="RecordAction"):
        collect(pm, "register_record_actions")


def test_items_are_bad_when_malformed():
    with pytest.raises(ValueError, match="place"):
        RecordPanel("zz.x", "x.html", dict, place="footer")
    with pytest.raises(TypeError, match="tuple of object names"):
        RecordAction("zz.x", "X", dict, objects="companies")


def test_items_apply_to_their_objects_only():
    everywhere, companies = _panel("zz.all", 1), _panel("zz.co", 2, objects=("companies",))
    assert for_object([everywhere, companies], "contacts") == [everywhere]
    assert for_object([everywhere, companies], "companies") == [everywhere, companies]


def test_a_callable_gets_only_the_keyword_arguments_it_names():
    assert call_with(lambda record, actor: (record, actor), obj=1, record=2, actor=3) == (2, 3)
    assert call_with(lambda **every: sorted(every), obj=1, record=2) == ["obj", "record"]


FAKE_HOOKS = """
    from saas.plugins import hookimpl
    from saas.plugins.panels import (
        ASIDE, MAIN, DashboardPanel, FormPanel, ListPanel, RecordAction, RecordPanel
    )


    def note(obj, record, actor):
        return {"note": f"{actor.email} reads {obj.title(record)}"}


    def stock_url(obj, record):
        return f"/zz-stock/{record.id}"


    @hookimpl
    def register_record_panels():
        return [
            RecordPanel("zz.note", "zz/note.html", note, MAIN, order=5),
            RecordPanel("zz.aside", "zz/aside.html", lambda: {}, ASIDE, objects=("companies",)),
            RecordPanel("zz.never", "zz/note.html", lambda: None),
        ]


    @hookimpl
    def register_record_actions():
        return [
            RecordAction("zz.stock", "Stock", stock_url, objects=("companies",), order=5),
            RecordAction("zz.hidden", "Hidden", lambda: None),
        ]


    @hookimpl
    def register_list_panels():
        return [
            ListPanel(
                "zz.list",
                "zz/list.html",
                lambda obj, layout, columns=None: {"columns": ["name"]},
                layouts=("list",),
                order=20,
            )
        ]


    MINE = "My work"


    @hookimpl
    def register_dashboard_panels():
        return [
            DashboardPanel("zz.mine", "zz/dash.html", lambda actor: {"who": actor.name}, MINE, 25),
            DashboardPanel("zz.later", "zz/dash.html", lambda: {"who": "later"}, "Zz stock", 5),
            DashboardPanel("zz.none", "zz/dash.html", lambda: None, "Zz never", 1),
        ]


    @hookimpl
    def register_form_panels():
        def stop(values, form):
            return "no zz" if values.get("name") == "Zz Stop" else None

        return [
            FormPanel(
                "zz.form", "zz/form.html", lambda state: {"why": state}, before_create=stop
            )
        ]
"""

TEMPLATES = {
    "note.html": '<section class="card" data-zz-note>{{ note }} on {{ obj.label }}</section>',
    "aside.html": "<section data-zz-aside>Zz aside for {{ record.name }}</section>",
    "list.html": "<div data-zz-list>{{ layout }}: {{ columns | join(',') }}</div>",
    "dash.html": '<section class="card" data-zz-dash>Zz for {{ who }}</section>',
    "form.html": '<aside class="card" data-zz-form>Zz form {{ why or "" }}</aside>',
}


@pytest.fixture
def fake(tmp_path, monkeypatch, database_urls):
    with fake_area(tmp_path, monkeypatch, FAKE_HOOKS):
        folder = tmp_path / "zz_templates" / "zz"
        folder.mkdir(parents=True)
        for name, source in TEMPLATES.items():
            (folder / name).write_text(source)
        with app_with(test_config(*database_urls)) as app:
            from jinja2 import ChoiceLoader, FileSystemLoader

            app.jinja_loader  # noqa: B018  (the app's own loader, built now)
            app.jinja_env.loader = ChoiceLoader(
                [app.jinja_env.loader, FileSystemLoader(str(tmp_path / "zz_templates"))]
            )
            yield app


def _created(client, object_name, **values) -> str:
    response = client.post(f"/o/{object_name}/new", data=values)
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    return response.headers["Location"]


def test_a_new_areas_panels_and_actions_show_on_the_record_page(fake, tenant):
    admin = TenantClient(fake, tenant)
    admin.login(tenant["admin_email"], tenant["password"])
    company = _created(admin, "companies", name="Zz Freight")
    page = admin.get(company).get_data(as_text=True)
    note = page.index("data-zz-note")
    assert f"{tenant['admin_email']} reads Zz Freight on Company" in page
    assert note < page.index('id="timeline"')  # order 5 before the timeline's 10
    assert page.index('id="timeline"') < page.index("data-zz-aside") < page.index("History")
    record_id = company.rsplit("/", 1)[-1]
    stock = page.index(f'data-action="zz.stock" href="/zz-stock/{record_id}">Stock</a>')
    assert stock < page.index(">Edit</a>")
    assert 'class="button secondary" data-action="zz.stock"' in page  # not primary
    assert 'class="button" href' in page  # so Edit stays the main button
    assert "Hidden" not in page  # its url said None

    contact = _created(admin, "contacts", last_name="Zz")
    page = admin.get(contact).get_data(as_text=True)
    assert "data-zz-note" in page
    assert "data-zz-aside" not in page and "Stock" not in page  # companies only


def test_a_new_areas_list_and_form_panels(fake, tenant):
    admin = TenantClient(fake, tenant)
    admin.login(tenant["admin_email"], tenant["password"])
    _created(admin, "companies", name="Zz Freight")
    page = admin.get("/o/companies").get_data(as_text=True)
    assert page.index("data-saved-views") < page.index("<div data-zz-list>list: name</div>")
    assert "data-zz-list" not in admin.get("/o/companies/board").get_data(as_text=True)

    form = admin.get("/o/companies/new").get_data(as_text=True)
    assert 'class="record-form has-aside"' in form
    assert form.index("data-duplicates-panel") < form.index("data-zz-form")
    refused = admin.post("/o/companies/new", data={"name": "Zz Stop"})
    assert refused.status_code == 409
    assert "Zz form no zz" in refused.get_data(as_text=True)
    assert "Zz Stop" not in admin.get("/o/companies").get_data(as_text=True)  # not created


def test_the_engine_draws_no_panel_an_area_did_not_declare(client):
    company = _created(client, "companies", name="Atlas")
    page = client.get(company).get_data(as_text=True)
    assert 'id="timeline"' in page  # the activities area's panel
    assert "data-action=" not in page  # Convert is for leads only


def test_a_new_areas_dashboard_panels_join_the_home_page(fake, tenant):
    admin = TenantClient(fake, tenant)
    admin.login(tenant["admin_email"], tenant["password"])
    page = admin.get("/").get_data(as_text=True)
    assert page.index("Zz for later") < page.index(">Team pipeline<")  # order 5 comes first
    assert page.index('<h2 class="section-title">Zz stock</h2>') < page.index("Zz for later")
    mine = page.index(">My work<")
    assert (
        mine
        < page.index('id="deals-head"')
        < page.index("Zz for ", mine)
        < page.index("tasks-head")
    )
    assert "Zz never" not in page  # its only panel said None
