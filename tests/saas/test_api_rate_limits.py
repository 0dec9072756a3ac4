"""The API's per-plan rate limit: api_requests_per_minute of the workspace's plan, counted per
workspace after the token is accepted; 429 JSON with Retry-After and the X-RateLimit
headers; Redis when configured, memory otherwise; a Redis that is down never fails a
request."""

from __future__ import annotations

import copy
import datetime as dt
import logging

import pytest
import redis
import time_machine
from sqlalchemy import select

from saas.app import create_app
from saas.auth import api_tokens
from saas.auth.models import User
from saas.billing.plans import DEFAULT_PLANS
from saas.db import db
from saas.ratelimit import storage_uri
from tenants.scoping import tenant_scope
from tests.conftest import REQUIRE_SERVICES, make_tenant, redis_test_url, test_config

# This worker's second Redis database: the jobs tests flush the first.
REDIS_URL = redis_test_url(1)


def _ago(**delta) -> dt.datetime:
    """A moment in the past to freeze the clock at: never the future, whose ids (UUIDv7
    carry the time) would outrun the ones made after the test."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(**delta)


def _tiny_plans(per_minute: int = 3) -> dict:
    plans = copy.deepcopy(DEFAULT_PLANS)
    plans["pro"]["api_requests_per_minute"] = per_minute  # new workspaces try Pro
    return plans


def _headers(app, tenant) -> dict:
    with app.app_context(), tenant_scope(tenant["id"]):
        user = db.session.scalar(select(User).where(User.email == tenant["admin_email"]))
        _, raw = api_tokens.create_api_token(user=user, name="limits")
        db.session.commit()
    return {"Authorization": f"Bearer {raw}"}


def test_over_the_plans_limit_the_api_answers_429_with_retry_after(app, monkeypatch):
    monkeypatch.setitem(app.config, "BILLING_PLANS", _tiny_plans(3))
    api = app.test_client()
    start = _ago(minutes=10)
    with time_machine.travel(start, tick=False):
        acme = make_tenant(app, "acme")  # on its trial of Pro
        headers = _headers(app, acme)
        for remaining in (2, 1, 0):
            ok = api.get("/api/v1/me", headers=headers)
            assert ok.status_code == 200
            assert ok.headers["X-RateLimit-Limit"] == "3"
            assert ok.headers["X-RateLimit-Remaining"] == str(remaining)
            assert int(ok.headers["X-RateLimit-Reset"]) > 0
            assert "Retry-After" not in ok.headers
        refused = api.get("/api/v1/objects/companies", headers=headers)
        assert refused.status_code == 429
        body = refused.get_json()
        assert body["error"] == "rate_limited" and body["limit"] == 3 and body["plan"] == "pro"
        assert "more than 3 API requests in a minute" in body["message"]
        assert "Pro plan" in body["message"] and "Billing page" in body["message"]
        assert 0 < int(refused.headers["Retry-After"]) <= 60
        assert refused.headers["X-RateLimit-Remaining"] == "0"
        # Writes are refused too, and change nothing.
        post = api.post("/api/v1/objects/companies", json={"name": "Zed"}, headers=headers)
        assert post.status_code == 429
    with time_machine.travel(start + dt.timedelta(minutes=2, seconds=30), tick=False):
        assert api.get("/api/v1/me", headers=headers).status_code == 200  # a new minute


def test_the_limit_is_per_workspace_and_bad_tokens_spend_nobodys_budget(app, monkeypatch):
    monkeypatch.setitem(app.config, "BILLING_PLANS", _tiny_plans(2))
    api = app.test_client()
    with time_machine.travel(_ago(minutes=5), tick=False):
        acme, globex = make_tenant(app, "acme"), make_tenant(app, "globex")
        acme_headers, globex_headers = _headers(app, acme), _headers(app, globex)
        second_acme_token = _headers(app, acme)
        forged = {"Authorization": acme_headers["Authorization"][:-4] + "AAAA"}
        for _ in range(5):  # made-up tokens naming acme's workspace
            assert api.get("/api/v1/me", headers=forged).status_code == 401
        assert api.get("/api/v1/me", headers=acme_headers).status_code == 200
        # Both of acme's tokens share its budget.
        assert api.get("/api/v1/me", headers=second_acme_token).status_code == 200
        assert api.get("/api/v1/me", headers=acme_headers).status_code == 429
        assert api.get("/api/v1/me", headers=globex_headers).status_code == 200


def test_the_web_ui_is_not_counted(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "BILLING_PLANS", _tiny_plans(1))
    for _ in range(3):
        page = client.get("/")
        assert page.status_code == 200 and "X-RateLimit-Limit" not in page.headers


def test_storage_is_redis_when_configured_and_memory_otherwise():
    assert storage_uri({}) == "memory://"
    assert storage_uri({"REDIS_URL": "redis://r:6379/0"}) == "redis://r:6379/0"
    assert storage_uri({"REDIS_URL": "redis://r/0", "RATELIMIT_STORAGE_URI": "redis://l/1"}) == (
        "redis://l/1"
    )


def test_a_redis_that_is_down_fails_open_with_a_warning(database_urls, app, caplog):
    down = create_app(
        test_config(
            *database_urls,
            RATELIMIT_STORAGE_URI="redis://127.0.0.1:1/0",
            BILLING_PLANS=_tiny_plans(1000),
        )
    )
    acme = make_tenant(down, "acme")
    headers = _headers(down, acme)
    with caplog.at_level(logging.WARNING):
        for _ in range(3):
            response = down.test_client().get("/api/v1/me", headers=headers)
            assert response.status_code == 200, response.get_data(as_text=True)
    assert any("storage unreachable" in r.getMessage() for r in caplog.records)
    with down.app_context():
        db.engine.dispose()


@pytest.fixture
def redis_limits_app(database_urls, app):
    try:
        connection = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
        connection.ping()
    except redis.RedisError:
        if REQUIRE_SERVICES:
            pytest.fail(f"Redis is required in CI and is not reachable at {REDIS_URL}")
        pytest.skip("Redis is not reachable")
    application = create_app(
        test_config(*database_urls, RATELIMIT_STORAGE_URI=REDIS_URL, BILLING_PLANS=_tiny_plans(2))
    )
    yield application, connection
    connection.close()
    with application.app_context():
        db.engine.dispose()


def test_on_redis_the_count_is_shared_by_every_process(database_urls, redis_limits_app):
    first, connection = redis_limits_app
    # A second app on the same Redis stands for another web process.
    second = create_app(
        test_config(*database_urls, RATELIMIT_STORAGE_URI=REDIS_URL, BILLING_PLANS=_tiny_plans(2))
    )
    acme = make_tenant(first, "acme")
    headers = _headers(first, acme)
    assert first.test_client().get("/api/v1/me", headers=headers).status_code == 200
    assert second.test_client().get("/api/v1/me", headers=headers).status_code == 200
    refused = first.test_client().get("/api/v1/me", headers=headers)
    assert refused.status_code == 429 and refused.headers["Retry-After"]
    assert any(str(acme["id"]) in key.decode() for key in connection.scan_iter("*trellis*"))
    with second.app_context():
        db.engine.dispose()
