"""Installed plugins (the ``trellis.plugins`` entry points) and what a tenant enabling one
changes: only core and that tenant's enabled plugins run for it."""

from __future__ import annotations

import logging

import pytest
from click.testing import CliRunner

from saas.auth.actors import SYSTEM
from saas.db import db
from tests.conftest import TenantClient, add_user, make_tenant
from tests.core.objects.conftest import token_for

SCHOOL = """
from flask import Blueprint, jsonify

from saas.plugins import hookimpl
from saas.plugins.menus import MAIN, MenuItem
from saas.plugins.meta import PluginMeta

META = PluginMeta(
    name="school",
    title="Training school",
    description="Courses, sessions and learners.",
    version="1.2.0",
    compatibility=">=0.1",
    adds={"fields", "pages", "api", "menu", "demo_data"},
    industry=True,
)
CALLS = []

pages = Blueprint("plugin_school", __name__)
api = Blueprint("plugin_school", __name__)


@pages.get("/")
def home():
    return "the school's own page"


@api.get("/ping")
def ping():
    return jsonify(school=True)


@hookimpl
def register_blueprints():
    return [pages]


@hookimpl
def register_api_blueprints():
    return [api]


@hookimpl
def register_fields_for(object_name):
    from core.objects.registry import FieldSpec

    if object_name == "contacts":
        return [FieldSpec("school_level", "Level", "text")]


@hookimpl
def register_menu_items():
    return [MenuItem(MAIN, "Courses", "plugin_school.home", order=1)]


@hookimpl
def register_openapi_paths(json):
    return [({"/api/v1/p/school/ping": {"get": {"operationId": "school_ping",
        "summary": "Ping", "responses": {"200": {"description": "ok", **json({})}}}}}, {})]


@hookimpl
def plugin_enabled(tenant, plugin, sample_data):
    CALLS.append(("enabled", tenant.slug, plugin, sample_data))
    if sample_data:
        from core.objects import records
        from saas.auth.actors import SYSTEM

        records.create_record(
            "contacts", {"first_name": "Ada", "last_name": "Learner", "school_level": "B2"},
            actor=SYSTEM,
        )


@hookimpl
def plugin_disabled(tenant, plugin):
    CALLS.append(("disabled", tenant.slug, plugin))


@hookimpl
def event_emitted(event):
    CALLS.append(("event", event.name, event.tenant_id))
"""

OTHER = """
from saas.plugins import hookimpl
from saas.plugins.meta import PluginMeta

META = PluginMeta(name="{name}", title="{title}", version="1.0.0")
CALLS = []


@hookimpl
def event_emitted(event):
    CALLS.append(event.tenant_id)
"""


@pytest.fixture
def school(make_plugin):
    module = make_plugin("school", SCHOOL)
    make_plugin("tours", OTHER.format(name="tours", title="Tour operator"))
    make_plugin("repairs", OTHER.format(name="repairs", title="Appliance service"))
    return module


@pytest.fixture
def plugin_app(app, school, build_app):
    return build_app()


def _calls(module: str) -> list:
    import sys

    return sys.modules[module].CALLS


def _api(plugin_app, tenant, user_id=None):
    token = token_for(plugin_app, tenant, user_id or tenant["admin_id"])
    client = plugin_app.test_client()
    headers = {"Authorization": f"Bearer {token}"}

    def call(method, path, **kwargs):
        return client.open(path, method=method, base_url=tenant["host"], headers=headers, **kwargs)

    return call


# Discovery ---------------------------------------------------------------------------------


def test_installed_plugins_are_registered_after_core(plugin_app):
    from saas.plugins.manager import installed_plugins, plugin_states

    pm = plugin_app.extensions["trellis_plugins"]
    assert set(installed_plugins(pm)) == {"school", "tours", "repairs"}
    assert all(s.state == "installed" for s in plugin_states(pm).values())
    names = [name for name, _plugin in pm.list_name_plugin()]
    assert names.index("school") > names.index("saas.hooks")


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ("raise ImportError('no module named lxml')", "cannot be imported"),
        ("META = {'name': 'bad'}", "has no META"),
        (
            "from saas.plugins.meta import PluginMeta\n"
            "META = PluginMeta(name='bad', title='Bad', version='one')",
            "bad META: plugin bad: version 'one' is not a PEP 440 version",
        ),
        (
            "from saas.plugins.meta import PluginMeta\n"
            "META = PluginMeta(name='bad', title='Bad', compatibility='>=9')",
            "plugin bad 0.1.0 needs core >=9, this is",
        ),
        (
            "from saas.plugins.meta import PluginMeta\n"
            "META = PluginMeta(name='other', title='Bad')",
            "its META is named 'other' but its entry point 'bad'",
        ),
        (
            "from saas.plugins import hookimpl\n"
            "from saas.plugins.meta import PluginMeta\n"
            "META = PluginMeta(name='bad', title='Bad')\n"
            "@hookimpl\n"
            "def register_widgets():\n"
            "    return []\n",
            "implements hooks the core does not have: register_widgets",
        ),
    ],
)
def test_a_broken_plugin_is_refused_with_one_line_and_the_app_starts(
    app, make_plugin, build_app, caplog, source, reason
):
    from saas.plugins.manager import installed_plugins, plugin_states

    make_plugin("tours", OTHER.format(name="tours", title="Tour operator"))
    make_plugin("bad", source)
    with caplog.at_level(logging.INFO, logger="trellis.plugins"):
        built = build_app()
    pm = built.extensions["trellis_plugins"]
    assert set(installed_plugins(pm)) == {"tours"}
    assert reason in plugin_states(pm)["bad"].reason
    refused = [r.getMessage() for r in caplog.records if "refused" in r.getMessage()]
    assert len(refused) == 1
    assert refused[0].startswith("Plugin bad refused: ") and reason in refused[0]
    assert pm.get_plugin("bad") is None
    assert built.test_client().get("/healthz").status_code == 200


def test_trellis_plugin_list_shows_each_plugin_its_state_and_tenants(plugin_app, make_plugin):
    from saas.plugins import services
    from tenants.scoping import tenant_scope

    acme = make_tenant(plugin_app, "acme")
    with plugin_app.app_context(), tenant_scope(acme["id"]):
        services.enable_plugin("school", actor=SYSTEM)
        db.session.commit()
    runner = CliRunner()
    result = runner.invoke(plugin_app.cli, ["plugin", "list"], obj=_script_info(plugin_app))
    assert result.exit_code == 0, result.output
    lines = dict(line.split("\t", 1) for line in result.output.splitlines())
    assert lines["school"] == "1.2.0\tinstalled\tTraining school\ttenants: acme"
    assert lines["tours"].endswith("tenants: none")


def _script_info(application):
    from flask.cli import ScriptInfo

    return ScriptInfo(create_app=lambda: application)


# Enabling, per tenant ------------------------------------------------------------------------


def test_enabling_for_one_tenant_changes_nothing_for_another(plugin_app, school):
    acme = make_tenant(plugin_app, "acme")
    globex = make_tenant(plugin_app, "globex")
    acme_api, globex_api = _api(plugin_app, acme), _api(plugin_app, globex)
    listed = acme_api("GET", "/api/v1/plugins").get_json()["data"]
    assert [p["name"] for p in listed] == ["repairs", "tours", "school"]
    assert not any(p["enabled"] for p in listed)

    response = acme_api("POST", "/api/v1/plugins/school/enable", json={"sample_data": True})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["enabled"] is True
    assert ("enabled", "acme", "school", True) in _calls(school)

    # The field on a standard object, the sample record holding it.
    acme_contacts = acme_api("GET", "/api/v1/objects/contacts").get_json()["data"]
    assert [c["school_level"] for c in acme_contacts] == ["B2"]
    globex_contacts = globex_api("GET", "/api/v1/objects/contacts").get_json()["data"]
    assert globex_contacts == []
    created = globex_api(
        "POST", "/api/v1/objects/contacts", json={"last_name": "Bo", "school_level": "A1"}
    )
    assert created.status_code == 422  # no such field for globex

    # Its pages and API: 404 for the other tenant.
    assert acme_api("GET", "/api/v1/p/school/ping").get_json() == {"school": True}
    assert globex_api("GET", "/api/v1/p/school/ping").status_code == 404
    acme_web = TenantClient(plugin_app, acme)
    acme_web.login(acme["admin_email"], acme["password"])
    globex_web = TenantClient(plugin_app, globex)
    globex_web.login(globex["admin_email"], globex["password"])
    assert acme_web.get("/p/school/").get_data(as_text=True) == "the school's own page"
    assert globex_web.get("/p/school/").status_code == 404
    # The menu.
    assert 'href="/p/school/"' in acme_web.get("/").get_data(as_text=True)
    assert 'href="/p/school/"' not in globex_web.get("/").get_data(as_text=True)
    # The OpenAPI document.
    acme_doc = acme_api("GET", "/api/v1/openapi.json").get_json()
    globex_doc = globex_api("GET", "/api/v1/openapi.json").get_json()
    assert "/api/v1/p/school/ping" in acme_doc["paths"]
    assert "/api/v1/p/school/ping" not in globex_doc["paths"]
    assert "/api/v1/plugins/{name}/enable" in globex_doc["paths"]
    # Its hooks: an event of globex never reaches it.
    del _calls(school)[:]
    globex_api("POST", "/api/v1/objects/contacts", json={"first_name": "Bo", "last_name": "Bay"})
    acme_api("POST", "/api/v1/objects/contacts", json={"first_name": "Al", "last_name": "Ash"})
    events = [c for c in _calls(school) if c[0] == "event"]
    assert [tenant_id for _n, _e, tenant_id in events] == [acme["id"]]


def test_disabling_hides_keeps_the_data_and_enabling_again_brings_it_back(plugin_app, school):
    acme = make_tenant(plugin_app, "acme")
    call = _api(plugin_app, acme)
    call("POST", "/api/v1/plugins/school/enable", json={"sample_data": True})
    response = call("POST", "/api/v1/plugins/school/disable")
    assert response.status_code == 200 and response.get_json()["enabled"] is False
    assert ("disabled", "acme", "school") in _calls(school)
    contacts = call("GET", "/api/v1/objects/contacts").get_json()["data"]
    assert len(contacts) == 1 and "school_level" not in contacts[0]
    assert call("GET", "/api/v1/p/school/ping").status_code == 404

    call("POST", "/api/v1/plugins/school/enable", json={"sample_data": True})
    contacts = call("GET", "/api/v1/objects/contacts").get_json()["data"]
    assert [c["school_level"] for c in contacts] == ["B2"]  # the data, and loaded once
    assert _calls(school)[-1] == ("enabled", "acme", "school", False)
    assert call("GET", "/api/v1/p/school/ping").status_code == 200


def test_the_api_refuses_clearly(plugin_app, app):
    acme = make_tenant(plugin_app, "acme")
    member = add_user(plugin_app, acme, email="m@acme.example.com", role="member")
    admin, as_member = _api(plugin_app, acme), _api(plugin_app, acme, member)
    unknown = admin("POST", "/api/v1/plugins/nope/enable")
    assert unknown.status_code == 404
    assert "no plugin called nope" in unknown.get_json()["message"]
    assert as_member("GET", "/api/v1/plugins").status_code == 403
    assert as_member("POST", "/api/v1/plugins/school/enable").status_code == 403
    bad = admin("POST", "/api/v1/plugins/school/enable", json={"sample_data": "yes"})
    assert bad.status_code == 422


def test_the_plan_decides_which_plugins_may_be_enabled(app, school, build_app):
    from saas.billing.plans import DEFAULT_PLANS

    plans = {key: dict(spec) for key, spec in DEFAULT_PLANS.items()}
    plans["pro"]["plugins"] = ["tours"]
    built = build_app(BILLING_PLANS=plans)
    free = make_tenant(built, "acme", plan="free")
    pro = make_tenant(built, "globex", plan="pro")
    refused = _api(built, free)("POST", "/api/v1/plugins/tours/enable")
    # Free has no API at all: the plan's message; through the service, the plugins one.
    assert refused.status_code == 402
    from saas.plugins import services
    from saas.plugins.services import PluginNotInPlan
    from tenants.scoping import tenant_scope

    with built.app_context(), tenant_scope(free["id"]):
        with pytest.raises(PluginNotInPlan, match="Industry plugins are not included"):
            services.enable_plugin("tours", actor=SYSTEM)
    call = _api(built, pro)
    school_refused = call("POST", "/api/v1/plugins/school/enable")
    assert school_refused.status_code == 402
    message = school_refused.get_json()["message"]
    assert "Training school plugin is not included in the Pro plan" in message
    assert call("POST", "/api/v1/plugins/tours/enable").status_code == 200
    entries = {p["name"]: p for p in call("GET", "/api/v1/plugins").get_json()["data"]}
    assert entries["tours"]["enabled"] and not entries["school"]["in_plan"]


def test_an_exception_in_a_plugin_hook_is_logged_with_its_name_and_spares_other_tenants(
    app, make_plugin, build_app, caplog
):
    make_plugin(
        "flaky",
        """
        from saas.plugins import hookimpl
        from saas.plugins.meta import PluginMeta

        META = PluginMeta(name="flaky", title="Flaky")


        @hookimpl
        def event_emitted(event):
            raise RuntimeError("flaky is broken")
        """,
    )
    built = build_app()
    acme, globex = make_tenant(built, "acme"), make_tenant(built, "globex")
    from saas.plugins import services
    from tenants.scoping import tenant_scope

    with built.app_context(), tenant_scope(acme["id"]):
        services.enable_plugin("flaky", actor=SYSTEM)
        db.session.commit()
    acme_api, globex_api = _api(built, acme), _api(built, globex)
    with caplog.at_level(logging.ERROR, logger="trellis.plugins"):
        ok = globex_api(
            "POST", "/api/v1/objects/contacts", json={"first_name": "Bo", "last_name": "Bay"}
        )
        assert ok.status_code == 201
        assert not [r for r in caplog.records if r.name == "trellis.plugins"]
        built.config["PROPAGATE_EXCEPTIONS"] = False
        failed = acme_api(
            "POST", "/api/v1/objects/contacts", json={"first_name": "Al", "last_name": "Ash"}
        )
    assert failed.status_code == 500
    assert acme_api("GET", "/api/v1/objects/contacts").get_json()["data"] == []  # rolled back
    lines = [r.getMessage() for r in caplog.records if r.name == "trellis.plugins"]
    assert lines == [f"Plugin flaky failed in event_emitted (tenant {acme['id']})"]
    assert len(globex_api("GET", "/api/v1/objects/contacts").get_json()["data"]) == 1


def test_the_tenant_caller_is_kept_per_enabled_set(plugin_app):
    from saas.plugins.tenant import hooks_for

    pm = plugin_app.extensions["trellis_plugins"]
    first = hooks_for(pm, {"school"})
    assert hooks_for(pm, frozenset({"school", "not-installed"})) is first
    assert hooks_for(pm, {"tours"}) is not first
    impls = {i.plugin_name for i in first.event_emitted.get_hookimpls()}
    assert "school" in impls and "tours" not in impls and "repairs" not in impls
    assert first.event_emitted is first.event_emitted  # made once


# The admin console's catalogue ---------------------------------------------------------------


def test_the_admin_catalogue_enables_and_disables_with_csrf(plugin_app, school):
    acme = make_tenant(plugin_app, "acme")
    web = TenantClient(plugin_app, acme)
    web.login(acme["admin_email"], acme["password"])
    page = web.get("/admin/plugins/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    for text in ("Training school", "Courses, sessions and learners.", "Version 1.2.0"):
        assert text in html
    assert "fields on standard objects" in html and "Not enabled" in html
    assert 'name="csrf_token"' in html and 'action="/admin/plugins/school/enable"' in html
    assert 'href="/admin/plugins/"' in html  # Setup → Plugins

    enabled = web.post("/admin/plugins/school/enable", data={"sample_data": "on"})
    assert enabled.status_code == 303
    assert ("enabled", "acme", "school", True) in _calls(school)
    html = web.get("/admin/plugins/").get_data(as_text=True)
    assert "Training school is enabled for this workspace." in html
    assert 'action="/admin/plugins/school/disable"' in html
    assert web.post("/admin/plugins/school/disable").status_code == 303
    assert "Its data is kept" in web.get("/admin/plugins/").get_data(as_text=True)
    missing = web.post("/admin/plugins/nope/enable")
    assert missing.status_code == 404 and "no plugin called nope" in missing.get_data(as_text=True)


def test_the_catalogue_is_for_admins(plugin_app, school):
    acme = make_tenant(plugin_app, "acme")
    add_user(plugin_app, acme, email="m@acme.example.com", role="member")
    member = TenantClient(plugin_app, acme)
    member.login("m@acme.example.com", "member password 1")
    assert member.get("/admin/plugins/").status_code == 403
    assert member.post("/admin/plugins/school/enable").status_code == 403
    assert not [c for c in _calls(school) if c[0] == "enabled"]


# Sign-up with an industry ---------------------------------------------------------------------


def test_sign_up_offers_the_industries_and_enables_the_chosen_one_with_sample_data(
    plugin_app, school
):
    from tests.tenants.test_signup import GOOD

    client = plugin_app.test_client()
    form = client.get("/signup", base_url="http://localhost").get_data(as_text=True)
    assert 'name="industry"' in form and "Training school" in form
    assert "Tour operator" not in form  # not marked as an industry
    bad = client.post("/signup", data={**GOOD, "industry": "tours"}, base_url="http://localhost")
    assert bad.status_code == 422
    assert "Choose one of the industries offered, or none." in bad.get_data(as_text=True)

    made = client.post("/signup", data={**GOOD, "industry": "school"}, base_url="http://localhost")
    assert made.status_code == 303
    assert ("enabled", GOOD["slug"], "school", True) in _calls(school)
    from saas.plugins.tenant import enabled_plugins
    from tenants.provisioning import get_tenant_by_slug
    from tenants.scoping import tenant_scope

    with plugin_app.app_context():
        tenant = get_tenant_by_slug(GOOD["slug"])
        with tenant_scope(tenant.id):
            assert enabled_plugins() == {"school"}
        db.session.rollback()


def test_sign_up_without_industry_plugins_asks_nothing(app):
    page = app.test_client().get("/signup", base_url="http://localhost").get_data(as_text=True)
    assert 'name="industry"' not in page
