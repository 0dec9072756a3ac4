"""Personal API tokens and GET /api/v1/me."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from saas.auth.models import ApiToken
from saas.db import db
from tenants.scoping import tenant_scope
from tests.conftest import add_user

pytestmark = pytest.mark.time_sensitive


def _create_token(client, name="ERP sync") -> str:
    response = client.post("/settings/tokens/", data={"name": name})
    assert response.status_code == 303  # post/redirect/get: a reload creates nothing
    assert response.headers["Location"] == "/settings/tokens/"
    page = client.get("/settings/tokens/").get_data(as_text=True)
    match = re.search(r'value="(trl_[0-9a-f]{32}_[A-Za-z0-9_-]+)"', page)
    assert match
    return match.group(1)


def test_token_created_in_ui_is_shown_once_and_stored_hashed(app, tenant, client):
    raw = _create_token(client)
    page = client.get("/settings/tokens/").get_data(as_text=True)
    assert raw not in page and "ERP sync" in page
    with app.app_context(), tenant_scope(tenant["id"]):
        stored = db.session.scalar(select(ApiToken))
        assert raw.split("_")[-1] not in (stored.token_hash, stored.prefix)


def test_me_answers_user_and_tenant(app, tenant, client):
    raw = _create_token(client)
    response = app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 200
    body = response.get_json()
    assert body["email"] == tenant["admin_email"] and body["role"] == "admin"
    assert body["tenant"]["slug"] == "acme" and body["tenant"]["name"] == "Acme Corp"
    # Also on the tenant's own host.
    same = app.test_client().get(
        "/api/v1/me", headers={"Authorization": f"Bearer {raw}"}, base_url=tenant["host"]
    )
    assert same.get_json() == body


def test_missing_bad_and_revoked_tokens_get_401(app, tenant, client):
    api = app.test_client()
    assert api.get("/api/v1/me").status_code == 401
    missing = api.get("/api/v1/me")
    assert missing.get_json()["error"] == "unauthorized"
    assert missing.headers["WWW-Authenticate"].startswith("Bearer")
    assert api.get("/api/v1/me", headers={"Authorization": "Bearer nonsense"}).status_code == 401
    raw = _create_token(client)
    forged = raw[:-4] + ("AAAA" if not raw.endswith("AAAA") else "BBBB")
    assert api.get("/api/v1/me", headers={"Authorization": f"Bearer {forged}"}).status_code == 401
    with app.app_context(), tenant_scope(tenant["id"]):
        token_id = db.session.scalar(select(ApiToken.id))
    assert client.post(f"/settings/tokens/{token_id}/revoke").status_code == 303
    assert api.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 401


def test_token_of_deactivated_user_stops_working(app, tenant, client, login_as):
    add_user(app, tenant, email="bot@acme.example.com", password="bot password 1")
    bot = login_as(tenant, "bot@acme.example.com", "bot password 1")
    raw = _create_token(bot)
    headers = {"Authorization": f"Bearer {raw}"}
    assert app.test_client().get("/api/v1/me", headers=headers).status_code == 200
    from saas.auth.models import User

    with app.app_context(), tenant_scope(tenant["id"]):
        bot_id = db.session.scalar(select(User.id).where(User.email == "bot@acme.example.com"))
    client.post(f"/admin/users/{bot_id}/deactivate")
    assert app.test_client().get("/api/v1/me", headers=headers).status_code == 401


def test_token_name_is_required(app, tenant, client):
    response = client.post("/settings/tokens/", data={"name": ""})
    assert response.status_code == 422
    assert "Give the token a name." in response.get_data(as_text=True)
    response = client.post("/settings/tokens/", data={"name": "x" * 101})
    assert response.status_code == 422
    with app.app_context(), tenant_scope(tenant["id"]):
        assert db.session.scalar(select(ApiToken)) is None


def test_cannot_revoke_someone_elses_token(app, tenant, client, login_as):
    _create_token(client)
    with app.app_context(), tenant_scope(tenant["id"]):
        token_id = db.session.scalar(select(ApiToken.id))
    add_user(app, tenant, email="eve@acme.example.com", password="eve password 1")
    eve = login_as(tenant, "eve@acme.example.com", "eve password 1")
    assert eve.post(f"/settings/tokens/{token_id}/revoke").status_code == 404
    with app.app_context(), tenant_scope(tenant["id"]):
        assert db.session.scalar(select(ApiToken.revoked_at)) is None


def test_cli_token_create_prints_only_the_token(app, tenant):
    runner = CliRunner()
    from saas.cli import token_create

    result = runner.invoke(
        token_create,
        ["--tenant", "acme", "--email", tenant["admin_email"], "--name", "cli"],
        obj=_script_info(app),
    )
    assert result.exit_code == 0, result.output
    raw = result.output.strip()
    assert re.fullmatch(r"trl_[0-9a-f]{32}_[A-Za-z0-9_-]+", raw)
    response = app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 200
    bad = runner.invoke(
        token_create,
        ["--tenant", "nope", "--email", tenant["admin_email"], "--name", "cli"],
        obj=_script_info(app),
    )
    assert bad.exit_code == 2 and "No tenant 'nope'" in bad.output


def _script_info(app):
    from flask.cli import ScriptInfo

    return ScriptInfo(create_app=lambda: app)
