"""The security headers of every response: CSP, HSTS and the rest (OWASP ASVS 5.0, L2).

``form-action`` lists what the app's forms really post to, including where a POST is
redirected (browsers check the redirect too): the app itself, the workspace hosts under the
base domain (sign-up and find-workspace post on the base host and continue on the tenant's
subdomain) and Stripe's Checkout and customer portal (the billing forms answer 303 to them).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, request

HSTS_MAX_AGE = 365 * 24 * 3600  # one year
STRIPE_FORM_TARGETS = ("https://checkout.stripe.com", "https://billing.stripe.com")


def form_action_sources(config) -> list[str]:
    """'self', the base host and its workspace subdomains (scheme and port of the base
    URL), and Stripe's hosted pages (or those of the configured STRIPE_API_BASE)."""
    parts = urlsplit(config.get("TRELLIS_BASE_URL") or "http://localhost")
    scheme = parts.scheme or "http"
    domain = (config.get("TRELLIS_BASE_DOMAIN") or parts.hostname or "localhost").strip(".")
    port = f":{parts.port}" if parts.port else ""
    sources = [
        "'self'",
        f"{scheme}://{domain}{port}",
        f"{scheme}://*.{domain}{port}",
        *STRIPE_FORM_TARGETS,
    ]
    # A Stripe stand-in (STRIPE_API_BASE, e.g. localstripe) serves its own checkout pages.
    stripe_base = urlsplit(config.get("STRIPE_API_BASE") or "")
    if stripe_base.scheme and stripe_base.netloc:
        sources.append(f"{stripe_base.scheme}://{stripe_base.netloc}")
    return sources


def content_security_policy(config) -> str:
    return (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "frame-ancestors 'none'; form-action " + " ".join(form_action_sources(config))
    )


def wants_hsts(config) -> bool:
    """In production, and whenever the request came over HTTPS (directly, or through the
    proxies counted in TRELLIS_PROXY_COUNT)."""
    return config.get("TRELLIS_ENV") == "production" or request.is_secure


def init_app(app: Flask) -> None:
    policy = content_security_policy(app.config)

    @app.after_request
    def _security_headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Content-Security-Policy", policy)
        if wants_hsts(app.config):
            response.headers.setdefault(
                "Strict-Transport-Security", f"max-age={HSTS_MAX_AGE}; includeSubDomains"
            )
        return response
