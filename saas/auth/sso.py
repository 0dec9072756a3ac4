"""Single sign-on with OpenID Connect (being built)."""

from flask import Blueprint, abort

from saas.web import tenant_required

bp = Blueprint("sso", __name__)


@bp.route("/auth/sso/<provider_id>/start")
@tenant_required
def start(provider_id: str):
    abort(404)
