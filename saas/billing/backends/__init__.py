"""Billing backends: Stripe, or offline (the embedded default), chosen by ``BILLING_BACKEND``.

A backend speaks to the payment provider and answers in the provider-neutral shapes below;
the state machine that turns them into a tenant's status lives in ``saas.billing.services``
and is the same for both.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol

from flask import current_app

from saas.errors import UserError


class BillingUnavailable(UserError):
    """The payment provider did not answer or refused: nothing was changed here."""

    status = 503
    code = "billing_unavailable"


@dataclass(frozen=True)
class SubscriptionState:
    """A subscription as the provider reports it now."""

    ref: str
    customer_ref: str
    item_ref: str | None
    status: str  # the provider's: trialing, active, past_due, unpaid, canceled, ...
    plan: str | None  # our plan key, None when the price is not one of ours
    interval: str
    quantity: int
    unit_amount: int | None
    currency: str
    current_period_end: dt.datetime | None
    trial_end: dt.datetime | None
    cancel_at_period_end: bool
    # When the unpaid invoice that made it past due was issued (the grace period's start).
    past_due_since: dt.datetime | None = None


@dataclass(frozen=True)
class InvoiceState:
    ref: str
    customer_ref: str
    subscription_ref: str | None
    number: str | None
    status: str
    amount_due: int
    amount_paid: int
    currency: str
    issued_at: dt.datetime
    period_end: dt.datetime | None
    hosted_url: str | None
    pdf_url: str | None


@dataclass(frozen=True)
class CheckoutStart:
    """Where to send the admin to pay; ``state`` is set when it is already done (offline)."""

    url: str
    state: SubscriptionState | None = None


@dataclass(frozen=True)
class UpcomingInvoice:
    amount: int
    currency: str
    at: dt.datetime | None


class BillingBackend(Protocol):
    name: str

    def min_update_interval(self) -> dt.timedelta: ...

    def start_checkout(
        self,
        account,
        *,
        plan: str,
        interval: str,
        quantity: int,
        email: str,
        tenant_name: str,
        success_url: str,
        cancel_url: str,
        request_key: str,
    ) -> CheckoutStart: ...

    def checkout_subscription(self, account, session_ref: str) -> SubscriptionState | None: ...

    def portal_url(self, account, *, return_url: str, request_key: str) -> str | None: ...

    def retrieve_subscription(self, account, ref: str) -> SubscriptionState | None: ...

    def find_subscription(self, account) -> SubscriptionState | None: ...

    def update_quantity(
        self, account, quantity: int, *, idempotency_key: str
    ) -> SubscriptionState: ...

    def change_price(
        self, account, *, plan: str, interval: str, idempotency_key: str
    ) -> SubscriptionState: ...

    def set_cancel_at_period_end(
        self, account, cancel: bool, *, idempotency_key: str
    ) -> SubscriptionState: ...

    def retrieve_invoice(self, account, ref: str) -> InvoiceState | None: ...

    def list_invoices(self, account) -> list[InvoiceState]: ...

    def upcoming_invoice(self, account) -> UpcomingInvoice | None: ...

    def payment_method(self, account) -> str | None: ...


def get_backend() -> BillingBackend:
    """The configured backend, built once per app."""
    backend = current_app.extensions.get("trellis_billing_backend")
    if backend is None:
        name = current_app.config.get("BILLING_BACKEND", "offline")
        if name == "stripe":
            from saas.billing.backends.stripe import StripeBackend

            backend = StripeBackend(current_app.config)
        elif name == "offline":
            from saas.billing.backends.offline import OfflineBackend

            backend = OfflineBackend(current_app.config)
        else:
            raise RuntimeError(f"unknown BILLING_BACKEND {name!r} (use offline or stripe)")
        current_app.extensions["trellis_billing_backend"] = backend
    return backend
