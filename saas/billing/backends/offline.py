"""The offline backend: the same subscription life cycle with no payment provider.

It is the embedded default: a workspace can start a paid plan, change seats and plans,
cancel and resume, and the operator can simulate a failed payment (``trellis billing
simulate``), so the whole flow can be tried on a laptop. The "provider side" is the
account's own mirror columns and the ``billing_invoices`` table; no money moves.
"""

from __future__ import annotations

import calendar
import datetime as dt
import uuid

from sqlalchemy import func, select

from saas import clock
from saas.billing.backends import (
    CheckoutStart,
    InvoiceState,
    SubscriptionState,
    UpcomingInvoice,
)
from saas.billing.models import BillingAccount, BillingInvoice
from saas.billing.plans import get_plan
from saas.db import db
from saas.ids import new_id

OFFLINE_CARD = "Offline test card •••• 4242"


def add_interval(when: dt.datetime, interval: str) -> dt.datetime:
    """One billing period later: the same day next month (or year), clamped to the month's end."""
    months = 12 if interval == "year" else 1
    month_index = when.month - 1 + months
    year, month = when.year + month_index // 12, month_index % 12 + 1
    day = min(when.day, calendar.monthrange(year, month)[1])
    return when.replace(year=year, month=month, day=day)


class OfflineBackend:
    name = "offline"

    def __init__(self, config: dict) -> None:
        self.config = config

    def min_update_interval(self) -> dt.timedelta:
        return dt.timedelta(0)  # no provider to protect from bursts

    # The provider's view of the subscription is the account's mirror.

    def _state(self, account: BillingAccount, **changes) -> SubscriptionState:
        values = {
            "ref": account.subscription_ref,
            "customer_ref": account.customer_ref,
            "item_ref": account.subscription_item_ref,
            "status": account.provider_status,
            "plan": account.plan,
            "interval": account.interval,
            "quantity": account.seats_paid,
            "unit_amount": account.unit_amount,
            "currency": account.currency,
            "current_period_end": account.current_period_end,
            "trial_end": account.trial_ends_at if account.provider_status == "trialing" else None,
            "cancel_at_period_end": account.cancel_at_period_end,
            "past_due_since": account.past_due_since,
        }
        values.update(changes)
        return SubscriptionState(**values)

    def _issue_invoice(
        self, account: BillingAccount, *, amount: int, paid: bool, period_end: dt.datetime | None
    ) -> BillingInvoice:
        count = db.session.scalar(select(func.count()).select_from(BillingInvoice)) or 0
        invoice = BillingInvoice(
            invoice_ref=f"offin_{new_id().hex}",
            number=f"OFF-{count + 1:04d}",
            status="paid" if paid or amount == 0 else "open",
            amount_due=amount,
            amount_paid=amount if paid or amount == 0 else 0,
            currency=account.currency or "usd",
            issued_at=clock.now(),
            period_end=period_end,
        )
        db.session.add(invoice)
        db.session.flush()
        return invoice

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
    ) -> CheckoutStart:
        now = clock.now()
        price = get_plan(plan).price(interval)
        in_trial = account.trial_ends_at is not None and account.trial_ends_at > now
        period_end = account.trial_ends_at if in_trial else add_interval(now, interval)
        suffix = uuid.uuid4().hex[:12]
        state = SubscriptionState(
            ref=f"offsub_{suffix}",
            customer_ref=account.customer_ref or f"offcus_{account.for_tenant.hex}",
            item_ref=f"offsi_{suffix}",
            status="trialing" if in_trial else "active",
            plan=plan,
            interval=interval,
            quantity=quantity,
            unit_amount=price,
            currency="usd",
            current_period_end=period_end,
            trial_end=account.trial_ends_at if in_trial else None,
            cancel_at_period_end=False,
        )
        self._issue_invoice(
            account, amount=0 if in_trial else price * quantity, paid=True, period_end=period_end
        )
        account.payment_method = OFFLINE_CARD
        return CheckoutStart(
            url=success_url.replace("{CHECKOUT_SESSION_ID}", "offline"), state=state
        )

    def checkout_subscription(self, account, session_ref: str) -> SubscriptionState | None:
        return None  # the offline checkout completes at once

    def portal_url(self, account, *, return_url: str, request_key: str) -> str | None:
        return None

    def retrieve_subscription(self, account, ref: str) -> SubscriptionState | None:
        if not ref or ref != account.subscription_ref:
            return None
        return self._state(account)

    def find_subscription(self, account) -> SubscriptionState | None:
        return self._state(account) if account.subscription_ref else None

    def update_quantity(self, account, quantity: int, *, idempotency_key: str):
        return self._state(account, quantity=quantity)

    def change_price(self, account, *, plan: str, interval: str, idempotency_key: str):
        return self._state(
            account, plan=plan, interval=interval, unit_amount=get_plan(plan).price(interval)
        )

    def set_cancel_at_period_end(self, account, cancel: bool, *, idempotency_key: str):
        return self._state(account, cancel_at_period_end=cancel)

    def retrieve_invoice(self, account, ref: str) -> InvoiceState | None:
        return None  # offline invoices are written directly, never fetched

    def list_invoices(self, account) -> list[InvoiceState]:
        return []

    def upcoming_invoice(self, account) -> UpcomingInvoice | None:
        if account.cancel_at_period_end or not account.unit_amount:
            return None
        return UpcomingInvoice(
            amount=account.unit_amount * account.seats_paid,
            currency=account.currency,
            at=account.current_period_end,
        )

    def payment_method(self, account) -> str | None:
        return account.payment_method

    # What a payment provider does on its own, triggered by reconciliation or the operator.

    def renew_if_due(self, account) -> SubscriptionState | None:
        """At the end of a period: cancel (if asked), or invoice the next period."""
        now = clock.now()
        if account.provider_status not in ("trialing", "active"):
            return None
        if account.current_period_end is None or account.current_period_end > now:
            return None
        if account.cancel_at_period_end:
            return self._state(account, status="canceled")
        period_end = add_interval(account.current_period_end, account.interval)
        self._issue_invoice(
            account,
            amount=(account.unit_amount or 0) * account.seats_paid,
            paid=True,
            period_end=period_end,
        )
        return self._state(account, status="active", current_period_end=period_end, trial_end=None)

    def fail_payment(self, account, *, since: dt.datetime | None = None) -> SubscriptionState:
        """Simulate a renewal whose charge is declined."""
        since = since or clock.now()
        invoice = self._issue_invoice(
            account,
            amount=(account.unit_amount or 0) * max(account.seats_paid, 1),
            paid=False,
            period_end=account.current_period_end,
        )
        invoice.issued_at = since
        return self._state(account, status="past_due", past_due_since=since, trial_end=None)

    def pay_open_invoices(self, account) -> SubscriptionState | None:
        """The admin pays what is due (the offline stand-in for updating a card)."""
        open_invoices = db.session.scalars(
            select(BillingInvoice).where(BillingInvoice.status == "open")
        ).all()
        for invoice in open_invoices:
            invoice.status = "paid"
            invoice.amount_paid = invoice.amount_due
        account.payment_method = OFFLINE_CARD
        if account.provider_status in ("past_due", "unpaid", "incomplete"):
            return self._state(account, status="active", past_due_since=None)
        return None
