"""Device cookies: a browser that signed in before passes the per-IP limit (OWASP)."""

from __future__ import annotations

import datetime as dt

from saas import clock
from saas.auth import device_cookies
from tests.conftest import TenantClient, add_user

OFFICE = "203.0.113.80"
COLLEAGUE = "colleague@acme.example.com"
COLLEAGUE_PASSWORD = "colleague password 1"


def _login(tc: TenantClient, email: str, password: str, ip: str = OFFICE):
    return tc.post(
        "/login", data={"email": email, "password": password}, environ_base={"REMOTE_ADDR": ip}
    )


def _device_cookie(tc: TenantClient) -> str | None:
    cookie = tc.client.get_cookie(
        device_cookies.COOKIE_NAME, domain="acme.localhost", path=device_cookies.COOKIE_PATH
    )
    return cookie.value if cookie else None


def _lock_the_office(tc: TenantClient) -> None:
    for i in range(30):
        assert _login(tc, f"guess{i}@acme.example.com", "guess").status_code == 401


def _signed_in_browser(app, tenant) -> TenantClient:
    """The colleague's browser, signed in once (from home) and signed out again."""
    browser = TenantClient(app, tenant)
    assert _login(browser, COLLEAGUE, COLLEAGUE_PASSWORD, ip="198.51.100.20").status_code == 303
    assert browser.post("/logout").status_code == 303
    return browser


def test_a_sign_in_sets_a_signed_host_only_device_cookie(app, tenant):
    tc = TenantClient(app, tenant)
    response = _login(tc, tenant["admin_email"], tenant["password"])
    header = next(h for h in response.headers.getlist("Set-Cookie") if "trellis_device" in h)
    assert "HttpOnly" in header and "Path=/login" in header and "Domain" not in header
    assert "Max-Age=7776000" in header
    value = _device_cookie(tc)
    assert value.startswith("v1.") and tenant["admin_email"] not in value
    assert str(tenant["id"]) not in value
    # A failed sign-in gives no cookie.
    fresh = TenantClient(app, tenant)
    _login(fresh, tenant["admin_email"], "wrong")
    assert _device_cookie(fresh) is None


def test_office_ip_locked_but_a_colleague_with_a_device_cookie_signs_in(app, tenant, moving_clock):
    add_user(app, tenant, email=COLLEAGUE, password=COLLEAGUE_PASSWORD)
    browser = _signed_in_browser(app, tenant)
    _lock_the_office(TenantClient(app, tenant))

    newcomer = TenantClient(app, tenant)
    refused = _login(newcomer, tenant["admin_email"], tenant["password"])
    assert refused.status_code == 429 and "from your network" in refused.get_data(as_text=True)

    first_cookie = _device_cookie(browser)
    moving_clock.advance(seconds=5)  # the expiry is in whole seconds: a later one differs
    assert _login(browser, COLLEAGUE, COLLEAGUE_PASSWORD).status_code == 303
    renewed = _device_cookie(browser)
    assert renewed != first_cookie
    assert renewed.split(".")[1] == first_cookie.split(".")[1]  # same device, new expiry


def test_a_device_cookie_only_counts_for_its_own_account(app, tenant, other_tenant):
    add_user(app, tenant, email=COLLEAGUE, password=COLLEAGUE_PASSWORD)
    add_user(app, other_tenant, email=COLLEAGUE, password=COLLEAGUE_PASSWORD)
    browser = _signed_in_browser(app, tenant)
    _lock_the_office(TenantClient(app, tenant))
    # The same cookie sent for another account of the tenant does not pass.
    assert _login(browser, tenant["admin_email"], tenant["password"]).status_code == 429
    # Nor for the same e-mail in another tenant.
    other = TenantClient(app, other_tenant)
    other.client.set_cookie(
        device_cookies.COOKIE_NAME,
        _device_cookie(browser),
        domain="globex.localhost",
        path=device_cookies.COOKIE_PATH,
    )
    assert _login(other, COLLEAGUE, COLLEAGUE_PASSWORD).status_code == 429


def test_forged_and_expired_device_cookies_do_not_pass(app, tenant):
    add_user(app, tenant, email=COLLEAGUE, password=COLLEAGUE_PASSWORD)
    browser = _signed_in_browser(app, tenant)
    genuine = _device_cookie(browser)
    _lock_the_office(TenantClient(app, tenant))

    version, device_id, expires, signature = genuine.split(".")
    forgeries = [
        f"{version}.{device_id}.{int(expires) + 10**6}.{signature}",  # expiry pushed out
        f"{version}.{'A' * len(device_id)}.{expires}.{signature}",  # another device id
        f"{version}.{device_id}.{expires}.{'0' * 64}",  # made-up signature
        "v1.garbage",
    ]
    for forged in forgeries:
        attacker = TenantClient(app, tenant)
        attacker.client.set_cookie(
            device_cookies.COOKIE_NAME,
            forged,
            domain="acme.localhost",
            path=device_cookies.COOKIE_PATH,
        )
        assert _login(attacker, COLLEAGUE, COLLEAGUE_PASSWORD).status_code == 429, forged

    with clock.travel(clock.now() + dt.timedelta(days=91)):
        # Past its expiry (and the office's failures have aged out: lock it again).
        _lock_the_office(TenantClient(app, tenant))
        assert _login(browser, COLLEAGUE, COLLEAGUE_PASSWORD).status_code == 429


def test_a_device_with_too_many_failures_is_locked_out(app, tenant, logged_events):
    add_user(app, tenant, email=COLLEAGUE, password=COLLEAGUE_PASSWORD)
    browser = _signed_in_browser(app, tenant)
    _lock_the_office(TenantClient(app, tenant))
    for _ in range(10):
        assert _login(browser, COLLEAGUE, "mistyped").status_code == 401
    refused = _login(browser, COLLEAGUE, COLLEAGUE_PASSWORD)
    assert refused.status_code == 429
    assert "from this browser" in refused.get_data(as_text=True)
    # Its failures were the device's: the account is not locked for other clients...
    elsewhere = TenantClient(app, tenant)
    assert _login(elsewhere, COLLEAGUE, COLLEAGUE_PASSWORD, ip="198.51.100.99").status_code == 303

    about_colleague = [e for e in logged_events(tenant) if e["actor"] == COLLEAGUE]
    lockouts = [e for e in about_colleague if e["event"] == "auth.device_locked_out"]
    assert len(lockouts) == 1 and lockouts[0]["details"] == {"failures": 10}
    throttled = [e for e in about_colleague if e["event"] == "auth.sign_in_throttled"]
    assert [e["details"] for e in throttled] == [{"limit": "device"}]
    failed = [e for e in about_colleague if e["event"] == "auth.sign_in_failed"]
    assert all(e["details"]["trusted_device"] for e in failed)


def test_device_failures_do_not_lock_the_account_for_untrusted_clients(app, tenant):
    """...and a trusted device's failures do not count against its IP either."""
    add_user(app, tenant, email=COLLEAGUE, password=COLLEAGUE_PASSWORD)
    browser = _signed_in_browser(app, tenant)
    for _ in range(9):
        assert _login(browser, COLLEAGUE, "mistyped", ip="192.0.2.5").status_code == 401
    stranger = TenantClient(app, tenant)
    for _ in range(9):
        assert _login(stranger, COLLEAGUE, "guess", ip="192.0.2.5").status_code == 401
    # 18 failures from the address, 9 of them untrusted: under both limits of 10 and 30.
    assert _login(stranger, COLLEAGUE, COLLEAGUE_PASSWORD, ip="192.0.2.5").status_code == 303
