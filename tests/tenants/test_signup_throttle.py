"""Sign-up is throttled per client address: at most SIGNUPS_PER_IP_PER_HOUR new workspaces
an hour, then a 429 form that says why and when to come back."""

from __future__ import annotations

import datetime as dt
import uuid

import time_machine
from sqlalchemy import func, select

from saas.db import db
from tenants.models import Tenant


def _form(slug: str) -> dict:
    return {
        "company": f"Company {slug}",
        "slug": slug,
        "name": "Ana Lima",
        "email": f"ana@{slug}.example.com",
        "password": "a long enough passphrase",
    }


def _count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Tenant))


def test_the_fourth_signup_from_one_address_in_an_hour_is_refused(app, monkeypatch):
    monkeypatch.setitem(app.config, "SIGNUPS_PER_IP_PER_HOUR", 3)
    # A fresh address of its own, so no other test's sign-ups count.
    ip = f"198.51.100.{uuid.uuid4().int % 250 + 1}"
    suffix = uuid.uuid4().hex[:6]
    client = app.test_client()
    post = {"base_url": "http://localhost", "environ_base": {"REMOTE_ADDR": ip}}
    # Frozen in the past, never the future (UUIDv7 ids carry the time).
    start = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(hours=3)
    with time_machine.travel(start, tick=False):
        # A refused form does not count: only created workspaces do.
        bad = client.post("/signup", data={**_form("x" + suffix), "slug": "www"}, **post)
        assert bad.status_code == 422
        for n in range(3):
            made = client.post("/signup", data=_form(f"s{n}{suffix}"), **post)
            assert made.status_code == 303, made.get_data(as_text=True)
        refused = client.post("/signup", data=_form(f"s3{suffix}"), **post)
        assert refused.status_code == 429
        text = refused.get_data(as_text=True)
        assert "3 workspaces were already created from your network in the last hour" in text
        assert "Nothing was created" in text and "Try again in about" in text
        assert 0 < int(refused.headers["Retry-After"]) <= 3600
        assert _count(app) == 3
        # Another address is not held back.
        other = client.post(
            "/signup",
            data=_form(f"o{suffix}"),
            base_url="http://localhost",
            environ_base={"REMOTE_ADDR": "203.0.113.9"},
        )
        assert other.status_code == 303
    # Two hours later the address may sign up again.
    with time_machine.travel(start + dt.timedelta(hours=2, minutes=1), tick=False):
        again = client.post("/signup", data=_form(f"s4{suffix}"), **post)
        assert again.status_code == 303, again.get_data(as_text=True)


def test_the_default_is_five_an_hour(app):
    from saas.config import load_config

    assert load_config()["SIGNUPS_PER_IP_PER_HOUR"] == 5
