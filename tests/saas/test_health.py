"""Probes: liveness, and readiness of the database and Redis."""

from __future__ import annotations

import pytest
import redis

from tests.conftest import REQUIRE_SERVICES, redis_test_url

REDIS_URL = redis_test_url()  # this worker's own database


def test_liveness(app):
    assert app.test_client().get("/healthz").get_json() == {"status": "ok"}


def test_readiness_checks_the_database(app):
    response = app.test_client().get("/readyz")
    assert response.status_code == 200
    assert response.get_json()["checks"] == {"database": "ok"}


def test_readiness_checks_redis_when_configured(app, build_app):
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        if REQUIRE_SERVICES:
            pytest.fail(f"Redis is required in CI and is not reachable at {REDIS_URL}")
        pytest.skip("Redis is not reachable")
    with_redis = build_app(REDIS_URL=REDIS_URL)
    response = with_redis.test_client().get("/readyz")
    assert response.status_code == 200
    assert response.get_json()["checks"] == {"database": "ok", "redis": "ok"}
    broken = build_app(REDIS_URL="redis://127.0.0.1:1/0")
    response = broken.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["redis"].startswith("error")
