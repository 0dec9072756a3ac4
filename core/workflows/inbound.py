"""Inbound webhooks: another system starts a workflow with the trigger "a call to its
address" by POSTing JSON to ``/hooks/workflows/<workflow id>/<token>`` on the workspace's
host.

The token is derived from the workflow's signing secret (rotating the secret changes the
address). A ``Trellis-Signature`` header, when sent, must be valid (HMAC-SHA256 of
``<t>.<body>`` with the signing secret, as the outbound webhooks sign); a
``Trellis-Delivery`` (or ``Idempotency-Key``) header makes a repeated delivery start no
second run. The body is capped at 64 KiB; its JSON is the run's ``payload`` (templates read
it as ``{{ payload.<key> }}``), and a ``record_id`` in it names the record the run works on.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid

from flask import Blueprint, abort, jsonify, request
from sqlalchemy import select

from core.workflows.engine import start_run
from core.workflows.models import Workflow
from core.workflows.triggers import INBOUND_TRIGGER
from core.workflows.webhooks import sign
from saas.db import db
from saas.extensions import csrf
from saas.i18n import _

bp = Blueprint("workflow_hooks", __name__)
MAX_BODY = 64 * 1024


def inbound_token(workflow: Workflow) -> str:
    digest = hmac.new(workflow.signing_secret.encode(), b"inbound", hashlib.sha256)
    return digest.hexdigest()[:40]


def _signature_ok(workflow: Workflow, header: str, body: bytes) -> bool:
    try:
        parts = dict(part.split("=", 1) for part in header.split(","))
        expected = sign(workflow.signing_secret, int(parts["t"]), body)
    except (ValueError, KeyError):
        return False
    return hmac.compare_digest(expected, header.strip())


@bp.post("/hooks/workflows/<workflow_id>/<token>")
@csrf.exempt  # the address's token (and the signature, when sent) authenticate the call
def receive(workflow_id: str, token: str):
    try:
        key = uuid.UUID(workflow_id)
    except ValueError:
        abort(404)
    workflow = db.session.scalar(select(Workflow).where(Workflow.id == key))
    if workflow is None or not hmac.compare_digest(inbound_token(workflow), token):
        abort(404)
    if workflow.trigger_type != INBOUND_TRIGGER or not workflow.active:
        abort(404)
    if (request.content_length or 0) > MAX_BODY:
        abort(413)
    body = request.get_data(cache=False)[: MAX_BODY + 1]
    if len(body) > MAX_BODY:
        abort(413)
    signature = request.headers.get("Trellis-Signature")
    if signature is not None and not _signature_ok(workflow, signature, body):
        return jsonify(error="bad_signature", message=_("The signature does not match.")), 401
    try:
        payload = json.loads(body or b"{}")
    except ValueError:
        return jsonify(error="bad_request", message=_("Send a JSON body.")), 400
    if not isinstance(payload, dict):
        return jsonify(error="bad_request", message=_("Send a JSON object.")), 400
    delivery = request.headers.get("Trellis-Delivery") or request.headers.get("Idempotency-Key")
    record_id = payload.get("record_id")
    try:
        record_id = uuid.UUID(str(record_id)) if record_id else None
    except ValueError:
        record_id = None
    run = start_run(
        workflow,
        trigger_event="inbound_webhook",
        record_id=record_id,
        data={"payload": payload, "delivery": delivery},
        dedup_key=f"workflows.inbound:{workflow.id}:{delivery[:100]}" if delivery else None,
    )
    if run is None:
        return jsonify(status="duplicate"), 200
    return jsonify(status="queued", run_id=str(run.id)), 202
