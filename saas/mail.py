"""Outgoing e-mail through an outbox.

Services call ``queue_email`` inside the request's transaction, so a message exists exactly
when the change that caused it is committed. After the commit the boundary calls
``deliver_outbox``, which hands pending messages to the configured backend:
``smtp`` (production), ``console`` (development: printed) or ``memory`` (tests: kept in
``app.extensions['trellis_mail_sent']`` for assertions).
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
import sys
import uuid
from email.message import EmailMessage

from flask import current_app
from sqlalchemy import Index, Integer, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column

from saas import clock
from saas.db import UTCDateTime, db, utcnow
from saas.jobs import enqueue, tenant_job
from tenants.scoping import TenantScoped, require_tenant_id, tenant_scope

log = logging.getLogger(__name__)


class OutboxEmail(TenantScoped, db.Model):
    __tablename__ = "email_outbox"
    __table_args__ = (Index("ix_email_outbox_pending", "tenant_id", "status", "created_at"),)

    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


def queue_email(*, to: str, subject: str, body: str) -> OutboxEmail:
    """Add a message to the outbox of the current tenant (flushes, never commits)."""
    message = OutboxEmail(to_address=to, subject=subject, body=body)
    db.session.add(message)
    db.session.flush()
    tenant_id = require_tenant_id()
    enqueue(deliver_outbox_job, tenant_id, dedup_key=f"mail:{tenant_id}")
    return message


MAX_ATTEMPTS = 5


@tenant_job(timeout=120, retries=5)
def deliver_outbox_job(tenant_id) -> None:
    deliver_outbox(tenant_id)


def deliver_outbox(tenant_id: uuid.UUID | str) -> int:
    """Send the tenant's pending messages; commits per message. Returns how many were sent."""
    sent = 0
    with tenant_scope(uuid.UUID(str(tenant_id))):
        pending = db.session.scalars(
            select(OutboxEmail)
            .where(OutboxEmail.status == "pending")
            .order_by(OutboxEmail.created_at)
        ).all()
        for message in pending:
            message.attempts += 1
            try:
                _send(message)
            except (OSError, smtplib.SMTPException) as exc:
                log.warning("e-mail %s to tenant %s failed: %s", message.id, tenant_id, exc)
                message.last_error = str(exc)
                if message.attempts >= MAX_ATTEMPTS:
                    message.status = "failed"
            else:
                message.status = "sent"
                message.sent_at = clock.now()
                sent += 1
            db.session.commit()
    return sent


def _send(message: OutboxEmail) -> None:
    config = current_app.config
    backend = config["MAIL_BACKEND"]
    if backend == "memory":
        current_app.extensions.setdefault("trellis_mail_sent", []).append(
            {"to": message.to_address, "subject": message.subject, "body": message.body}
        )
    elif backend == "console":
        print(
            f"\n--- e-mail to {message.to_address}: {message.subject}\n{message.body}\n---",
            file=sys.stderr,
        )
    elif backend == "smtp":
        email = EmailMessage()
        email["From"] = config["MAIL_FROM"]
        email["To"] = message.to_address
        email["Subject"] = message.subject
        email["Message-ID"] = f"<{message.id}@trellis>"
        email.set_content(message.body)
        with smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=20) as smtp:
            if config["SMTP_STARTTLS"]:
                smtp.starttls()
            if config["SMTP_USERNAME"]:
                smtp.login(config["SMTP_USERNAME"], config["SMTP_PASSWORD"])
            smtp.send_message(email)
    else:
        raise RuntimeError(f"unknown MAIL_BACKEND {backend!r}")
