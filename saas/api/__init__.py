"""The JSON API under /api/v1: bearer-token authentication, JSON errors."""

from __future__ import annotations

import functools

from flask import Blueprint, g, jsonify

from saas.auth.api_tokens import user_for_token
from tenants.resolver import bearer_token

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def _unauthorized():
    response = jsonify(error="unauthorized", message="A valid API token is required.")
    response.status_code = 401
    response.headers["WWW-Authenticate"] = 'Bearer realm="trellis"'
    return response


def token_required(view):
    """Authenticate with ``Authorization: Bearer <token>``; sets ``g.api_user``."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        raw = bearer_token()
        if raw is None or g.get("tenant") is None or g.get("token_tenant_mismatch"):
            return _unauthorized()
        user = user_for_token(raw)
        if user is None:
            return _unauthorized()
        g.api_user = user
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
