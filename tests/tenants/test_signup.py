"""Sign-up on the base domain: one transaction creates the tenant, its admin and defaults."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from saas.auth.models import User
from saas.db import db
from tenants.models import Tenant
from tenants.scoping import tenant_scope

GOOD = {
    "company": "Blue Fin Travel",
    "slug": "bluefin",
    "name": "Ana Lima",
    "email": "ana@bluefin.example.com",
    "password": "a long enough passphrase",
}


def _count_tenants(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Tenant))


def test_signup_creates_workspace_and_lands_admin_in_it(app):
    client = app.test_client()
    response = client.post("/signup", data=GOOD, base_url="http://localhost")
    assert response.status_code == 303
    location = response.headers["Location"]
    assert location.startswith("http://bluefin.localhost/auth/handoff/")

    landed = client.get(location, base_url="http://bluefin.localhost")
    assert landed.status_code == 303 and landed.headers["Location"] == "/"
    home = client.get("/", base_url="http://bluefin.localhost")
    assert home.status_code == 200
    page = home.get_data(as_text=True)
    assert "Blue Fin Travel" in page and "Ana" in page

    with app.app_context():
        tenant = db.session.scalar(select(Tenant).where(Tenant.slug == "bluefin"))
        assert tenant.name == "Blue Fin Travel" and tenant.status == "active"
        assert tenant.settings["currency"] == "USD"
        with tenant_scope(tenant.id):
            admin = db.session.scalar(select(User))
            assert admin.email == "ana@bluefin.example.com" and admin.role == "admin"
            assert admin.password_hash.startswith("$argon2id$")


def test_handoff_link_works_once(app):
    client = app.test_client()
    location = client.post("/signup", data=GOOD, base_url="http://localhost").headers["Location"]
    other = app.test_client()
    assert other.get(location, base_url="http://bluefin.localhost").headers["Location"] == "/"
    again = app.test_client().get(location, base_url="http://bluefin.localhost")
    assert again.status_code == 404
    assert "invalid or has expired" in again.get_data(as_text=True)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("company", "", "Enter your company"),
        ("company", "x" * 201, "at most 200"),
        ("slug", "", "Choose a subdomain"),
        ("slug", "ab", "3 to 40"),
        ("slug", "a" * 41, "3 to 40"),
        ("slug", "Bad_Slug", "lowercase letters"),
        ("slug", "-acme", "lowercase letters"),
        ("slug", "ac--me", "two hyphens"),
        ("slug", "www", "reserved"),
        ("slug", "admin", "reserved"),
        ("slug", "api", "reserved"),
        ("name", "", "Enter a name"),
        ("email", "", "Enter an e-mail"),
        ("email", "not-an-email", "not valid"),
        ("email", "a@" + "b" * 260 + ".com", "too long"),
        ("password", "", "Choose a password"),
        ("password", "short", "8 to 128"),
        ("password", "p" * 129, "8 to 128"),
    ],
)
def test_bad_input_gives_a_clear_error_and_writes_nothing(app, field, value, message):
    response = app.test_client().post(
        "/signup", data={**GOOD, field: value}, base_url="http://localhost"
    )
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _count_tenants(app) == 0


def test_duplicate_slug_is_refused(app, tenant):
    response = app.test_client().post(
        "/signup", data={**GOOD, "slug": "acme"}, base_url="http://localhost"
    )
    assert response.status_code == 422
    assert "taken" in response.get_data(as_text=True)
    assert _count_tenants(app) == 1


def test_long_password_of_64_characters_is_allowed(app):
    data = {**GOOD, "password": "p" * 64 + " and more words to be sure"}
    assert (
        app.test_client().post("/signup", data=data, base_url="http://localhost").status_code == 303
    )


def test_live_slug_check(app, tenant):
    client = app.test_client()
    free = client.get("/signup/check-slug?slug=newco", base_url="http://localhost").get_json()
    assert free == {"slug": "newco", "available": True, "message": "Available"}
    taken = client.get("/signup/check-slug?slug=acme", base_url="http://localhost").get_json()
    assert taken["available"] is False and "taken" in taken["message"]
    reserved = client.get("/signup/check-slug?slug=www", base_url="http://localhost").get_json()
    assert reserved["available"] is False and "reserved" in reserved["message"]


def test_signup_is_not_served_on_a_tenant_host(app, tenant):
    response = app.test_client().get("/signup", base_url=tenant["host"])
    assert response.status_code == 404


def test_unknown_subdomain_gets_a_friendly_404(app):
    response = app.test_client().get("/", base_url="http://nobody.localhost")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "There is no workspace at this address" in page
    assert "Traceback" not in page


def test_landing_page_on_base_domain(app):
    page = app.test_client().get("/", base_url="http://localhost").get_data(as_text=True)
    assert "Create your workspace" in page


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("ana@bluefin.test", "bluefin.test cannot receive mail: .test is reserved for testing."),
        ("ana@shop.localhost", "shop.localhost cannot receive mail: .localhost means this"),
        ("ana@printer.local", ".local is for devices on a local network"),
        ("ana@nowhere.invalid", ".invalid is reserved for names that must never work"),
        ("ana@bluefin", "The domain bluefin is incomplete: add its ending, such as .com"),
        ("ana.bluefin.com", "it needs an @ and a domain"),
        ("ana lima@bluefin.com", "invalid characters before the @: SPACE"),
    ],
)
def test_a_refused_address_says_why(app, email, message):
    response = app.test_client().post(
        "/signup", data={**GOOD, "email": email}, base_url="http://localhost"
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page
    assert "That e-mail address is not valid.</p>" not in page
    assert _count_tenants(app) == 0


def test_a_taken_subdomain_suggests_a_free_one(app):
    from tests.conftest import make_tenant

    make_tenant(app, "acme")
    make_tenant(app, "acme-2")
    response = app.test_client().post(
        "/signup", data={**GOOD, "slug": "acme"}, base_url="http://localhost"
    )
    assert response.status_code == 422
    assert "acme is taken. acme-3 is free: use it, or choose another." in response.get_data(
        as_text=True
    )
    check = app.test_client().get("/signup/check-slug?slug=acme", base_url="http://localhost")
    taken = "acme is taken. acme-3 is free: use it, or choose another."
    assert check.get_json()["message"] == taken


def test_a_weak_password_is_refused_with_advice_before_anything_is_written(app):
    response = app.test_client().post(
        "/signup", data={**GOOD, "password": "bluefintravel"}, base_url="http://localhost"
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "This password is too easy to guess." in page
    assert "Avoid your name, your e-mail address and the workspace&#39;s name." in page
    assert _count_tenants(app) == 0


def test_live_validation_judges_every_field_and_creates_nothing(app):
    client = app.test_client()
    bad = client.post(
        "/signup/validate",
        data={**GOOD, "email": "ana@bluefin.test", "password": "short", "company": ""},
        base_url="http://localhost",
    )
    assert bad.status_code == 200
    errors = bad.get_json()["errors"]
    assert errors["email"] == [
        "bluefin.test cannot receive mail: .test is reserved for testing. "
        "Use an address where you receive mail."
    ]
    assert errors["password"] == ["Use 8 to 128 characters."]
    assert errors["company"] == ["Enter your company's name."]
    assert set(errors) == {"email", "password", "company"}
    # Once fixed, a field has nothing more to say.
    fixed = client.post("/signup/validate", data=GOOD, base_url="http://localhost")
    assert fixed.get_json() == {"errors": {}}
    assert _count_tenants(app) == 0
    assert client.post("/signup/validate", data=GOOD, base_url=_tenant_host(app)).status_code == 404


def _tenant_host(app) -> str:
    from tests.conftest import make_tenant

    return make_tenant(app, "acme")["host"]


def test_the_base_hosts_login_asks_for_the_workspace_and_sends_you_there(app, tenant):
    client = app.test_client()
    page = client.get("/login", base_url="http://localhost")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Sign in to your workspace" in text and "yourcompany.localhost" in text
    for typed in ("acme", "ACME", "acme.localhost", "http://acme.localhost/login"):
        sent = client.get(f"/login?workspace={typed}", base_url="http://localhost")
        assert sent.status_code == 303, typed
        assert sent.headers["Location"] == "http://acme.localhost/login"
    unknown = client.get("/login?workspace=nosuch", base_url="http://localhost")
    assert unknown.status_code == 404
    assert "There is no workspace at nosuch.localhost" in unknown.get_data(as_text=True)
    empty = client.get("/login?workspace=", base_url="http://localhost")
    assert empty.status_code == 422
    assert "Enter your workspace" in empty.get_data(as_text=True)
    # On a workspace's own host, /login is still its sign-in form.
    own = client.get("/login", base_url=tenant["host"])
    assert own.status_code == 200 and "Sign in to" in own.get_data(as_text=True)
