"""E-mail goes through the outbox and reaches a real SMTP server."""

from __future__ import annotations

import socket

import pytest
from aiosmtpd.controller import Controller
from flask.cli import ScriptInfo
from sqlalchemy import select

from saas.app import create_app
from saas.db import db
from saas.mail import OutboxEmail, deliver_outbox, queue_email
from tenants.scoping import tenant_scope
from tests.conftest import TenantClient, test_config


class _Inbox:
    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.messages.append(envelope)
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server():
    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


@pytest.fixture
def smtp_app(database_urls, app, smtp_server):
    controller, _ = smtp_server
    application = create_app(
        test_config(
            *database_urls,
            MAIL_BACKEND="smtp",
            SMTP_HOST="127.0.0.1",
            SMTP_PORT=controller.port,
            MAIL_FROM="Trellis <no-reply@example.com>",
        )
    )
    yield application
    with application.app_context():
        db.engine.dispose()


def test_password_reset_mail_is_delivered_over_smtp(smtp_app, smtp_server, tenant):
    _, inbox = smtp_server
    response = TenantClient(smtp_app, tenant).post(
        "/password/forgot", data={"email": tenant["admin_email"]}
    )
    assert response.status_code == 303
    assert len(inbox.messages) == 1
    envelope = inbox.messages[0]
    assert envelope.rcpt_tos == [tenant["admin_email"]]
    text = envelope.content.decode()
    assert "Subject: Reset your Acme Corp password" in text
    assert "http://acme.localhost/password/reset/" in text
    with smtp_app.app_context(), tenant_scope(tenant["id"]):
        message = db.session.scalar(select(OutboxEmail))
        assert message.status == "sent" and message.sent_at is not None


def test_unreachable_smtp_keeps_the_message_for_a_later_try(database_urls, app, tenant):
    broken = create_app(
        test_config(
            *database_urls, MAIL_BACKEND="smtp", SMTP_HOST="127.0.0.1", SMTP_PORT=_free_port()
        )
    )
    with broken.app_context(), tenant_scope(tenant["id"]):
        queue_email(to="someone@example.com", subject="Hello", body="Hi")
        db.session.commit()
    with broken.app_context():
        assert deliver_outbox(tenant["id"]) == 0
        with tenant_scope(tenant["id"]):
            message = db.session.scalar(select(OutboxEmail))
            assert message.status == "pending" and message.attempts == 1
            assert message.last_error
        db.session.remove()
        db.engine.dispose()


def test_cli_delivers_pending_mail_of_every_tenant(app, tenant, other_tenant, mail):
    for t in (tenant, other_tenant):
        with app.app_context(), tenant_scope(t["id"]):
            queue_email(to=f"x@{t['slug']}.example.com", subject="Queued", body="Hi")
            db.session.commit()
    from saas.cli import mail_deliver

    result = mail_deliver.main(
        args=[], obj=ScriptInfo(create_app=lambda: app), standalone_mode=False
    )
    assert result is None
    assert sorted(m["to"] for m in mail) == ["x@acme.example.com", "x@globex.example.com"]
