"""Which tenant a request is for: from the subdomain (web UI) or the API token (API).

Runs before every request: it finds the tenant, refuses a token of another tenant, and
enters ``tenant_scope`` for the rest of the request; the teardown leaves it.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, abort, current_app, g, request, url_for

from saas.auth.api_tokens import tenant_id_of_token, token_for
from saas.db import db
from tenants.models import Tenant
from tenants.provisioning import get_tenant_by_slug
from tenants.scoping import tenant_scope


def slug_from_host(host: str, base_domain: str) -> str | None:
    """``acme`` for ``acme.example.com:443`` under ``example.com``; None for the base domain."""
    hostname = (urlsplit(f"//{host}").hostname or "").lower().rstrip(".")
    if hostname.endswith("." + base_domain):
        slug = hostname[: -len(base_domain) - 1]
        return None if slug == "www" else slug
    return None


def tenant_url(tenant: Tenant, path: str = "/") -> str:
    """The absolute address of ``path`` in the tenant's workspace."""
    base = urlsplit(current_app.config["TRELLIS_BASE_URL"])
    return f"{base.scheme}://{tenant.slug}.{base.netloc}{path}"


def tenant_link(endpoint: str, **values) -> str:
    """The absolute address of ``endpoint`` in the current tenant's workspace, for a link
    that leaves the request: an e-mail, a return address given to Stripe.

    Built from ``TRELLIS_BASE_URL`` and the tenant's slug, never from the request's
    ``Host`` (or ``X-Forwarded-Host``), which the client chooses: ``url_for(...,
    _external=True)`` would put an attacker's host or port into a password-reset link.
    """
    return tenant_url(g.tenant, url_for(endpoint, **values))


def platform_url(path: str = "/") -> str:
    return current_app.config["TRELLIS_BASE_URL"].rstrip("/") + path


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def _resolve() -> None:
    g.tenant = None
    g.token_tenant_mismatch = False
    if request.endpoint in ("static", "favicon"):
        return  # stylesheets, scripts and the icon are the same for every host, known or not
    slug = slug_from_host(request.host, current_app.config["TRELLIS_BASE_DOMAIN"])
    if slug is not None:
        tenant = get_tenant_by_slug(slug)
        if tenant is None or tenant.status == "deleted":
            abort(404, description="unknown_workspace")
        if tenant.status == "suspended":
            abort(403, description="This workspace is suspended. Its admin can contact support.")
        g.tenant = tenant
    if request.path.startswith("/api/"):
        raw = bearer_token()
        claimed = tenant_id_of_token(raw) if raw else None
        if claimed is not None:
            if g.tenant is None:
                _resolve_by_token(raw, claimed)
                return
            elif g.tenant.id != claimed:
                # A token of another tenant on this tenant's address authenticates nobody.
                g.token_tenant_mismatch = True
    if g.tenant is not None:
        scope = tenant_scope(g.tenant.id)
        scope.__enter__()
        g.tenant_scope = scope


def _resolve_by_token(raw: str, claimed) -> None:
    """The tenant of an API request by its token alone: the scope of the tenant the token
    claims is entered first, so that the token, its user, the tenant and its billing
    account come in one statement (``token_for``) of a transaction that already has the
    row-level security setting; a claim of no active tenant leaves no scope behind."""
    scope = tenant_scope(claimed)
    scope.__enter__()
    token_for(raw)
    tenant = db.session.get(Tenant, claimed)  # loaded with the token: no statement
    if tenant is None or not tenant.is_active:
        db.session.rollback()
        scope.__exit__(None, None, None)
        return
    g.tenant = tenant
    g.tenant_scope = scope


def _leave_scope(exc: BaseException | None) -> None:
    scope = g.pop("tenant_scope", None)
    if scope is not None:
        if exc is not None:
            db.session.rollback()
        scope.__exit__(None, None, None)


def init_app(app: Flask) -> None:
    app.before_request(_resolve)
    app.teardown_request(_leave_scope)

    @app.context_processor
    def _tenant_context() -> dict:
        return {"tenant": g.get("tenant"), "tenant_url": tenant_url, "platform_url": platform_url}
