"""The JSON API under /api/v1: bearer-token authentication, JSON errors."""

from __future__ import annotations

import functools

from flask import Blueprint, g, jsonify, request

from saas.auth import api_tokens
from saas.billing import features
from saas.db import db
from tenants.resolver import bearer_token

bp = Blueprint("api", __name__, url_prefix="/api/v1")

# What a read-only token may do: read.
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# What answers on a plan without the REST API: who the token is and the plan itself, so
# that a script can tell why everything else is refused.
WITHOUT_API_FEATURE = frozenset({"api.me", "billing_api.billing_status"})


def _unauthorized(error: str = "unauthorized", message: str | None = None):
    response = jsonify(error=error, message=message or "A valid API token is required.")
    response.status_code = 401
    challenge = 'Bearer realm="trellis"'
    if error != "unauthorized":
        challenge += ', error="invalid_token"'
    response.headers["WWW-Authenticate"] = challenge
    return response


def _authenticate():
    """Who the request's token is (``g.api_user``, ``g.api_token``), or the error response.

    Every unknown, malformed, revoked or foreign token, and a deactivated user's, gets the
    same 401; an expired token is told so (only the holder of the secret can learn it).
    """
    raw = bearer_token()
    if raw is None or g.get("tenant") is None or g.get("token_tenant_mismatch"):
        return _unauthorized()
    token = api_tokens.token_for(raw)
    if token is None:
        return _unauthorized()
    if token.is_expired():
        if api_tokens.record_expired_use(token):
            db.session.commit()  # the answer is an error, but the refusal is logged
        day = token.expires_at.strftime("%Y-%m-%d %H:%M UTC")
        return _unauthorized(
            "token_expired",
            f"This API token expired on {day}. Create a new one on the API tokens page "
            "of your workspace.",
        )
    g.api_user = token.user
    g.api_token = token
    api_tokens.record_use(token)
    if request.endpoint not in WITHOUT_API_FEATURE and not features.includes("api"):
        plan = features.current_plan()
        response = jsonify(error="not_in_plan", message=features.missing_message("api", plan))
        response.status_code = 402
        return response
    if token.is_read_only and request.method not in READ_METHODS:
        response = jsonify(
            error="read_only_token",
            message=(
                f"This token is read-only: it can read but not change anything, and "
                f"{request.method} changes something. Use a token with read and write access."
            ),
        )
        response.status_code = 403
        return response
    return None


def authenticate():
    """Authenticate the API request once (the rate limiter and the views both ask)."""
    if "api_auth_error" not in g:
        g.api_auth_error = _authenticate()
    return g.api_auth_error


def token_required(view):
    """Authenticate with ``Authorization: Bearer <token>``; sets ``g.api_user``."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        error = authenticate()
        if error is not None:
            return error
        return view(*args, **kwargs)

    return wrapper


@bp.route("/me")
@token_required
def me():
    user = g.api_user
    return jsonify(
        id=str(user.id),
        email=user.email,
        name=user.name,
        role=user.role,
        tenant={"id": str(g.tenant.id), "slug": g.tenant.slug, "name": g.tenant.name},
    )


from saas.api import access  # noqa: E402, F401  (registers its routes on bp)
