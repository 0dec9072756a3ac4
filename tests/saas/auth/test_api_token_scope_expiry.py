"""API tokens: scope (read only or read and write), expiry, last use, the admin's list."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from saas import clock
from saas.auth.models import ApiToken
from saas.db import db
from tenants.scoping import tenant_scope
from tests.conftest import add_user


def _create(client, **fields) -> str:
    data = {"name": "ERP sync", "scope": "read_write", "expires": "30", **fields}
    response = client.post("/settings/tokens/", data=data)
    assert response.status_code == 303, response.get_data(as_text=True)
    page = client.get("/settings/tokens/").get_data(as_text=True)
    match = re.search(r'value="(trl_[0-9a-f]{32}_[A-Za-z0-9_-]+)"', page)
    assert match
    return match.group(1)


def _stored(app, tenant) -> ApiToken:
    with app.app_context(), tenant_scope(tenant["id"]):
        token = db.session.scalar(select(ApiToken).order_by(ApiToken.created_at.desc()))
        db.session.expunge(token)
        return token


def _bearer(raw: str) -> dict:
    return {"Authorization": f"Bearer {raw}"}


def test_read_only_token_reads_but_every_write_gets_403(app, tenant, client):
    raw = _create(client, scope="read_only", expires="never")
    assert _stored(app, tenant).scope == "read_only"
    api = app.test_client()
    assert api.get("/api/v1/objects/companies", headers=_bearer(raw)).status_code == 200
    for method, path in (
        ("POST", "/api/v1/objects/companies"),
        ("PATCH", "/api/v1/objects/companies/0190a3b4-0000-7000-8000-000000000000"),
        ("PUT", "/api/v1/permissions/member/companies"),
        ("DELETE", "/api/v1/objects/companies/0190a3b4-0000-7000-8000-000000000000"),
    ):
        response = api.open(path, method=method, json={"name": "Zed"}, headers=_bearer(raw))
        assert response.status_code == 403, (method, response.get_data(as_text=True))
        body = response.get_json()
        assert body["error"] == "read_only_token"
        assert "read-only" in body["message"] and method in body["message"]
    with app.app_context(), tenant_scope(tenant["id"]):
        from core.companies.models import Company

        assert db.session.scalar(select(Company)) is None


def test_read_write_token_writes(app, tenant, client):
    raw = _create(client, scope="read_write")
    response = app.test_client().post(
        "/api/v1/objects/companies", json={"name": "Zed"}, headers=_bearer(raw)
    )
    assert response.status_code == 201, response.get_data(as_text=True)


def test_expired_token_is_refused_with_401_that_says_so(app, tenant, client):
    start = dt.datetime(2027, 3, 10, 9, 0, tzinfo=dt.UTC)
    with clock.travel(start):
        raw = _create(client, expires="7")
        token = _stored(app, tenant)
        assert token.expires_at == start + dt.timedelta(days=7) or (
            abs(token.expires_at - (start + dt.timedelta(days=7))) < dt.timedelta(seconds=5)
        )
        api = app.test_client()
        assert api.get("/api/v1/me", headers=_bearer(raw)).status_code == 200
        clock.advance(dt.timedelta(days=7, minutes=1))
        response = api.get("/api/v1/me", headers=_bearer(raw))
        assert response.status_code == 401
        body = response.get_json()
        assert body["error"] == "token_expired"
        assert "expired on 2027-03-17" in body["message"]
        assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]
        page = client.get("/settings/tokens/").get_data(as_text=True)
        assert "Expired" in page


def test_a_date_expiry_starts_that_day_in_the_workspace_zone_and_past_dates_are_refused(
    app, tenant, client
):
    with clock.travel(dt.datetime(2027, 3, 10, 9, 0, tzinfo=dt.UTC)):
        refused = client.post(
            "/settings/tokens/",
            data={
                "name": "x",
                "scope": "read_write",
                "expires": "date",
                "expires_on": "2027-03-10",
            },
        )
        assert refused.status_code == 422
        assert "Choose a date after today." in refused.get_data(as_text=True)
        missing = client.post(
            "/settings/tokens/",
            data={"name": "x", "scope": "read_write", "expires": "date", "expires_on": ""},
        )
        assert missing.status_code == 422
        assert "Enter the date the token expires" in missing.get_data(as_text=True)
        _create(client, expires="date", expires_on="2027-04-01")
    assert _stored(app, tenant).expires_at == dt.datetime(2027, 4, 1, tzinfo=dt.UTC)


def test_never_expiring_token_and_bad_choices(app, tenant, client):
    _create(client, expires="never")
    assert _stored(app, tenant).expires_at is None
    for data in ({"expires": "12"}, {"scope": "admin"}):
        response = client.post(
            "/settings/tokens/", data={"name": "y", "scope": "read_write", "expires": "30", **data}
        )
        assert response.status_code == 422


def test_last_used_is_written_at_most_once_a_minute(app, tenant, client):
    with clock.travel(dt.datetime(2027, 3, 10, 9, 0, tzinfo=dt.UTC), tick=False):
        raw = _create(client)
        api = app.test_client()
        assert _stored(app, tenant).last_used_at is None
        assert api.get("/api/v1/me", headers=_bearer(raw)).status_code == 200
        first = _stored(app, tenant).last_used_at
        assert first == dt.datetime(2027, 3, 10, 9, 0, tzinfo=dt.UTC)
        clock.advance(dt.timedelta(seconds=59))
        assert api.get("/api/v1/me", headers=_bearer(raw)).status_code == 200
        assert _stored(app, tenant).last_used_at == first  # no write within the minute
        clock.advance(dt.timedelta(seconds=1))
        assert api.get("/api/v1/me", headers=_bearer(raw)).status_code == 200
        assert _stored(app, tenant).last_used_at == first + dt.timedelta(minutes=1)


def test_existing_tokens_are_read_write_and_never_expire(app, tenant):
    """What the migration gives the tokens that were there before (the column defaults)."""
    from saas.auth import api_tokens
    from saas.auth.models import User

    with app.app_context(), tenant_scope(tenant["id"]):
        user = db.session.scalar(select(User))
        token, _ = api_tokens.create_api_token(user=user, name="old")
        db.session.commit()
        assert token.scope == "read_write" and token.expires_at is None
    with app.app_context():
        from sqlalchemy import inspect

        columns = {c["name"]: c for c in inspect(db.engine).get_columns("api_tokens")}
        assert columns["scope"]["nullable"] is False
        assert "read_write" in str(columns["scope"]["default"])
        assert columns["expires_at"]["nullable"] is True


def test_admin_sees_every_token_of_the_tenant_and_revokes_any(
    app, tenant, other_tenant, client, login_as
):
    add_user(app, tenant, email="bot@acme.example.com", password="bot password 1")
    bot = login_as(tenant, "bot@acme.example.com", "bot password 1")
    raw = _create(bot, name="Bot reader", scope="read_only", expires="never")
    _create(client, name="Admin sync")
    from tests.conftest import TenantClient

    globex = TenantClient(app, other_tenant)
    globex.login(other_tenant["admin_email"], other_tenant["password"])
    _create(globex, name="Globex secret job")

    page = client.get("/admin/tokens/")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Bot reader" in text and "Admin sync" in text and "Globex secret job" not in text
    assert "bot@acme.example.com" in text and "Read only" in text and "Never" in text

    with app.app_context(), tenant_scope(tenant["id"]):
        bot_token = db.session.scalar(select(ApiToken).where(ApiToken.name == "Bot reader"))
        token_id = bot_token.id
        db.session.rollback()
    assert app.test_client().get("/api/v1/me", headers=_bearer(raw)).status_code == 200
    assert bot.get("/admin/tokens/").status_code == 403  # members do not see the list
    assert bot.post(f"/admin/tokens/{token_id}/revoke").status_code == 403
    done = client.post(f"/admin/tokens/{token_id}/revoke")
    assert done.status_code == 303
    assert "is revoked" in client.get("/admin/tokens/").get_data(as_text=True)
    assert app.test_client().get("/api/v1/me", headers=_bearer(raw)).status_code == 401
    # Another tenant's admin cannot revoke it (nor see it): not found.
    assert globex.post(f"/admin/tokens/{token_id}/revoke").status_code == 404


@pytest.mark.parametrize(
    ("expires", "expected"),
    [("never", None), ("2099-01-31", dt.datetime(2099, 1, 31, tzinfo=dt.UTC))],
)
def test_cli_creates_scoped_and_expiring_tokens(app, tenant, expires, expected):
    from flask.cli import ScriptInfo

    from saas.cli import token_create

    result = CliRunner().invoke(
        token_create,
        ["--tenant", "acme", "--email", tenant["admin_email"], "--name", "cli",
         "--scope", "read_only", "--expires", expires],
        obj=ScriptInfo(create_app=lambda: app),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    token = _stored(app, tenant)
    assert token.scope == "read_only" and token.expires_at == expected
