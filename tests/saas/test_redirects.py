"""Open redirects: every ``next`` the app follows stays on this site (saas/redirects.py)."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from saas.redirects import is_safe_redirect_target, safe_redirect_target
from tests.conftest import TenantClient
from tests.factories import CompanyFactory

# The usual bypasses: each is another site to some browser, or breaks the header.
BYPASSES = [
    "//evil.example",
    "//evil.example/path",
    "///evil.example",
    "/\t/evil.example",
    "/\t\t/evil.example",
    "\t//evil.example",
    "/%09/evil.example",
    "/%2F/evil.example",
    "/%2f%2fevil.example",
    "/%5Cevil.example",
    "/%0a/evil.example",
    "/%0d/evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/\\/evil.example",
    "/path\\..\\..\\evil",
    "https://evil.example",
    "http://evil.example/",
    "HTTPS://evil.example",
    "//user:pass@evil.example",
    "https://acme.localhost@evil.example/",
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    " javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "/\nSet-Cookie: x=1",
    "/\r\nLocation: https://evil.example",
    "/ok\r\n",
    "/ok\x00",
    " /ok",
    "evil.example",
    "",
    None,
    "/" + "a" * 5000,
]

KEPT = [
    "/",
    "/settings/tokens/",
    "/o/companies/board?field=tier",
    "/o/contacts?q=a%20b&sort=-name",
    "/o/companies/0199-abc#timeline",
    "/@evil.example",  # a path of this site whatever it looks like
    "/%252F/still-a-path",
]


@pytest.mark.parametrize("value", BYPASSES)
def test_the_usual_bypasses_are_refused(value):
    assert not is_safe_redirect_target(value)
    assert safe_redirect_target(value, "/home") == "/home"


@pytest.mark.parametrize("value", KEPT)
def test_paths_of_this_site_are_kept(value):
    assert safe_redirect_target(value, "/home") == value


def _login(tc: TenantClient, tenant: dict, next_value: str):
    return tc.post(
        "/login?next=" + quote(next_value, safe=""),
        data={"email": tenant["admin_email"], "password": tenant["password"]},
    )


@pytest.mark.parametrize(
    "value",
    [
        "//evil.example",
        "/\t/evil.example",
        "/%09/evil.example",
        "/\\evil.example",
        "https://evil.example",
        "javascript:alert(1)",
        "/\nSet-Cookie: x=1",
        "/\r\n/evil.example",
    ],
)
def test_sign_in_never_sends_elsewhere_and_never_fails_on_next(app, tenant, value):
    response = _login(TenantClient(app, tenant), tenant, value)
    assert response.status_code == 303
    assert response.headers["Location"] == "/"


def test_sign_in_follows_a_path_of_this_site(app, tenant):
    response = _login(TenantClient(app, tenant), tenant, "/o/companies?sort=name")
    assert response.headers["Location"] == "/o/companies?sort=name"


@pytest.mark.parametrize(
    "value",
    [
        "//evil.example",
        "/\t/evil.example",
        "/%09/evil.example",
        "/\\evil.example",
        "https://evil.example",
        "/\nSet-Cookie: x=1",
        "/\r\n/evil.example",
    ],
)
def test_inline_edit_never_sends_elsewhere(app, tenant, client, value):
    company = CompanyFactory(tenant=tenant, name="Alpha")["id"]
    response = client.post(
        f"/o/companies/{company}/fields/name", data={"name": "Beta", "next": value}
    )
    assert response.status_code == 303
    assert response.headers["Location"] == f"/o/companies/{company}"
    # The query-string form of next is checked the same way.
    response = client.post(
        f"/o/companies/{company}/fields/name?next={quote(value, safe='')}", data={"name": "Gamma"}
    )
    assert response.status_code == 303
    assert response.headers["Location"] == f"/o/companies/{company}"
