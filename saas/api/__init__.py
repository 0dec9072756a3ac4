"""The JSON API under /api/v1: one parent blueprint with bearer-token authentication and
CSRF exemption declared once; every area's API blueprint nests in it.

The areas contribute their API blueprints through the ``register_api_blueprints`` hook
(``saas/plugins/hookspecs.py``); ``mount`` builds the parent for one app. A nested
blueprint's endpoints are named ``api.<child>.<view>`` (``api.objects.get_object``).
"""

from __future__ import annotations

from collections.abc import Iterable

from flask import Blueprint, Flask, g, jsonify, request

from saas.auth import api_tokens
from saas.billing import features
from saas.db import db
from saas.i18n import _
from tenants.resolver import bearer_token

API_PREFIX = "/api/v1"
API_BLUEPRINT = "api"
# The platform's own API endpoints: who the token is, teams and rights (nested in the parent).
bp = Blueprint("account", __name__)

# What a read-only token may do: read.
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# What answers on a plan without the REST API: who the token is and the plan itself, so
# that a script can tell why everything else is refused.
WITHOUT_API_FEATURE = frozenset({"api.account.me", "api.billing.billing_status"})


def _unauthorized(error: str = "unauthorized", message: str | None = None):
    response = jsonify(error=error, message=message or _("A valid API token is required."))
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
            _(
                "This API token expired on %(day)s. Create a new one on the API tokens page "
                "of your workspace.",
                day=day,
            ),
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
            message=_(
                "This token is read-only: it can read but not change anything, and "
                "%(method)s changes something. Use a token with read and write access.",
                method=request.method,
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


def _require_token():
    """The parent's ``before_request``: every endpoint under /api/v1 needs a token."""
    return authenticate()


def build_api_blueprint(children: Iterable[Blueprint]) -> Blueprint:
    """A new /api/v1 parent for one app with ``children`` nested in it.

    A fresh parent per app: Flask refuses to nest into a blueprint already registered on
    an app, and each app (tests build many) asks its own hooks for its children.
    """
    parent = Blueprint(API_BLUEPRINT, __name__, url_prefix=API_PREFIX)
    parent.before_request(_require_token)
    for child in children:
        # A plugin's comes with the prefix it is mounted at: (blueprint, "/p/<name>").
        child, prefix = child if isinstance(child, tuple) else (child, None)
        if child.url_prefix:
            raise ValueError(
                f"API blueprint {child.name!r} sets url_prefix {child.url_prefix!r}: API "
                f"blueprints nest under {API_PREFIX} and give their rules relative to it"
            )
        if prefix:
            parent.register_blueprint(child, url_prefix=prefix)
        else:
            parent.register_blueprint(child)
    return parent


def is_api_blueprint(name: str | None) -> bool:
    """Whether a blueprint (by its full dotted name) is the API parent or nested in it."""
    return name is not None and (name == API_BLUEPRINT or name.startswith(API_BLUEPRINT + "."))


def mount(app: Flask, children: Iterable[Blueprint]) -> Blueprint:
    """Register the /api/v1 parent with ``children`` on ``app``; exempt it from CSRF.

    Token-authenticated requests carry no session cookie to forge, so the whole tree is
    exempt. Flask-WTF looks an exemption up by the request's own (nested) blueprint, so it
    is applied to the parent and to every blueprint nested in it, here, once.
    """
    from saas.extensions import csrf

    parent = build_api_blueprint(children)
    app.register_blueprint(parent)
    for name, blueprint in app.blueprints.items():
        if is_api_blueprint(name):
            csrf.exempt(blueprint)
    return parent


@bp.route("/me")
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
