"""Find my workspace (/find on the base host): the workspaces of an address are e-mailed to
it, the page says the same whether or not the address has any, and it is throttled per
client address and per e-mail address."""

from __future__ import annotations

import uuid

import pytest

from saas.db import db
from tests.conftest import add_user, make_tenant

BASE = {"base_url": "http://localhost"}


def _ip() -> dict:
    """A client address of its own, so no other test's requests count against it."""
    return {"environ_base": {"REMOTE_ADDR": f"198.51.100.{uuid.uuid4().int % 250 + 1}"}}


def _ask(app, email: str, **environ):
    return app.test_client().post("/find", data={"email": email}, **BASE, **(environ or _ip()))


def test_the_base_hosts_sign_in_page_and_the_landing_page_link_to_it(app):
    client = app.test_client()
    for path in ("/login", "/"):
        assert 'href="/find"' in client.get(path, **BASE).get_data(as_text=True), path
    page = client.get("/find", **BASE)
    assert page.status_code == 200 and "Find your workspace" in page.get_data(as_text=True)


def test_each_workspace_of_the_address_is_mailed_its_sign_in_link(app, mail):
    acme = make_tenant(app, "acme", name="Acme Corp", email="ann@shared.com")
    globex = make_tenant(app, "globex", name="Globex Inc")
    add_user(app, globex, email="Ann@Shared.com", role="member")
    make_tenant(app, "initech", name="Initech")  # Ann is not there

    answer = _ask(app, "  ANN@shared.com ")

    assert answer.status_code == 200
    assert "If <strong>ann@shared.com</strong> belongs to a Trellis workspace" in answer.get_data(
        as_text=True
    )
    assert [m["to"] for m in mail] == ["ann@shared.com", "ann@shared.com"]
    bodies = sorted(m["body"] for m in mail)
    assert "Acme Corp" in bodies[0] and f"http://{acme['slug']}.localhost/login" in bodies[0]
    assert "Globex Inc" in bodies[1] and "http://globex.localhost/login" in bodies[1]
    assert not any("Initech" in body for body in bodies)
    # No workspace's message names another one.
    assert "Globex" not in bodies[0] and "Acme" not in bodies[1]


def test_an_unknown_address_gets_the_same_page_and_no_mail(app, mail):
    make_tenant(app, "acme", email="ann@shared.com")
    known = _ask(app, "ann@shared.com").get_data(as_text=True)
    mail.clear()

    unknown = _ask(app, "nobody@shared.com")

    assert unknown.status_code == 200
    assert unknown.get_data(as_text=True) == known.replace("ann@shared.com", "nobody@shared.com")
    assert mail == []


def test_deactivated_users_are_not_told_and_invitees_are_pointed_to_their_invitation(app, mail):
    from saas.auth import services as accounts
    from saas.auth.models import User
    from tenants.scoping import tenant_scope

    acme = make_tenant(app, "acme", name="Acme Corp")
    globex = make_tenant(app, "globex", name="Globex Inc")
    left = add_user(app, acme, email="bob@shared.com")
    with app.app_context(), tenant_scope(acme["id"]):
        admin = db.session.get(User, (acme["id"], acme["admin_id"]))
        accounts.deactivate_user(user=db.session.get(User, (acme["id"], left)), by=admin)
        db.session.commit()
    with app.app_context(), tenant_scope(globex["id"]):
        accounts.create_user(email="bob@shared.com", name="Bob", role="member")
        db.session.commit()
    mail.clear()

    _ask(app, "bob@shared.com")

    assert len(mail) == 1
    assert "invited to Globex Inc" in mail[0]["body"] and "invitation e-mail" in mail[0]["body"]


def test_a_malformed_address_is_refused_with_the_reason(app, mail):
    answer = _ask(app, "ann@shop.test")
    assert answer.status_code == 422
    assert ".test is reserved for testing" in answer.get_data(as_text=True)
    assert mail == []


def test_the_page_exists_only_on_the_base_host(app, tenant):
    assert app.test_client().get("/find", base_url=tenant["host"]).status_code == 404


@pytest.mark.parametrize("limit", ["ip", "email"])
def test_requests_are_throttled_per_client_and_per_address(app, mail, monkeypatch, limit):
    monkeypatch.setitem(app.config, "FIND_WORKSPACE_PER_IP_PER_HOUR", 3)
    monkeypatch.setitem(app.config, "FIND_WORKSPACE_PER_EMAIL_PER_HOUR", 2)
    make_tenant(app, "acme", email="ann@shared.com")
    same_ip = _ip()
    suffix = uuid.uuid4().hex[:8]
    if limit == "ip":  # three addresses from one network, then a fourth
        asks = [(f"a{n}{suffix}@shared.com", same_ip) for n in range(4)]
    else:  # one address from three networks (it has no workspace: counted all the same)
        asks = [(f"nobody{suffix}@shared.com", _ip()) for _ in range(3)]
    answers = [_ask(app, email, **environ) for email, environ in asks]

    assert [a.status_code for a in answers[:-1]] == [200] * (len(asks) - 1)
    refused = answers[-1]
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 3600
    text = refused.get_data(as_text=True)
    assert "Try again in about" in text
    expected = "from your network" if limit == "ip" else "already asked for several times"
    assert expected in text
    # Another network may still ask for an address that is not held back.
    assert _ask(app, "ann@shared.com").status_code == 200
