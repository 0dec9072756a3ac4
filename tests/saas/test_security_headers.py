"""Security headers: HSTS in production or over HTTPS, and a form-action the app needs."""

from __future__ import annotations

import pytest

from saas.security_headers import HSTS_MAX_AGE, content_security_policy


def _directive(policy: str, name: str) -> list[str]:
    for part in policy.split(";"):
        words = part.split()
        if words and words[0] == name:
            return words[1:]
    raise AssertionError(f"no {name} in {policy}")


def test_no_hsts_in_development_over_http(app):
    response = app.test_client().get("/healthz")
    assert "Strict-Transport-Security" not in response.headers


def test_hsts_over_https(app):
    response = app.test_client().get("/healthz", base_url="https://localhost")
    max_age = response.headers["Strict-Transport-Security"].split(";")[0]
    assert int(max_age.split("=")[1]) >= 365 * 24 * 3600


@pytest.fixture
def production_app(build_app):
    return build_app(TRELLIS_ENV="production")


def test_hsts_in_production_for_at_least_a_year(production_app):
    response = production_app.test_client().get("/healthz")
    value = response.headers["Strict-Transport-Security"]
    assert value == f"max-age={HSTS_MAX_AGE}; includeSubDomains"
    assert HSTS_MAX_AGE >= 365 * 24 * 3600


def test_form_action_is_the_app_its_workspaces_and_stripe_only(app):
    policy = app.test_client().get("/healthz").headers["Content-Security-Policy"]
    sources = _directive(policy, "form-action")
    assert sources == [
        "'self'",
        "http://localhost",
        "http://*.localhost",
        "https://checkout.stripe.com",
        "https://billing.stripe.com",
    ]
    assert "http:" not in sources and "https:" not in sources


def test_form_action_follows_the_base_url():
    policy = content_security_policy(
        {
            "TRELLIS_BASE_URL": "https://crm.example.com:8443",
            "TRELLIS_BASE_DOMAIN": "crm.example.com",
        }
    )
    assert "https://*.crm.example.com:8443" in _directive(policy, "form-action")


def test_form_action_allows_the_configured_stripe_stand_in():
    policy = content_security_policy(
        {"TRELLIS_BASE_URL": "http://localhost:5000", "STRIPE_API_BASE": "http://127.0.0.1:8420"}
    )
    assert "http://127.0.0.1:8420" in _directive(policy, "form-action")
