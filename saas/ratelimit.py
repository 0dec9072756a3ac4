"""Rate limits, through Flask-Limiter: the API's per-plan limit and the sign-up throttle.

- **API**: every authenticated API request counts against its workspace's budget, the
  ``api_requests_per_minute`` of the workspace's plan (all its tokens together). The key is
  the tenant, taken from the token only after the token was accepted, so nobody can spend
  another workspace's budget with made-up tokens. Over the limit the answer is a JSON
  ``429`` with ``Retry-After``; every counted answer carries ``X-RateLimit-Limit``,
  ``X-RateLimit-Remaining`` and ``X-RateLimit-Reset``.
- **Sign-up**: at most ``SIGNUPS_PER_IP_PER_HOUR`` new workspaces per client address and
  hour (only successful sign-ups count).
- **Find my workspace**: at most ``FIND_WORKSPACE_PER_IP_PER_HOUR`` requests per client
  address and ``FIND_WORKSPACE_PER_EMAIL_PER_HOUR`` per e-mail address (a digest, never the
  address), counted whether or not the address has a workspace, so the limit says nothing
  about it and nobody can fill someone's inbox.

The counters live in Redis when ``RATELIMIT_STORAGE_URI`` or ``REDIS_URL`` is set (shared by
every web process), else in the process's memory. If Redis cannot be reached, a warning is
logged and the limiter falls back to counting in memory until Redis answers again; a
request is never refused or failed because Redis is down.
"""

from __future__ import annotations

import logging
import math
import time

from flask import Flask, current_app, g, jsonify, request
from flask_limiter import Limiter, RateLimitExceeded, RequestLimit
from limits import parse

from saas.i18n import ngettext

log = logging.getLogger(__name__)

EXTENSION = "trellis_limiter"
KEY_PREFIX = "trellis"


def storage_uri(config) -> str:
    """Where the counters are kept: ``RATELIMIT_STORAGE_URI``, else Redis, else memory."""
    return config.get("RATELIMIT_STORAGE_URI") or config.get("REDIS_URL") or "memory://"


def _limiter() -> Limiter:
    return current_app.extensions[EXTENSION]


# The API --------------------------------------------------------------------------------


def _api_plan():
    """The plan of the request's workspace (read once per request)."""
    from saas.billing.features import current_plan

    return current_plan(g.tenant.id)


def _prepare_api_limit() -> None:
    """Authenticate an API request and work out its limit before Flask-Limiter asks (an
    error here is a plain error, not one the limiter would take for Redis being down)."""
    g.api_limit = ""  # no limit applies to this request
    if not request.path.startswith("/api/") or g.get("tenant") is None:
        return
    from saas.api import authenticate

    authenticate()
    if g.get("api_token") is not None:  # a 401 spends nobody's budget
        g.api_limit = f"{max(1, _api_plan().api_requests_per_minute)}/minute"


def _api_limit() -> str:
    return g.get("api_limit", "")


def _api_key() -> str:
    return f"tenant:{g.tenant.id}"


def _on_breach(limit: RequestLimit):
    plan = _api_plan()
    wait = max(1, math.ceil(limit.reset_at - time.time()))
    response = jsonify(
        error="rate_limited",
        message=ngettext(
            "This workspace made more than %(limit)d API requests in a minute, the limit of "
            "its %(plan)s plan. Wait %(num)d second (see Retry-After) and try again; an admin "
            "can choose a plan with a higher limit on the Billing page.",
            "This workspace made more than %(limit)d API requests in a minute, the limit of "
            "its %(plan)s plan. Wait %(num)d seconds (see Retry-After) and try again; an admin "
            "can choose a plan with a higher limit on the Billing page.",
            wait,
            limit=limit.limit.amount,
            plan=plan.label,
        ),
        limit=limit.limit.amount,
        plan=plan.key,
        retry_after=wait,
    )
    response.status_code = 429
    response.headers["Retry-After"] = str(wait)
    return response


# Sign-up --------------------------------------------------------------------------------


def _signup_item():
    return parse(f"{max(1, int(current_app.config['SIGNUPS_PER_IP_PER_HOUR']))}/hour")


def signup_wait_seconds(ip: str) -> int:
    """0 when ``ip`` may create another workspace now, else how long it must wait."""
    item = _signup_item()
    strategy = _limiter().limiter
    try:
        if strategy.test(item, KEY_PREFIX, "signup", ip):
            return 0
        reset_at, _remaining = strategy.get_window_stats(item, KEY_PREFIX, "signup", ip)
    except Exception:  # the storage is down: let the sign-up through
        log.warning("Rate limit storage unreachable: sign-up not throttled", exc_info=True)
        return 0
    return max(1, math.ceil(reset_at - time.time()))


def record_signup(ip: str) -> None:
    """Count a successful sign-up from ``ip``."""
    try:
        _limiter().limiter.hit(_signup_item(), KEY_PREFIX, "signup", ip)
    except Exception:
        log.warning("Rate limit storage unreachable: sign-up not counted", exc_info=True)


# Find my workspace ----------------------------------------------------------------------


def _find_items():
    config = current_app.config
    return (
        ("find-ip", parse(f"{max(1, int(config['FIND_WORKSPACE_PER_IP_PER_HOUR']))}/hour")),
        ("find-email", parse(f"{max(1, int(config['FIND_WORKSPACE_PER_EMAIL_PER_HOUR']))}/hour")),
    )


def find_workspace_wait(ip: str, email_key: str) -> tuple[str, int] | None:
    """None when this request may go on, else which limit it reached (``"ip"`` or
    ``"email"``) and how many seconds are left; ``email_key`` is a digest of the address."""
    strategy = _limiter().limiter
    for (name, item), key in zip(_find_items(), (ip, email_key), strict=True):
        try:
            if strategy.test(item, KEY_PREFIX, name, key):
                continue
            reset_at, _remaining = strategy.get_window_stats(item, KEY_PREFIX, name, key)
        except Exception:  # the storage is down: let the request through
            log.warning(
                "Rate limit storage unreachable: find-workspace not throttled", exc_info=True
            )
            return None
        return name.removeprefix("find-"), max(1, math.ceil(reset_at - time.time()))
    return None


def record_find_workspace(ip: str, email_key: str) -> None:
    """Count a find-my-workspace request from ``ip`` for the address ``email_key``."""
    try:
        for (name, item), key in zip(_find_items(), (ip, email_key), strict=True):
            _limiter().limiter.hit(item, KEY_PREFIX, name, key)
    except Exception:
        log.warning("Rate limit storage unreachable: find-workspace not counted", exc_info=True)


def _retry_after_on_429_only(response):
    if response.status_code not in (429, 503):
        response.headers.pop("Retry-After", None)
    return response


# Wiring ---------------------------------------------------------------------------------


def init_app(app: Flask) -> None:
    """After the tenant resolver (the key needs the tenant); before the views."""
    app.config.setdefault("SIGNUPS_PER_IP_PER_HOUR", 5)
    app.config.setdefault("FIND_WORKSPACE_PER_IP_PER_HOUR", 10)
    app.config.setdefault("FIND_WORKSPACE_PER_EMAIL_PER_HOUR", 3)
    uri = storage_uri(app.config)
    options = {}
    if uri.startswith(("redis://", "rediss://")):
        # A Redis that does not answer must not hold a request for long.
        options = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
    app.before_request(_prepare_api_limit)
    # Registered before the limiter's own, so it runs after it: Flask-Limiter writes
    # Retry-After on every answer; it belongs on a 429 only.
    app.after_request(_retry_after_on_429_only)
    limiter = Limiter(
        key_func=_api_key,
        application_limits=[_api_limit],
        storage_uri=uri,
        storage_options=options,
        strategy="sliding-window-counter",
        headers_enabled=True,
        retry_after="delta-seconds",
        swallow_errors=True,
        in_memory_fallback_enabled=True,
        on_breach=_on_breach,
        key_prefix=KEY_PREFIX,
    )
    limiter.init_app(app)
    app.extensions[EXTENSION] = limiter

    @app.errorhandler(RateLimitExceeded)
    def _rate_limited(exc: RateLimitExceeded):
        return exc.get_response()
