"""Single sign-on with OpenID Connect, against a real Authlib provider served over HTTP.

The provider (tests/oidc_provider.py) runs on 127.0.0.1 in a thread; Trellis fetches its
discovery document, keys and tokens over real HTTP. The browser's trip to the provider is
made with ``requests``; the provider approves whoever the test signed in there.
"""

from __future__ import annotations

import re
import socket
import uuid
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from sqlalchemy import func, select

from saas.auth import sso_services as sso
from saas.auth.models import SsoProvider, User
from saas.db import db
from tenants.scoping import tenant_scope
from tests.conftest import TenantClient, add_user
from tests.oidc_provider import OidcProvider

SECRET = "provider client secret 1"


@pytest.fixture(scope="module")
def oidc():
    provider = OidcProvider().start()
    yield provider
    provider.stop()


@pytest.fixture
def op(oidc, app, monkeypatch):
    """The provider, fresh; Trellis may talk to it although it is on 127.0.0.1 over http."""
    oidc.reset()
    monkeypatch.setitem(app.config, sso.ALLOW_PRIVATE_ISSUERS, True)
    return oidc


def make_provider(
    app,
    tenant: dict,
    op: OidcProvider,
    *,
    auth_method: str = "client_secret_basic",
    client_id: str | None = None,
    **fields,
) -> uuid.UUID:
    """Configure SSO for ``tenant`` with the service, and register Trellis at the provider."""
    client_id = client_id or f"trellis-{tenant['slug']}"
    values = {
        "name": "Acme ID",
        "issuer": op.issuer,
        "client_id": client_id,
        "client_secret": SECRET,
    }
    values.update(fields)
    with app.app_context(), tenant_scope(tenant["id"]):
        provider_id = sso.create_provider(**values).id
        db.session.commit()
    op.add_client(
        client_id,
        SECRET,
        redirect_uris=[f"{tenant['host']}/auth/sso/{provider_id}/callback"],
        auth_method=auth_method,
    )
    return provider_id


def go_to_provider(tc: TenantClient, provider_id) -> str:
    """Start the flow and follow the browser to the provider; the path it is sent back to."""
    start = tc.get(f"/auth/sso/{provider_id}/start")
    assert start.status_code == 303, start.get_data(as_text=True)
    at_provider = requests.get(start.headers["Location"], allow_redirects=False, timeout=10)
    assert at_provider.status_code == 302, at_provider.text
    back = at_provider.headers["Location"]
    assert back.startswith(f"{tc.base_url}/auth/sso/{provider_id}/callback?"), back
    return back[len(tc.base_url) :]


def sso_login(tc: TenantClient, provider_id):
    return tc.get(go_to_provider(tc, provider_id))


def signed_in_as(tc: TenantClient) -> str | None:
    """The name in the user menu, or None when the home page sends us to the login page."""
    home = tc.get("/")
    if home.status_code != 200:
        return None
    match = re.search(r'<span class="who">([^<]*)</span>', home.get_data(as_text=True))
    return match.group(1) if match else None


def get_user(app, tenant: dict, email: str) -> User | None:
    with app.app_context(), tenant_scope(tenant["id"]):
        user = db.session.scalar(select(User).where(User.email == email))
        if user is not None:
            db.session.expunge(user)
        return user


def provider_count(app) -> int:
    """Providers of every tenant, counted tenant by tenant (RLS hides them when unscoped)."""
    from tenants.models import Tenant

    total = 0
    with app.app_context():
        for tenant_id in db.session.scalars(select(Tenant.id)).all():
            with tenant_scope(tenant_id):
                total += db.session.scalar(select(func.count()).select_from(SsoProvider))
    return total


# Signing in ------------------------------------------------------------------------------


def test_login_page_offers_enabled_providers_only(app, tenant, op):
    make_provider(app, tenant, op, name="Acme ID")
    make_provider(app, tenant, op, name="Old IdP", enabled=False)
    page = TenantClient(app, tenant).get("/login").get_data(as_text=True)
    assert "Sign in with Acme ID" in page
    assert "Old IdP" not in page


def test_existing_user_signs_in_by_verified_email(app, tenant, op):
    add_user(app, tenant, email="ana@acme.example.com", name="Ana Lima")
    provider_id = make_provider(app, tenant, op)
    op.add_user("Ana@Acme.example.com", email_verified=True)
    op.sign_in("Ana@Acme.example.com")
    tc = TenantClient(app, tenant)

    response = sso_login(tc, provider_id)

    assert response.status_code == 303 and response.headers["Location"] == "/"
    assert signed_in_as(tc) == "Ana Lima"
    assert get_user(app, tenant, "ana@acme.example.com").last_login_at is not None
    # The code exchange used the client secret (HTTP Basic) and the PKCE verifier.
    (token_request,) = op.token_requests
    assert token_request["basic"] is True
    assert token_request["form"]["code_verifier"]
    assert "client_secret" not in token_request["form"]


def test_authorization_request_carries_state_nonce_and_pkce(app, tenant, op):
    provider_id = make_provider(app, tenant, op)
    start = TenantClient(app, tenant).get(f"/auth/sso/{provider_id}/start")
    url = urlsplit(start.headers["Location"])
    query = parse_qs(url.query)
    assert f"{url.scheme}://{url.netloc}{url.path}" == op.url("/authorize")
    assert query["response_type"] == ["code"]
    assert query["client_id"] == ["trellis-acme"]
    assert query["redirect_uri"] == [f"http://acme.localhost/auth/sso/{provider_id}/callback"]
    assert set(query["scope"][0].split()) == {"openid", "email", "profile"}
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) == 43
    assert len(query["state"][0]) >= 32 and len(query["nonce"][0]) >= 32


def test_client_secret_post_when_the_provider_asks_for_it(app, tenant, op):
    add_user(app, tenant, email="ana@acme.example.com", name="Ana Lima")
    provider_id = make_provider(app, tenant, op, auth_method="client_secret_post")
    op.add_user("ana@acme.example.com")
    op.sign_in("ana@acme.example.com")
    tc = TenantClient(app, tenant)
    assert sso_login(tc, provider_id).status_code == 303
    assert signed_in_as(tc) == "Ana Lima"
    (token_request,) = op.token_requests
    assert token_request["basic"] is False
    assert token_request["form"]["client_secret"] == SECRET


def test_email_from_userinfo_when_not_in_id_token(app, tenant, op):
    add_user(app, tenant, email="ana@acme.example.com", name="Ana Lima")
    provider_id = make_provider(app, tenant, op)
    op.email_in_id_token = False
    op.add_user("ana@acme.example.com")
    op.sign_in("ana@acme.example.com")
    tc = TenantClient(app, tenant)
    assert sso_login(tc, provider_id).status_code == 303
    assert signed_in_as(tc) == "Ana Lima"


@pytest.mark.parametrize("in_id_token", [True, False])
def test_unverified_email_is_refused(app, tenant, op, in_id_token):
    add_user(app, tenant, email="ana@acme.example.com")
    provider_id = make_provider(app, tenant, op)
    op.email_in_id_token = in_id_token
    op.add_user("ana@acme.example.com", email_verified=False)
    op.sign_in("ana@acme.example.com")
    tc = TenantClient(app, tenant)

    response = sso_login(tc, provider_id)

    assert response.status_code == 403
    assert "has not verified the e-mail address" in response.get_data(as_text=True)
    assert signed_in_as(tc) is None
    assert get_user(app, tenant, "ana@acme.example.com").last_login_at is None


def test_unknown_user_is_refused_without_signup(app, tenant, op):
    provider_id = make_provider(app, tenant, op, allow_signup=False)
    op.add_user("newbie@acme.example.com")
    op.sign_in("newbie@acme.example.com")
    tc = TenantClient(app, tenant)

    response = sso_login(tc, provider_id)

    assert response.status_code == 403
    page = response.get_data(as_text=True)
    assert "No account here uses newbie@acme.example.com" in page
    assert "Sign in another way" in page
    assert signed_in_as(tc) is None
    assert get_user(app, tenant, "newbie@acme.example.com") is None


def test_unknown_user_gets_an_account_with_signup(app, tenant, op):
    provider_id = make_provider(app, tenant, op, allow_signup=True, default_role="manager")
    op.add_user("newbie@acme.example.com", name="Nia Newbie")
    op.sign_in("newbie@acme.example.com")
    tc = TenantClient(app, tenant)

    assert sso_login(tc, provider_id).status_code == 303

    assert signed_in_as(tc) == "Nia Newbie"
    user = get_user(app, tenant, "newbie@acme.example.com")
    assert user.role == "manager" and user.password_hash is None and user.is_active
    assert user.last_login_at is not None and not user.is_pending


def test_signup_does_not_admit_unverified_email(app, tenant, op):
    provider_id = make_provider(app, tenant, op, allow_signup=True)
    op.add_user("newbie@acme.example.com", email_verified=False)
    op.sign_in("newbie@acme.example.com")
    assert sso_login(TenantClient(app, tenant), provider_id).status_code == 403
    assert get_user(app, tenant, "newbie@acme.example.com") is None


def test_deactivated_user_is_refused(app, tenant, op):
    user_id = add_user(app, tenant, email="ana@acme.example.com")
    with app.app_context(), tenant_scope(tenant["id"]):
        db.session.get(User, (tenant["id"], user_id)).is_active = False
        db.session.commit()
    provider_id = make_provider(app, tenant, op, allow_signup=True)
    op.add_user("ana@acme.example.com")
    op.sign_in("ana@acme.example.com")
    tc = TenantClient(app, tenant)

    response = sso_login(tc, provider_id)

    assert response.status_code == 403
    assert "This account is deactivated" in response.get_data(as_text=True)
    assert signed_in_as(tc) is None


def test_account_of_another_tenant_is_not_used(app, tenant, other_tenant, op):
    add_user(app, other_tenant, email="sam@shared.example.com")
    provider_id = make_provider(app, tenant, op)
    op.add_user("sam@shared.example.com")
    op.sign_in("sam@shared.example.com")
    assert sso_login(TenantClient(app, tenant), provider_id).status_code == 403


# Refused answers ------------------------------------------------------------------------


def test_bad_state_is_refused(app, tenant, op):
    add_user(app, tenant, email="ana@acme.example.com")
    provider_id = make_provider(app, tenant, op)
    op.add_user("ana@acme.example.com")
    op.sign_in("ana@acme.example.com")
    tc = TenantClient(app, tenant)
    back = go_to_provider(tc, provider_id)

    forged = re.sub(r"state=[^&]+", "state=forged", back)
    response = tc.get(forged)
    assert response.status_code == 400
    assert "has expired or was started elsewhere" in response.get_data(as_text=True)
    assert signed_in_as(tc) is None
    assert op.token_requests == []


def test_callback_in_a_browser_that_did_not_start_is_refused(app, tenant, op):
    add_user(app, tenant, email="ana@acme.example.com")
    provider_id = make_provider(app, tenant, op)
    op.add_user("ana@acme.example.com")
    op.sign_in("ana@acme.example.com")
    back = go_to_provider(TenantClient(app, tenant), provider_id)

    attacker = TenantClient(app, tenant)
    assert attacker.get(back).status_code == 400
    assert signed_in_as(attacker) is None


def test_callback_works_once(app, tenant, op):
    add_user(app, tenant, email="ana@acme.example.com")
    provider_id = make_provider(app, tenant, op)
    op.add_user("ana@acme.example.com")
    op.sign_in("ana@acme.example.com")
    tc = TenantClient(app, tenant)
    back = go_to_provider(tc, provider_id)
    assert tc.get(back).status_code == 303
    tc.post("/logout")
    assert tc.get(back).status_code == 400


def test_flow_of_another_provider_is_refused(app, tenant, op):
    add_user(app, tenant, email="ana@acme.example.com")
    first = make_provider(app, tenant, op)
    second = make_provider(app, tenant, op, name="Second", client_id="second")
    op.add_user("ana@acme.example.com")
    op.sign_in("ana@acme.example.com")
    tc = TenantClient(app, tenant)
    back = go_to_provider(tc, first)
    assert tc.get(back.replace(str(first), str(second))).status_code == 400


def test_tampered_pkce_verifier_is_refused_by_the_provider(app, tenant, op):
    add_user(app, tenant, email="ana@acme.example.com")
    provider_id = make_provider(app, tenant, op)
    op.add_user("ana@acme.example.com")
    op.sign_in("ana@acme.example.com")
    tc = TenantClient(app, tenant)
    back = go_to_provider(tc, provider_id)
    with tc.client.session_transaction(base_url=tc.base_url) as session:
        flows = session["sso_flows"]
        for flow in flows.values():
            flow["code_verifier"] = "x" * 64
        session["sso_flows"] = flows

    response = tc.get(back)
    assert response.status_code == 400
    assert "refused to complete the sign-in (invalid_grant)" in response.get_data(as_text=True)
    assert signed_in_as(tc) is None


def test_provider_denial_is_shown(app, tenant, op):
    provider_id = make_provider(app, tenant, op)
    op.sign_in(None)  # nobody at the provider: it answers access_denied
    tc = TenantClient(app, tenant)
    response = sso_login(tc, provider_id)
    assert response.status_code == 400
    assert "did not sign you in" in response.get_data(as_text=True)


def test_wrong_client_secret_gives_a_readable_error(app, tenant, op):
    add_user(app, tenant, email="ana@acme.example.com")
    provider_id = make_provider(app, tenant, op)
    op.clients["trellis-acme"].client_secret = "rotated at the provider"
    op.add_user("ana@acme.example.com")
    op.sign_in("ana@acme.example.com")
    response = sso_login(TenantClient(app, tenant), provider_id)
    assert response.status_code == 400
    assert "check the client ID and secret" in response.get_data(as_text=True)


def test_id_token_signed_with_a_foreign_key_is_refused(app, tenant, op):
    add_user(app, tenant, email="ana@acme.example.com")
    provider_id = make_provider(app, tenant, op)
    op.sign_with_foreign_key = True
    op.add_user("ana@acme.example.com")
    op.sign_in("ana@acme.example.com")
    tc = TenantClient(app, tenant)
    response = sso_login(tc, provider_id)
    assert response.status_code == 400
    assert "did not pass our checks" in response.get_data(as_text=True)
    assert signed_in_as(tc) is None


@pytest.mark.parametrize(
    "overrides",
    [
        {"iss": "http://evil.example.com"},
        {"aud": ["someone-else"]},
        {"aud": ["someone-else"], "azp": "trellis-acme"},
        {"exp": 1_000_000_000},
        {"nonce": "replayed"},
    ],
    ids=["iss", "aud", "aud-with-azp", "exp", "nonce"],
)
def test_id_token_with_wrong_claims_is_refused(app, tenant, op, overrides):
    add_user(app, tenant, email="ana@acme.example.com")
    provider_id = make_provider(app, tenant, op)
    op.id_token_overrides = overrides
    op.add_user("ana@acme.example.com")
    op.sign_in("ana@acme.example.com")
    tc = TenantClient(app, tenant)
    response = sso_login(tc, provider_id)
    assert response.status_code == 400
    assert "did not pass our checks" in response.get_data(as_text=True)
    assert signed_in_as(tc) is None


def test_issuer_mismatch_in_discovery_is_refused(app, tenant, op):
    provider_id = make_provider(app, tenant, op)
    op.metadata_overrides = {"issuer": "https://elsewhere.example.com"}
    response = TenantClient(app, tenant).get(f"/auth/sso/{provider_id}/start")
    assert response.status_code == 400
    assert "enter its issuer URL exactly" in response.get_data(as_text=True)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_provider_down_gives_a_readable_error(app, tenant, op):
    provider_id = make_provider(app, tenant, op, issuer=f"http://127.0.0.1:{_closed_port()}")
    response = TenantClient(app, tenant).get(f"/auth/sso/{provider_id}/start")
    assert response.status_code == 400
    assert "could not reach Acme ID" in response.get_data(as_text=True)


def test_provider_going_down_before_the_callback(app, tenant, op):
    add_user(app, tenant, email="ana@acme.example.com")
    provider_id = make_provider(app, tenant, op)
    op.add_user("ana@acme.example.com")
    op.sign_in("ana@acme.example.com")
    tc = TenantClient(app, tenant)
    back = go_to_provider(tc, provider_id)
    with app.app_context(), tenant_scope(tenant["id"]):
        provider = db.session.get(SsoProvider, (tenant["id"], provider_id))
        provider.issuer = f"http://127.0.0.1:{_closed_port()}"
        db.session.commit()
    response = tc.get(back)
    assert response.status_code == 400
    assert signed_in_as(tc) is None


@pytest.mark.parametrize(
    ("issuer", "message"),
    [
        ("http://{host}", "does not use https"),
        ("https://{host}", "is on a private network"),
        ("https://localhost", "is on a private network"),
    ],
)
def test_private_or_plain_http_issuers_are_refused_outside_development(
    app, tenant, op, monkeypatch, issuer, message
):
    """Admins type the issuer: Trellis must not become a way into the internal network."""
    host = urlsplit(op.issuer).netloc
    provider_id = make_provider(app, tenant, op, issuer=issuer.format(host=host))
    monkeypatch.setitem(app.config, sso.ALLOW_PRIVATE_ISSUERS, False)
    response = TenantClient(app, tenant).get(f"/auth/sso/{provider_id}/start")
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


# Provider ids ---------------------------------------------------------------------------


@pytest.mark.parametrize("step", ["start", "callback"])
def test_unknown_or_malformed_provider_id_is_404(app, tenant, op, step):
    make_provider(app, tenant, op)
    tc = TenantClient(app, tenant)
    assert tc.get(f"/auth/sso/{uuid.uuid4()}/{step}").status_code == 404
    assert tc.get(f"/auth/sso/not-an-id/{step}").status_code == 404
    assert tc.get(f"/auth/sso/..%2f..%2fadmin/{step}").status_code == 404


@pytest.mark.parametrize("step", ["start", "callback"])
def test_provider_of_another_tenant_is_404(app, tenant, other_tenant, op, step):
    foreign = make_provider(app, other_tenant, op)
    assert TenantClient(app, tenant).get(f"/auth/sso/{foreign}/{step}").status_code == 404
    # It works on its own tenant's host.
    if step == "start":
        assert TenantClient(app, other_tenant).get(f"/auth/sso/{foreign}/start").status_code == 303


def test_disabled_provider_is_404(app, tenant, op):
    provider_id = make_provider(app, tenant, op, enabled=False)
    assert TenantClient(app, tenant).get(f"/auth/sso/{provider_id}/start").status_code == 404


def test_sso_pages_do_not_exist_on_the_base_domain(app, tenant, op):
    provider_id = make_provider(app, tenant, op)
    client = app.test_client()
    response = client.get(f"/auth/sso/{provider_id}/start", base_url="http://localhost")
    assert response.status_code == 404


# The admin page ---------------------------------------------------------------------------


def _form(op: OidcProvider, **overrides) -> dict:
    data = {
        "name": "Acme ID",
        "issuer": op.issuer,
        "client_id": "trellis-acme",
        "client_secret": SECRET,
        "default_role": "member",
        "enabled": "y",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_admin_configures_a_provider_then_people_sign_in_with_it(app, tenant, client, op):
    page = client.get("/admin/sso/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    provider_id = re.search(r'name="provider_id" value="([^"]+)"', html).group(1)
    redirect_uri = f"http://acme.localhost/auth/sso/{provider_id}/callback"
    assert redirect_uri in html  # shown before saving, to register at the provider

    saved = client.post("/admin/sso/", data=_form(op, provider_id=provider_id))
    assert saved.status_code == 303, saved.get_data(as_text=True)
    listing = client.get("/admin/sso/").get_data(as_text=True)
    assert "Acme ID" in listing and redirect_uri in listing
    assert SECRET not in listing

    op.add_client("trellis-acme", SECRET, redirect_uris=[redirect_uri])
    add_user(app, tenant, email="ana@acme.example.com", name="Ana Lima")
    op.add_user("ana@acme.example.com")
    op.sign_in("ana@acme.example.com")
    tc = TenantClient(app, tenant)
    assert "Sign in with Acme ID" in tc.get("/login").get_data(as_text=True)
    assert sso_login(tc, provider_id).status_code == 303
    assert signed_in_as(tc) == "Ana Lima"


def test_admin_page_without_a_provider_id_makes_one(app, tenant, client, op):
    assert client.post("/admin/sso/", data=_form(op)).status_code == 303
    assert provider_count(app) == 1


def test_client_secret_is_stored_encrypted(app, tenant, client, op, owner_engine):
    assert client.post("/admin/sso/", data=_form(op)).status_code == 303
    with owner_engine.connect() as connection:
        (stored,) = connection.exec_driver_sql(
            "SELECT client_secret_encrypted FROM sso_providers"
        ).one()
    assert SECRET not in stored and stored.startswith("gAAAA")  # a Fernet token
    with app.app_context():
        assert sso.decrypt_secret(stored) == SECRET
        # A different SECRET_KEY cannot read it.
        app.config["SECRET_KEY"], key = "another key " * 4, app.config["SECRET_KEY"]
        try:
            with pytest.raises(sso.SsoFailed):
                sso.decrypt_secret(stored)
        finally:
            app.config["SECRET_KEY"] = key


def test_edit_keeps_the_secret_when_left_blank(app, tenant, client, op):
    provider_id = make_provider(app, tenant, op)
    with app.app_context(), tenant_scope(tenant["id"]):
        before = db.session.get(SsoProvider, (tenant["id"], provider_id)).client_secret_encrypted

    page = client.get(f"/admin/sso/{provider_id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'value="Acme ID"' in html and SECRET not in html and before not in html

    saved = client.post(
        f"/admin/sso/{provider_id}",
        data=_form(op, name="Acme Login", client_secret="", enabled=None, allow_signup="y"),
    )
    assert saved.status_code == 303
    with app.app_context(), tenant_scope(tenant["id"]):
        provider = db.session.get(SsoProvider, (tenant["id"], provider_id))
        assert provider.name == "Acme Login" and provider.client_secret_encrypted == before
        assert provider.enabled is False and provider.allow_signup is True

    assert client.post(f"/admin/sso/{provider_id}", data=_form(op, client_secret="new secret"))
    with app.app_context(), tenant_scope(tenant["id"]):
        provider = db.session.get(SsoProvider, (tenant["id"], provider_id))
        assert sso.decrypt_secret(provider.client_secret_encrypted) == "new secret"


def test_admin_removes_a_provider(app, tenant, client, op):
    provider_id = make_provider(app, tenant, op)
    assert client.post(f"/admin/sso/{provider_id}/delete").status_code == 303
    assert provider_count(app) == 0
    assert TenantClient(app, tenant).get(f"/auth/sso/{provider_id}/start").status_code == 404


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"name": ""}, "Enter a label."),
        ({"name": "x" * 101}, "at most 100 characters"),
        ({"issuer": ""}, "Enter the issuer URL."),
        ({"issuer": "not a url"}, "Enter a URL"),
        ({"issuer": "ftp://idp.example.com"}, "Enter a URL"),
        ({"issuer": "https://idp.example.com/?tenant=1"}, "has no ? or # part"),
        ({"client_id": ""}, "Enter the client ID."),
        ({"client_id": "c" * 501}, "at most 500 characters"),
        ({"client_secret": ""}, "Enter the client secret."),
        ({"client_secret": "s" * 1001}, "at most 1000 characters"),
        ({"default_role": "owner"}, "Not a valid choice"),
        ({"provider_id": "not-an-id"}, "Reload the page"),
    ],
)
def test_bad_input_is_422_and_writes_nothing(app, tenant, client, op, overrides, message):
    response = client.post("/admin/sso/", data=_form(op, **overrides))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert provider_count(app) == 0


def test_plain_http_issuer_is_refused_outside_development(app, tenant, client, op, monkeypatch):
    monkeypatch.setitem(app.config, sso.ALLOW_PRIVATE_ISSUERS, False)
    response = client.post("/admin/sso/", data=_form(op, issuer="http://idp.example.com"))
    assert response.status_code == 422
    assert "must start with https://" in response.get_data(as_text=True)
    assert provider_count(app) == 0


def test_bad_edit_is_422_and_changes_nothing(app, tenant, client, op):
    provider_id = make_provider(app, tenant, op)
    response = client.post(
        f"/admin/sso/{provider_id}", data=_form(op, name="Renamed", issuer="nope")
    )
    assert response.status_code == 422
    with app.app_context(), tenant_scope(tenant["id"]):
        assert db.session.get(SsoProvider, (tenant["id"], provider_id)).name == "Acme ID"


def test_saving_the_same_new_provider_twice_is_refused(app, tenant, client, op):
    provider_id = str(uuid.uuid4())
    assert client.post("/admin/sso/", data=_form(op, provider_id=provider_id)).status_code == 303
    again = client.post("/admin/sso/", data=_form(op, provider_id=provider_id))
    assert again.status_code == 422
    assert provider_count(app) == 1


def test_forms_need_a_csrf_token(app, tenant, client, op, monkeypatch):
    provider_id = make_provider(app, tenant, op)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    assert client.post("/admin/sso/", data=_form(op)).status_code == 400
    assert client.post(f"/admin/sso/{provider_id}", data=_form(op)).status_code == 400
    assert client.post(f"/admin/sso/{provider_id}/delete").status_code == 400
    assert provider_count(app) == 1


def test_non_admins_get_403(app, tenant, op, login_as):
    provider_id = make_provider(app, tenant, op)
    add_user(app, tenant, email="mo@acme.example.com", role="manager", password="manager pw 12")
    manager = login_as(tenant, "mo@acme.example.com", "manager pw 12")
    assert manager.get("/admin/sso/").status_code == 403
    assert manager.post("/admin/sso/", data=_form(op)).status_code == 403
    assert manager.get(f"/admin/sso/{provider_id}").status_code == 403
    assert manager.post(f"/admin/sso/{provider_id}", data=_form(op, name="Mine")).status_code == 403
    assert manager.post(f"/admin/sso/{provider_id}/delete").status_code == 403
    assert provider_count(app) == 1
    anonymous = TenantClient(app, tenant).get("/admin/sso/")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]


def test_admin_cannot_see_or_change_another_tenants_provider(app, tenant, other_tenant, client, op):
    foreign = make_provider(app, other_tenant, op, name="Globex ID")
    assert "Globex ID" not in client.get("/admin/sso/").get_data(as_text=True)
    assert client.get(f"/admin/sso/{foreign}").status_code == 404
    assert client.post(f"/admin/sso/{foreign}", data=_form(op)).status_code == 404
    assert client.post(f"/admin/sso/{foreign}/delete").status_code == 404
    assert provider_count(app) == 1
