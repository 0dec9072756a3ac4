"""Liveness and readiness probes for the load balancer and Kubernetes."""

from __future__ import annotations

import redis
from flask import Blueprint, current_app, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from saas.db import db

bp = Blueprint("health", __name__)


@bp.route("/healthz")
def live():
    """The process answers (no dependency is checked, so a database outage restarts nothing)."""
    return jsonify(status="ok")


@bp.route("/readyz")
def ready():
    """Ready to serve: the database answers, and Redis too when it is configured."""
    checks = {"database": _check_database()}
    if current_app.config.get("REDIS_URL"):
        checks["redis"] = _check_redis(current_app.config["REDIS_URL"])
    healthy = all(value == "ok" for value in checks.values())
    return jsonify(status="ok" if healthy else "unavailable", checks=checks), (
        200 if healthy else 503
    )


def _check_database() -> str:
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        db.session.rollback()
        return f"error: {type(exc).__name__}"
    return "ok"


def _check_redis(url: str) -> str:
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
        client.ping()
        client.close()
    except redis.RedisError as exc:
        return f"error: {type(exc).__name__}"
    return "ok"
