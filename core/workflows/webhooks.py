"""Outbound webhooks of workflows: a signed POST of the run's record, retried with back-off.

Each delivery is a row (``WebhookDelivery``) and a job. The job posts the payload with
``Trellis-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>" with the workflow's
signing secret>`` and ``Trellis-Delivery: <delivery id>`` (the receiver's idempotency key),
records the answer, and when the answer is not 2xx (or there is none) enqueues itself again
through the job outbox after 30 s, 1, 2, 4 and 8 minutes before giving up. The address is
checked before each attempt: public https only unless ``WEBHOOKS_ALLOW_PRIVATE`` (development).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import ipaddress
import json
import socket
import uuid
from urllib.parse import urlsplit

import requests
from flask import current_app

from core.workflows.models import WebhookDelivery, Workflow, WorkflowRun
from saas import clock
from saas.db import db
from saas.errors import ValidationFailed
from saas.i18n import _
from saas.jobs import enqueue, tenant_job

MAX_ATTEMPTS = 6
FIRST_RETRY = dt.timedelta(seconds=30)
TIMEOUT = (5, 10)  # connect, read (seconds)
MAX_RESPONSE = 64 * 1024
KEPT_RESPONSE = 2000


def _allow_private() -> bool:
    return bool(current_app.config.get("WEBHOOKS_ALLOW_PRIVATE"))


def clean_url(url, *, field: str = "url") -> str:
    """The URL to store: absolute http(s), https only in production."""
    url = (url or "").strip() if isinstance(url, str) else ""
    parts = urlsplit(url)
    allowed = ("https", "http") if _allow_private() else ("https",)
    if parts.scheme not in allowed or not parts.hostname or len(url) > 2000:
        raise ValidationFailed(_("Give the full https:// address of the webhook."), field=field)
    if parts.username or parts.password:
        raise ValidationFailed(
            _("Put no user name or password in the address; the payload is signed."), field=field
        )
    return url


def _check_address(url: str) -> None:
    """Refuse an address that resolves to a private, loopback, link-local, CGNAT, multicast or
    reserved address (IPv4-mapped IPv6 included), unless private addresses are allowed."""
    clean_url(url)
    if _allow_private():
        return
    parts = urlsplit(url)
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise ConnectionError(f"cannot resolve {parts.hostname}: {exc}") from None
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%")[0])
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
            address = address.ipv4_mapped
        if not address.is_global or address.is_multicast:
            raise ConnectionError(f"{parts.hostname} resolves to a non-public address")


def sign(secret: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={digest.hexdigest()}"


def queue_delivery(*, run: WorkflowRun, step: int, url: str, payload: dict) -> WebhookDelivery:
    """A delivery of ``payload`` and its job, in the run's transaction."""
    delivery = WebhookDelivery(run_id=run.id, step=step, url=url, payload=payload)
    db.session.add(delivery)
    db.session.flush()
    delivery.payload = {**payload, "delivery_id": str(delivery.id)}
    db.session.flush()
    enqueue(deliver_webhook_job, run.tenant_id, str(delivery.id))
    return delivery


@tenant_job(timeout=60, retries=0)
def deliver_webhook_job(tenant_id, delivery_id: str) -> None:
    """One attempt of a delivery (a job runs it, in the tenant's scope)."""
    delivery = db.session.get(WebhookDelivery, (uuid.UUID(str(tenant_id)), uuid.UUID(delivery_id)))
    if delivery is None or delivery.status != "pending":
        return  # delivered or given up already: a redelivered job does nothing
    run = db.session.get(WorkflowRun, (delivery.tenant_id, delivery.run_id))
    workflow = db.session.get(Workflow, (delivery.tenant_id, run.workflow_id))
    delivery.attempts += 1
    body = json.dumps(delivery.payload, default=str, sort_keys=True).encode()
    timestamp = int(clock.now().timestamp())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Trellis-Webhooks/1",
        "Trellis-Delivery": str(delivery.id),
        "Trellis-Event": str(delivery.payload.get("event", "")),
        "Trellis-Signature": sign(workflow.signing_secret, timestamp, body),
    }
    try:
        _check_address(delivery.url)
        with requests.post(
            delivery.url,
            data=body,
            headers=headers,
            timeout=TIMEOUT,
            allow_redirects=False,
            stream=True,
        ) as response:
            content = response.raw.read(MAX_RESPONSE + 1, decode_content=True)
            delivery.response_status = response.status_code
            delivery.response_body = content[:KEPT_RESPONSE].decode("utf-8", "replace")
            ok = 200 <= response.status_code < 300
            delivery.last_error = None if ok else f"HTTP {response.status_code}"
    except (requests.RequestException, ConnectionError, OSError, ValidationFailed) as exc:
        ok = False
        delivery.response_status = None
        delivery.response_body = None
        delivery.last_error = f"{type(exc).__name__}: {exc}"[:2000]
    if ok:
        delivery.status = "delivered"
        delivery.delivered_at = clock.now()
    elif delivery.attempts >= MAX_ATTEMPTS:
        delivery.status = "failed"
    else:
        delay = FIRST_RETRY * (2 ** (delivery.attempts - 1))
        enqueue(
            deliver_webhook_job,
            delivery.tenant_id,
            str(delivery.id),
            delay=delay,
            dedup_key=f"workflows.webhook:{delivery.id}:{delivery.attempts}",
        )
    db.session.flush()
