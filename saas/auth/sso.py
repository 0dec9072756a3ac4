"""Single sign-on with OpenID Connect: "Sign in with <provider>" on a tenant's login page.

The flow's secrets (state, nonce, PKCE verifier) wait in the signed session cookie between
``start`` and ``callback``; the work is done by ``saas.auth.sso_services``.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, session, url_for

from saas import security_log
from saas.auth import sso_services as sso
from saas.auth.models import SsoProvider
from saas.db import db
from saas.errors import NotFound, UserError
from saas.sessions import SSO, start_session
from saas.web import tenant_required
from tenants.resolver import tenant_url

bp = Blueprint("sso", __name__)

FLOWS_KEY = "sso_flows"
MAX_PENDING_FLOWS = 5  # a few tabs or double clicks; the oldest are forgotten


def _provider_or_404(provider_id: str) -> SsoProvider:
    try:
        return sso.get_provider(provider_id=provider_id, enabled_only=True)
    except NotFound:
        abort(404)


def redirect_uri(provider_id) -> str:
    """The callback address an admin registers at the provider (absolute, on the tenant host)."""
    return tenant_url(g.tenant, url_for("sso.callback", provider_id=provider_id))


def _failed(provider: SsoProvider, error: UserError):
    return render_template(
        "auth/sso_error.html", provider=provider, message=error.message, code=error.status
    ), error.status


@bp.route("/auth/sso/<provider_id>/start")
@tenant_required
def start(provider_id: str):
    provider = _provider_or_404(provider_id)
    try:
        started = sso.begin_login(provider=provider, redirect_uri=redirect_uri(provider.id))
    except UserError as error:
        return _failed(provider, error)
    flows = dict(session.get(FLOWS_KEY) or {})
    flows[started.state] = started.flow
    session[FLOWS_KEY] = dict(list(flows.items())[-MAX_PENDING_FLOWS:])
    return redirect(started.url, 303)


@bp.route("/auth/sso/<provider_id>/callback")
@tenant_required
def callback(provider_id: str):
    provider = _provider_or_404(provider_id)
    flows = dict(session.get(FLOWS_KEY) or {})
    state = request.args.get("state") or ""
    flow = flows.pop(state, None) if state else None
    session[FLOWS_KEY] = flows  # one use per state, whatever happens next
    try:
        user = sso.complete_login(
            provider=provider,
            flow=flow,
            params=request.args,
            redirect_uri=redirect_uri(provider.id),
        )
    except UserError as error:
        # Kept although the answer is an error: the admin sees refused sign-ins.
        db.session.rollback()
        security_log.record(
            "auth.sso_sign_in_failed",
            details={"provider": provider.name, "reason": error.message[:300]},
        )
        db.session.commit()
        return _failed(provider, error)
    start_session(user, method=SSO)
    flash(f"Signed in with {provider.name}.", "success")
    return redirect(url_for("home.index"), 303)
