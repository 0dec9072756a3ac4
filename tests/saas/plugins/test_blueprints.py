"""Blueprints come from the hooks: a new area's hooks.py adds pages and API endpoints with
no list edited, and the one /api/v1 parent gives its API token auth and CSRF exemption."""

from __future__ import annotations

import importlib
import sys
import textwrap

import pytest
from flask import Blueprint

from saas.api import build_api_blueprint
from saas.plugins.manager import api_blueprints, blueprints, build_manager
from tests.core.objects.conftest import token_for

FAKE_HOOKS = textwrap.dedent(
    """
    from flask import Blueprint, g, jsonify

    from saas.plugins import hookimpl

    pages = Blueprint("zz_fake_pages", __name__)
    api = Blueprint("zz_fake", __name__)


    @pages.route("/zz-fake", methods=["GET", "POST"])
    def page():
        return "a page"


    @api.route("/zz-fake", methods=["GET", "POST"])
    def endpoint():
        return jsonify(email=g.api_user.email)


    @hookimpl
    def register_blueprints():
        return [pages]


    @hookimpl
    def register_api_blueprints():
        return [api]
    """
)


@pytest.fixture
def fake_area(tmp_path, monkeypatch):
    """A core area that exists only for this test: core/zz_fakearea/hooks.py."""
    area = tmp_path / "core" / "zz_fakearea"
    area.mkdir(parents=True)
    (area / "__init__.py").write_text("")
    (area / "hooks.py").write_text(FAKE_HOOKS)
    import core

    monkeypatch.setattr(core, "__path__", [*core.__path__, str(tmp_path / "core")])
    importlib.invalidate_caches()
    yield
    sys.modules.pop("core.zz_fakearea.hooks", None)
    sys.modules.pop("core.zz_fakearea", None)
    importlib.invalidate_caches()


@pytest.fixture
def fake_app(app, build_app, fake_area):
    """An app built with the fake area present and CSRF protection on, like production."""
    return build_app(WTF_CSRF_ENABLED=True)


def test_every_blueprint_comes_from_a_hook_in_registration_order():
    pm = build_manager()
    names = [bp.name for bp in blueprints(pm)]
    assert names[:2] == ["health", "signup"]  # the platform (saas/hooks.py) first
    assert {"records", "exports", "home", "admin_users", "operator"} <= set(names)
    api_names = [bp.name for bp in api_blueprints(pm)]
    assert api_names[0] == "account"
    assert {"objects", "deals", "billing", "security_log", "exports"} <= set(api_names)


def test_a_new_areas_hooks_add_its_pages_and_api_without_editing_anything(fake_app, tenant, app):
    endpoints = {rule.endpoint: rule.rule for rule in fake_app.url_map.iter_rules()}
    assert endpoints["zz_fake_pages.page"] == "/zz-fake"
    assert endpoints["api.zz_fake.endpoint"] == "/api/v1/zz-fake"

    client = fake_app.test_client()
    host = tenant["host"]
    assert client.get("/zz-fake", base_url=host).get_data(as_text=True) == "a page"
    # Its web page is CSRF-protected like every form...
    assert client.post("/zz-fake", base_url=host).status_code == 400
    # ...its API needs a token (declared on the parent, not by the area) ...
    refused = client.get("/api/v1/zz-fake", base_url=host)
    assert refused.status_code == 401
    assert refused.headers["WWW-Authenticate"].startswith("Bearer")
    # ... and, with one, is exempt from CSRF.
    token = token_for(app, tenant, tenant["admin_id"])
    headers = {"Authorization": f"Bearer {token}"}
    answered = client.post("/api/v1/zz-fake", base_url=host, headers=headers)
    assert answered.status_code == 200, answered.get_data(as_text=True)
    assert answered.get_json() == {"email": tenant["admin_email"]}


def test_every_api_endpoint_is_nested_in_the_parent(app):
    """No route under /api/v1 escapes the parent's token auth and CSRF exemption."""
    rules = [rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/")]
    assert rules
    for rule in rules:
        assert rule.endpoint.startswith("api."), f"{rule.rule} is outside the /api/v1 parent"
        assert rule.rule.startswith("/api/v1/")


def test_stripe_webhook_stays_exempt_from_csrf(fake_app, tenant):
    # Not configured for Stripe here: a 404, not the CSRF refusal (400).
    response = fake_app.test_client().post("/billing/stripe/webhook", base_url=tenant["host"])
    assert response.status_code == 404


def test_an_api_blueprint_with_its_own_prefix_is_refused():
    with pytest.raises(ValueError, match="nest under /api/v1"):
        build_api_blueprint([Blueprint("stray", __name__, url_prefix="/api/v1")])


def test_hooks_must_return_blueprints():
    pm = build_manager()

    class Broken:
        from saas.plugins import hookimpl

        @hookimpl
        def register_blueprints(self):
            return ["core.home.views"]

    pm.register(Broken(), name="broken")
    with pytest.raises(TypeError, match="register_blueprints must return Blueprint"):
        blueprints(pm)
