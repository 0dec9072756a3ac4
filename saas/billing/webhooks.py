"""Stripe webhooks: verify, record, then re-read what the event is about.

The view only verifies the signature (a bad or stale one is a 400); ``handle_stripe_event``
records the event id (a redelivery is a no-op) and dispatches on its type. Handlers never
trust the event's copy of an object: they read the subscription or invoice from Stripe
again, so events may arrive late, twice or in any order and the final state is the same.
"""

from __future__ import annotations

import contextlib
import json
import logging
import uuid

import stripe
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from saas.billing import services
from saas.billing.backends import get_backend
from saas.billing.models import BillingAccount, BillingEvent
from saas.db import db
from tenants.scoping import platform_scope, tenant_scope

log = logging.getLogger(__name__)

DEFAULT_TOLERANCE_SECONDS = 300


class InvalidWebhook(Exception):
    """The payload is not a Stripe event signed with our secret, recently."""


def verify_stripe_event(
    payload: bytes, signature: str, secret: str, *, tolerance: int = DEFAULT_TOLERANCE_SECONDS
) -> dict:
    """The event, if ``signature`` (the Stripe-Signature header) is valid and fresh."""
    try:
        text = payload.decode("utf-8")
        stripe.WebhookSignature.verify_header(text, signature or "", secret, tolerance)
        event = json.loads(text)
    except (UnicodeDecodeError, ValueError) as exc:
        raise InvalidWebhook("The payload is not JSON.") from exc
    except stripe.SignatureVerificationError as exc:
        raise InvalidWebhook(str(exc)) from exc
    if not isinstance(event, dict) or not event.get("id") or not event.get("type"):
        raise InvalidWebhook("The payload is not an event.")
    return event


def _record(event: dict) -> BillingEvent | None:
    """Record the event id; None if it was already recorded (a redelivery)."""
    row = BillingEvent(event_ref=str(event["id"])[:255], event_type=str(event["type"])[:100])
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        return None
    return row


def _object_id(value) -> str | None:
    if isinstance(value, dict):
        return value.get("id")
    return value if isinstance(value, str) else None


def _find_account(obj: dict) -> BillingAccount | None:
    """The account an event's object belongs to: by our tenant id (checkout), by
    subscription or by customer."""
    candidates = []
    tenant_ref = obj.get("client_reference_id") or (obj.get("metadata") or {}).get("tenant_id")
    if tenant_ref:
        with contextlib.suppress(ValueError):
            candidates.append(BillingAccount.for_tenant == uuid.UUID(str(tenant_ref)))
    kind = obj.get("object")
    if kind == "subscription" and obj.get("id"):
        candidates.append(BillingAccount.subscription_ref == obj["id"])
    customer = _object_id(obj.get("customer"))
    if customer:
        candidates.append(BillingAccount.customer_ref == customer)
    for condition in candidates:
        account = db.session.scalar(select(BillingAccount).where(condition))
        if account is not None:
            if customer and account.customer_ref and account.customer_ref != customer:
                continue  # metadata naming a tenant whose customer is another one
            return account
    return None


def handle_stripe_event(event: dict) -> str:
    """Apply a verified event; returns what happened (for the response and the logs).

    Only the lookup runs in the platform scope (the event arrives on the base domain and
    names a Stripe customer or subscription, not our tenant); the handler runs in the
    tenant's scope, as any of the tenant's own work does.
    """
    obj = (event.get("data") or {}).get("object") or {}
    with platform_scope("stripe webhook: record the event and find its tenant"):
        recorded = _record(event)
        if recorded is None:
            return "duplicate"
        account = _find_account(obj)
        if account is None:
            recorded.outcome = "unmatched"
            db.session.flush()
            return "unmatched"
        recorded.for_tenant = account.for_tenant
        handler = HANDLERS.get(event["type"])
        if handler is None:
            recorded.outcome = "ignored"
        db.session.flush()
    if handler is None:
        return "ignored"
    with tenant_scope(account.for_tenant):
        handler(account, obj)
        db.session.flush()
    return "handled"


def _apply_subscription(account: BillingAccount, ref: str | None):
    if not ref:
        return None
    backend = get_backend()
    state = backend.retrieve_subscription(account, ref)
    if state is not None:
        services.apply_subscription_state(account, state, actor=services.WEBHOOK_ACTOR)
    return state


def _checkout_completed(account: BillingAccount, session: dict) -> None:
    state = get_backend().checkout_subscription(account, session["id"])
    if state is not None:
        services.apply_subscription_state(account, state, actor=services.WEBHOOK_ACTOR)
        services.refresh_payment_method(account)


def _subscription_changed(account: BillingAccount, subscription: dict) -> None:
    _apply_subscription(account, subscription.get("id"))


def _trial_will_end(account: BillingAccount, subscription: dict) -> None:
    state = _apply_subscription(account, subscription.get("id"))
    if state is not None and state.status == "trialing":
        services.notify_trial_ending(account, state.trial_end)


def _invoice_changed(account: BillingAccount, invoice: dict) -> None:
    backend = get_backend()
    current = backend.retrieve_invoice(account, invoice.get("id"))
    if current is None:
        return
    services.record_invoice(current)
    state = _apply_subscription(account, current.subscription_ref)
    failed = current.status in ("open", "uncollectible") and current.amount_due > 0
    if failed and state is not None and state.status in ("past_due", "unpaid"):
        services.notify_payment_failed(account, current)


def _customer_changed(account: BillingAccount, customer: dict) -> None:
    services.refresh_payment_method(account)


HANDLERS = {
    "checkout.session.completed": _checkout_completed,
    "checkout.session.async_payment_succeeded": _checkout_completed,
    "customer.subscription.created": _subscription_changed,
    "customer.subscription.updated": _subscription_changed,
    "customer.subscription.deleted": _subscription_changed,
    "customer.subscription.paused": _subscription_changed,
    "customer.subscription.resumed": _subscription_changed,
    "customer.subscription.trial_will_end": _trial_will_end,
    "invoice.created": _invoice_changed,
    "invoice.finalized": _invoice_changed,
    "invoice.paid": _invoice_changed,
    "invoice.payment_succeeded": _invoice_changed,
    "invoice.payment_failed": _invoice_changed,
    "invoice.payment_action_required": _invoice_changed,
    "invoice.voided": _invoice_changed,
    "invoice.marked_uncollectible": _invoice_changed,
    "customer.updated": _customer_changed,
}
