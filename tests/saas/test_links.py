"""Links that leave the request (e-mails, return addresses given to the payment provider)
are built from TRELLIS_BASE_URL and the tenant's slug, never from the request's Host."""

from __future__ import annotations

import re

from werkzeug.middleware.proxy_fix import ProxyFix

from tests.conftest import TenantClient

# A client chooses the Host header (and, behind a proxy, X-Forwarded-Host): the workspace is
# still found from the subdomain, but nothing it writes down may carry this host or port.
SPOOFED = {"Host": "acme.localhost:6666"}


def _links(body: str) -> list[str]:
    return re.findall(r"https?://\S+", body)


def test_reset_link_ignores_the_request_host(app, tenant, mail):
    response = TenantClient(app, tenant).post(
        "/password/forgot", data={"email": tenant["admin_email"]}, headers=SPOOFED
    )
    assert response.status_code == 303
    (link,) = _links(mail[0]["body"])
    assert link.startswith("http://acme.localhost/password/reset/"), link


def test_invitation_link_ignores_the_request_host(app, tenant, client, mail):
    response = client.post(
        "/admin/users/invite",
        data={"name": "Nia Brown", "email": "nia@acme.example.com", "role": "member"},
        headers=SPOOFED,
    )
    assert response.status_code == 303
    (link,) = _links(mail[0]["body"])
    assert link.startswith("http://acme.localhost/invitation/"), link


def test_links_follow_the_configured_base_url(app, tenant, mail, monkeypatch):
    monkeypatch.setitem(app.config, "TRELLIS_BASE_URL", "https://crm.example.com:8443")
    TenantClient(app, tenant).post(
        "/password/forgot", data={"email": tenant["admin_email"]}, headers=SPOOFED
    )
    (link,) = _links(mail[0]["body"])
    assert link.startswith("https://acme.crm.example.com:8443/password/reset/"), link


def test_forwarded_host_is_not_used_either(app, tenant, mail, monkeypatch):
    # As with TRELLIS_PROXY_COUNT=1: X-Forwarded-Host is trusted to find the workspace.
    monkeypatch.setattr(app, "wsgi_app", ProxyFix(app.wsgi_app, x_host=1))
    TenantClient(app, tenant).post(
        "/password/forgot",
        data={"email": tenant["admin_email"]},
        headers={"X-Forwarded-Host": "acme.localhost:6666"},
    )
    (link,) = _links(mail[0]["body"])
    assert link.startswith("http://acme.localhost/password/reset/"), link


def test_checkout_return_address_ignores_the_request_host(app, tenant, client):
    response = client.post(
        "/admin/billing/checkout",
        data={"plan": "starter", "interval": "month"},
        headers=SPOOFED,
    )
    assert response.status_code == 303
    # The offline backend "completes" at once and sends the browser to the success address.
    assert response.headers["Location"].startswith("http://acme.localhost/admin/billing/")
