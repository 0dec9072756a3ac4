"""Billing services: plans, seats and the subscription state machine.

Every surface (the billing page, the API, webhooks, jobs, the CLI) calls these; they flush,
never commit. Both backends feed the same state machine: a backend reports the
subscription as it is now (``SubscriptionState``) and ``apply_subscription_state`` derives
the tenant's status from it and the clock:

    trialing -> active -> past_due -(grace period)-> read_only -> (paid) active
                      \\-> canceled (back on Free)

Billable seats are the active users with an editing role; viewers are free. The
subscription quantity follows them through ``sync_seats``, which sends at most one update
per subscription per ``BILLING_SEAT_SYNC_SECONDS`` with an idempotency key.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from dataclasses import dataclass

from flask import current_app, g, has_request_context
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from saas import clock, security_log
from saas.auth.models import User
from saas.auth.roles import ADMIN, EDITING_ROLES
from saas.billing.backends import (
    BillingUnavailable,
    InvoiceState,
    SubscriptionState,
    UpcomingInvoice,
    get_backend,
)
from saas.billing.models import (
    ACTIVE,
    CANCELED,
    PAST_DUE,
    READ_ONLY,
    TRIALING,
    BillingAccount,
    BillingInvoice,
)
from saas.billing.plans import (
    INTERVAL_LABELS,
    Plan,
    all_plans,
    format_money,
    free_plan,
    get_paid_plan,
    get_plan,
)
from saas.db import db
from saas.errors import Conflict, UserError, ValidationFailed
from saas.i18n import _, _l, in_language_of
from saas.jobs import enqueue, record_effect
from saas.mail import queue_email
from tenants.models import Tenant
from tenants.scoping import require_tenant_id

log = logging.getLogger(__name__)

ENDED = ("canceled", "incomplete_expired")
PAST_DUE_LIKE = ("past_due", "incomplete")
BLOCKED = ("unpaid", "paused")
READ_ONLY_REASONS = {
    "payment_failed": _l("a payment failed and the grace period is over"),
    "trial_ended": _l("the free trial ended with more users than the Free plan includes"),
    "canceled": _l("the subscription ended with more users than the Free plan includes"),
}


class WorkspaceReadOnly(UserError):
    status = 402
    code = "read_only"


class SeatLimitReached(UserError):
    status = 402
    code = "seat_limit"


class ExtraSeatNeedsConfirmation(UserError):
    """Adding this user adds a paid seat: the admin must say yes to the price first."""

    status = 409
    code = "seat_confirmation_required"

    def __init__(self, quote: SeatQuote) -> None:
        super().__init__(quote.message)
        self.quote = quote


# Settings ----------------------------------------------------------------------------------


def _days(name: str, default: int) -> dt.timedelta:
    return dt.timedelta(days=int(current_app.config.get(name, default)))


# Who the security log names for what a payment provider's webhook changed.
WEBHOOK_ACTOR = "payment provider (webhook)"


def grace_period() -> dt.timedelta:
    return _days("BILLING_GRACE_DAYS", 7)


def trial_length() -> dt.timedelta:
    return _days("BILLING_TRIAL_DAYS", 14)


def trial_plan() -> str:
    return current_app.config.get("BILLING_TRIAL_PLAN", "pro")


# The account -------------------------------------------------------------------------------


def signup_plan(plan: str | None) -> str:
    """The plan a new workspace starts on: ``plan`` checked, or the configured trial plan."""
    return get_plan(plan or trial_plan()).key


def start_trial(tenant: Tenant, *, plan: str | None = None) -> BillingAccount:
    """Open a new tenant's billing: a trial of a paid plan without a card, or Free.

    Called by sign-up inside the new tenant's scope; no provider is called (the customer
    is created at the first checkout), so sign-up stays a few INSERTs.
    """
    plan = plan or trial_plan()
    chosen = get_plan(plan)
    now = clock.now()
    account = BillingAccount(
        for_tenant=tenant.id,
        plan=chosen.key,
        interval="month",
        status=TRIALING if chosen.is_paid else ACTIVE,
        trial_ends_at=now + trial_length() if chosen.is_paid else None,
        seats_used=count_billable_seats(),
    )
    db.session.add(account)
    tenant.plan = chosen.key
    db.session.flush()
    return account


def get_account(tenant_id: uuid.UUID | None = None, *, for_update: bool = False):
    """The tenant's billing account (the current scope's by default).

    A tenant created before billing existed gets a trial from today.
    """
    tenant_id = tenant_id or require_tenant_id()
    if not for_update:
        account = _remembered_account(tenant_id)
        if account is not None:
            return account
    query = select(BillingAccount).where(BillingAccount.for_tenant == tenant_id)
    if for_update:
        query = query.with_for_update()
    account = db.session.scalar(query)
    if account is None:
        tenant = db.session.get(Tenant, tenant_id)
        plan = trial_plan() if tenant.plan == "free" else tenant.plan
        try:
            with db.session.begin_nested():
                account = start_trial(tenant, plan=plan)
        except IntegrityError:  # another request opened it at the same moment
            account = db.session.scalar(query)
    if account is not None:
        remember_account(account)
    return account


def remember_account(account: BillingAccount) -> None:
    """Keep the request's billing account at hand: the read-only wall, the plan's features
    and the views all ask for it, and the API's token lookup already loaded it."""
    if has_request_context():
        g.trellis_billing_account = (account.for_tenant, account)


def _remembered_account(tenant_id: uuid.UUID) -> BillingAccount | None:
    remembered = g.get("trellis_billing_account") if has_request_context() else None
    if remembered is None or remembered[0] != tenant_id or remembered[1] not in db.session:
        return None
    return remembered[1]


def count_billable_seats() -> int:
    """Active users with an editing role in the current tenant (invited ones included)."""
    return db.session.scalar(
        select(func.count()).select_from(User).where(User.is_active, User.role.in_(EDITING_ROLES))
    )


def has_live_subscription(account: BillingAccount) -> bool:
    return bool(account.subscription_ref) and account.provider_status not in (None, *ENDED)


@dataclass(frozen=True)
class BillingSummary:
    """What a tenant's billing is now: the API answer and what the pages show."""

    plan: Plan
    interval: str
    status: str
    read_only_reason: str | None
    seats_used: int
    seats_paid: int
    seat_limit: int | None
    trial_ends_at: dt.datetime | None
    current_period_end: dt.datetime | None
    grace_ends_at: dt.datetime | None
    cancel_at_period_end: bool
    has_subscription: bool
    unit_amount: int | None
    currency: str
    payment_method: str | None
    provider: str | None

    @property
    def is_writable(self) -> bool:
        return self.status != READ_ONLY

    @property
    def interval_label(self) -> str:
        return str(INTERVAL_LABELS.get(self.interval, self.interval))

    @property
    def monthly_revenue(self) -> float:
        """This tenant's MRR in cents: what it pays per month while its subscription runs."""
        if not self.has_subscription or self.status not in (ACTIVE, PAST_DUE, READ_ONLY):
            return 0.0
        amount = (self.unit_amount or 0) * self.seats_paid
        return amount / 12 if self.interval == "year" else float(amount)

    def as_json(self) -> dict:
        def iso(value):
            return value.isoformat() if value else None

        return {
            "plan": self.plan.key,
            "plan_name": self.plan.name,
            "interval": self.interval,
            "status": self.status,
            "read_only_reason": self.read_only_reason,
            "seats_used": self.seats_used,
            "seats_paid": self.seats_paid,
            "seat_limit": self.seat_limit,
            "trial_ends_at": iso(self.trial_ends_at),
            "current_period_end": iso(self.current_period_end),
            "grace_ends_at": iso(self.grace_ends_at),
            "cancel_at_period_end": self.cancel_at_period_end,
            "unit_amount": self.unit_amount,
            "currency": self.currency,
            "features": list(self.plan.features),
        }


def summarize(account: BillingAccount, *, seats_used: int | None = None) -> BillingSummary:
    """Derive the status from the account and the clock (trials and grace periods end by
    themselves, without waiting for a job)."""
    now = clock.now()
    used = account.seats_used if seats_used is None else seats_used
    free = free_plan()
    plans = all_plans()
    status, reason, grace_ends_at = ACTIVE, None, None
    live = has_live_subscription(account)
    if live:
        plan = plans.get(account.plan) or free
        provider_status = account.provider_status
        if provider_status == "trialing":
            status = TRIALING
        elif provider_status in PAST_DUE_LIKE:
            grace_ends_at = (account.past_due_since or now) + grace_period()
            if now < grace_ends_at:
                status = PAST_DUE
            else:
                status, reason = READ_ONLY, "payment_failed"
        elif provider_status in BLOCKED:
            status, reason = READ_ONLY, "payment_failed"
    else:
        ended = account.subscription_ref is not None
        in_trial = (
            not ended
            and account.plan != free.key
            and account.trial_ends_at is not None
            and now < account.trial_ends_at
        )
        if in_trial:
            plan, status = plans.get(account.plan) or free, TRIALING
        else:
            plan = free
            status = CANCELED if ended else ACTIVE
            if used > free.max_seats:
                status = READ_ONLY
                reason = "canceled" if ended else "trial_ended"
    return BillingSummary(
        plan=plan,
        interval=account.interval if live else "month",
        status=status,
        read_only_reason=reason,
        seats_used=used,
        seats_paid=account.seats_paid if live else 0,
        # A trial takes any number of users; otherwise the plan's limit, if it has one.
        seat_limit=None if status == TRIALING else plan.max_seats,
        trial_ends_at=account.trial_ends_at if status == TRIALING else None,
        current_period_end=account.current_period_end if live else None,
        grace_ends_at=grace_ends_at,
        cancel_at_period_end=account.cancel_at_period_end if live else False,
        has_subscription=live,
        unit_amount=account.unit_amount if live else None,
        currency=account.currency or "usd",
        payment_method=account.payment_method,
        provider=account.provider,
    )


def _logged_state(account: BillingAccount) -> dict:
    """What the security log follows of an account (each change is an entry)."""
    return {
        "plan": account.plan,
        "interval": account.interval,
        "status": account.status,
        "cancel_at_period_end": bool(account.cancel_at_period_end),
        "seats_paid": account.seats_paid,
    }


def _log_changes(before: dict, after: dict, *, actor) -> None:
    def log(event: str, **details) -> None:
        security_log.record(event, actor=actor, target=after["plan"], details=details)

    if (before["plan"], before["interval"]) != (after["plan"], after["interval"]):
        log(
            "billing.plan_changed",
            **{"from": f"{before['plan']} ({before['interval']})"},
            to=f"{after['plan']} ({after['interval']})",
        )
    if before["status"] != after["status"]:
        log("billing.status_changed", **{"from": before["status"]}, to=after["status"])
    if before["cancel_at_period_end"] != after["cancel_at_period_end"]:
        log(
            "billing.cancellation_scheduled"
            if after["cancel_at_period_end"]
            else "billing.cancellation_withdrawn"
        )
    if before["seats_paid"] != after["seats_paid"]:
        log("billing.seats_changed", **{"from": before["seats_paid"]}, to=after["seats_paid"])


def refresh_status(
    account: BillingAccount,
    *,
    count: bool = True,
    episode: dt.datetime | None = None,
    logged_before: dict | None = None,
    actor=security_log.CURRENT_ACTOR,
) -> BillingSummary:
    """Store the derived status (and the Free fallback plan), and tell the admins when the
    workspace became read-only or was restored (``episode``: when the trouble began).

    Changes of plan, status, cancellation and paid seats since ``logged_before`` (the account's
    ``_logged_state`` before the caller changed it; default: now) go to the security log,
    by ``actor`` (default: the signed-in user, else the system)."""
    if logged_before is None:
        logged_before = _logged_state(account)
    if count:
        account.seats_used = count_billable_seats()
    before = account.status
    summary = summarize(account)
    account.status = summary.status
    account.read_only_reason = summary.read_only_reason
    if not summary.has_subscription and summary.status != TRIALING:
        account.plan = summary.plan.key
    tenant = db.session.get(Tenant, account.for_tenant)
    tenant.plan = summary.plan.key
    if summary.status == READ_ONLY and before != READ_ONLY:
        _notify_read_only(account, tenant, summary)
    elif before in (PAST_DUE, READ_ONLY) and summary.status in (ACTIVE, TRIALING):
        _notify_restored(account, tenant, episode or account.trial_ends_at)
    db.session.flush()
    _log_changes(logged_before, _logged_state(account), actor=actor)
    return summary


def current_summary() -> BillingSummary:
    """The current tenant's billing, with the seats counted now."""
    account = get_account()
    return summarize(account, seats_used=count_billable_seats())


def require_writable(tenant_id: uuid.UUID | None = None) -> None:
    """Refuse a change in a read-only workspace (the request boundary and services call it)."""
    account = get_account(tenant_id)
    summary = summarize(account)
    if not summary.is_writable:
        raise WorkspaceReadOnly(read_only_message(summary))


def read_only_message(summary: BillingSummary) -> str:
    why = READ_ONLY_REASONS.get(summary.read_only_reason or "", _l("of its billing"))
    return _(
        "This workspace is read-only because %(why)s. Nothing was deleted and you can still "
        "view and export everything; an admin can restore editing on the Billing page.",
        why=str(why),
    )


# The state machine -------------------------------------------------------------------------


def apply_subscription_state(
    account: BillingAccount, state: SubscriptionState, *, actor=security_log.CURRENT_ACTOR
) -> BillingSummary:
    """Take the provider's view of a subscription as the truth, whatever its age.

    A state of another subscription is adopted unless it is an ended one while the current
    subscription still runs (an old subscription's deletion must not cancel a new one).
    What changed is logged by ``actor`` (a webhook passes ``WEBHOOK_ACTOR``).
    """
    before = _logged_state(account)
    stale = has_live_subscription(account) and state.status in ENDED
    if state.ref != account.subscription_ref and stale:
        return summarize(account)
    episode = account.past_due_since
    if state.ref != account.subscription_ref:
        account.subscription_ref = state.ref
        account.subscription_item_ref = None
        account.quantity_synced_at = None
    account.provider = get_backend().name
    account.customer_ref = state.customer_ref or account.customer_ref
    account.subscription_item_ref = state.item_ref or account.subscription_item_ref
    account.provider_status = state.status
    account.seats_paid = state.quantity
    if state.plan:
        account.plan = state.plan
    account.interval = state.interval or account.interval
    account.unit_amount = state.unit_amount
    account.currency = state.currency or account.currency
    account.current_period_end = state.current_period_end
    account.cancel_at_period_end = state.cancel_at_period_end
    if state.status == "trialing" and state.trial_end:
        account.trial_ends_at = state.trial_end
    if state.status in PAST_DUE_LIKE or state.status in BLOCKED:
        account.past_due_since = state.past_due_since or account.past_due_since or clock.now()
    else:
        account.past_due_since = None
    summary = refresh_status(account, episode=episode, logged_before=before, actor=actor)
    if has_live_subscription(account) and summary.seats_used != account.seats_paid:
        request_seat_sync(account)
    return summary


def record_invoice(invoice: InvoiceState) -> BillingInvoice:
    """Keep the provider's invoice for the billing page (current tenant's scope)."""
    row = db.session.scalar(select(BillingInvoice).where(BillingInvoice.invoice_ref == invoice.ref))
    if row is None:
        row = BillingInvoice(invoice_ref=invoice.ref)
        db.session.add(row)
    row.number = invoice.number
    row.status = invoice.status
    row.amount_due = invoice.amount_due
    row.amount_paid = invoice.amount_paid
    row.currency = invoice.currency
    row.issued_at = invoice.issued_at
    row.period_end = invoice.period_end
    row.hosted_url = invoice.hosted_url
    row.pdf_url = invoice.pdf_url
    db.session.flush()
    return row


def list_invoices(*, limit: int = 24) -> list[BillingInvoice]:
    return list(
        db.session.scalars(
            select(BillingInvoice).order_by(BillingInvoice.issued_at.desc()).limit(limit)
        )
    )


def upcoming_invoice() -> UpcomingInvoice | None:
    account = get_account()
    if not has_live_subscription(account):
        return None
    return get_backend().upcoming_invoice(account)


# Seats -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SeatQuote:
    """What adding one more user of a role costs, for the invitation form."""

    billable: bool
    needs_confirmation: bool
    seats_used: int
    seats_paid: int
    unit_amount: int | None
    prorated_amount: int | None
    interval: str
    currency: str
    message: str

    @property
    def price_text(self) -> str:
        return format_money(self.unit_amount, self.currency)

    @property
    def prorated_text(self) -> str:
        return format_money(self.prorated_amount, self.currency)


def _period_length(interval: str) -> dt.timedelta:
    return dt.timedelta(days=365.25 if interval == "year" else 365.25 / 12)


def prorated_amount(account: BillingAccount, seats: int = 1) -> int | None:
    """About what ``seats`` more cost today for the rest of the period (Stripe computes the
    exact proration on the invoice)."""
    if not account.unit_amount or account.current_period_end is None:
        return None
    remaining = account.current_period_end - clock.now()
    fraction = max(0.0, min(1.0, remaining / _period_length(account.interval)))
    return round(account.unit_amount * seats * fraction)


def seat_quote(role: str) -> SeatQuote:
    """Whether inviting a user with ``role`` needs a new paid seat, and what it costs."""
    account = get_account()
    summary = summarize(account, seats_used=count_billable_seats())
    common = {
        "seats_used": summary.seats_used,
        "seats_paid": summary.seats_paid,
        "unit_amount": summary.unit_amount,
        "interval": summary.interval,
        "currency": summary.currency,
    }
    if role not in EDITING_ROLES:
        return SeatQuote(
            billable=False,
            needs_confirmation=False,
            prorated_amount=None,
            message="Viewers are free.",
            **common,
        )
    needs = (
        summary.has_subscription
        and summary.status != TRIALING
        and summary.seats_used + 1 > summary.seats_paid
    )
    prorated = prorated_amount(account) if needs else None
    if needs:
        price = format_money(summary.unit_amount, summary.currency)
        message = (
            f"You use {summary.seats_used} of the {summary.seats_paid} seats you pay for. "
            f"Inviting this user adds a seat at {price} per {summary.interval}"
            + (
                f" (about {format_money(prorated, summary.currency)} today for the rest of "
                "this billing period)."
                if prorated is not None
                else "."
            )
        )
    else:
        message = "No extra seat is needed."
    return SeatQuote(
        billable=True,
        needs_confirmation=needs,
        prorated_amount=prorated,
        message=message,
        **common,
    )


def confirm_extra_seat(role: str, *, accepted: bool) -> None:
    """Refuse a user who needs a seat beyond those paid for until the admin accepted its
    price (the invitation form shows the quote and asks)."""
    quote = seat_quote(role)
    if quote.needs_confirmation and not accepted:
        raise ExtraSeatNeedsConfirmation(quote)


def require_seat_for(role: str) -> None:
    """Refuse a new billable user where the plan cannot take one (Free is full, or the
    workspace is read-only). Paid plans take any number: the seat is billed."""
    account = db.session.scalar(
        select(BillingAccount).where(BillingAccount.for_tenant == require_tenant_id())
    )
    if account is None:
        return  # the first admin of a tenant being created
    summary = summarize(account, seats_used=count_billable_seats())
    if not summary.is_writable:
        raise WorkspaceReadOnly(read_only_message(summary))
    if role not in EDITING_ROLES:
        return
    if summary.seat_limit is not None and summary.seats_used + 1 > summary.seat_limit:
        raise SeatLimitReached(
            f"The {summary.plan.name} plan includes {summary.seat_limit} users with an editing "
            f"role and this workspace has {summary.seats_used}. Choose a plan with more users "
            "on the Billing page to add more, or make the new user a viewer (viewers are free).",
            field="role",
        )


def seats_changed() -> None:
    """Users were added, removed or changed role: count again and let Stripe follow."""
    account = db.session.scalar(
        select(BillingAccount).where(BillingAccount.for_tenant == require_tenant_id())
    )
    if account is None:
        return
    account.seats_used = count_billable_seats()
    if has_live_subscription(account) and account.seats_used != account.seats_paid:
        request_seat_sync(account)
    db.session.flush()


def seat_sync_key(tenant_id: uuid.UUID) -> str:
    return f"billing-seats:{tenant_id}"


def request_seat_sync(account: BillingAccount) -> None:
    """Enqueue the seat sync, coalesced per tenant, no sooner than the provider allows."""
    from saas.billing.jobs import sync_seats_job

    delay = dt.timedelta(0)
    if account.quantity_synced_at is not None:
        next_allowed = account.quantity_synced_at + get_backend().min_update_interval()
        delay = max(dt.timedelta(0), next_allowed - clock.now())
    enqueue(
        sync_seats_job, account.for_tenant, dedup_key=seat_sync_key(account.for_tenant), delay=delay
    )


def sync_seats() -> str:
    """Set the subscription quantity to the billable seats (the seat-sync job's work).

    At most one update per subscription per ``min_update_interval``: a sync that comes too
    early enqueues itself for later. The idempotency key names the subscription, the
    update's sequence number and the quantity, so a retry after a lost response is the same
    request to Stripe and is applied once.
    """
    tenant_id = require_tenant_id()
    account = get_account(tenant_id, for_update=True)
    used = count_billable_seats()
    account.seats_used = used
    backend = get_backend()
    if not has_live_subscription(account) or account.provider != backend.name:
        db.session.flush()
        return "no subscription"
    target = max(used, 1)
    if target == account.seats_paid:
        db.session.flush()
        return "in sync"
    now = clock.now()
    if account.quantity_synced_at is not None:
        next_allowed = account.quantity_synced_at + backend.min_update_interval()
        if now < next_allowed:
            from saas.billing.jobs import sync_seats_job

            enqueue(
                sync_seats_job,
                tenant_id,
                dedup_key=seat_sync_key(tenant_id),
                delay=next_allowed - now,
            )
            return "deferred"
    key = f"trellis-seats-{account.subscription_ref}-{account.sync_generation}-{target}"
    state = backend.update_quantity(account, target, idempotency_key=key)
    account.sync_generation += 1
    account.quantity_synced_at = now
    apply_subscription_state(account, state)
    return "updated"


# What the admin does on the billing page ---------------------------------------------------


def start_checkout(
    *,
    plan: str,
    interval: str,
    admin: User,
    success_url: str,
    cancel_url: str,
    request_key: str,
) -> str:
    """Start paying for ``plan``: the URL to send the admin to (Stripe Checkout, or straight
    back to the billing page offline)."""
    chosen = get_paid_plan(plan, interval)
    account = get_account(for_update=True)
    if has_live_subscription(account):
        raise Conflict("This workspace already has a subscription: change its plan instead.")
    tenant = db.session.get(Tenant, account.for_tenant)
    backend = get_backend()
    start = backend.start_checkout(
        account,
        plan=chosen.key,
        interval=interval,
        quantity=max(count_billable_seats(), 1),
        email=admin.email,
        tenant_name=tenant.name,
        success_url=success_url,
        cancel_url=cancel_url,
        request_key=request_key,
    )
    account.provider = backend.name
    security_log.record(
        "billing.checkout_started",
        actor=admin,
        target=chosen.key,
        details={"plan": chosen.key, "interval": interval},
    )
    if start.state is not None:
        apply_subscription_state(account, start.state)
    db.session.flush()
    return start.url


def complete_checkout(session_ref: str) -> BillingSummary | None:
    """The admin is back from Checkout: adopt the subscription without waiting for the
    webhook (both paths are idempotent)."""
    account = get_account(for_update=True)
    state = get_backend().checkout_subscription(account, session_ref)
    if state is None:
        return None
    summary = apply_subscription_state(account, state)
    refresh_payment_method(account)
    return summary


def _require_subscription(account: BillingAccount) -> None:
    if not has_live_subscription(account):
        raise Conflict("This workspace has no running subscription. Choose a plan first.")


def change_plan(*, plan: str, interval: str, request_key: str) -> BillingSummary:
    chosen = get_paid_plan(plan, interval)
    account = get_account(for_update=True)
    _require_subscription(account)
    if chosen.key == account.plan and interval == account.interval:
        raise ValidationFailed("This is already your plan.", field="plan")
    state = get_backend().change_price(
        account,
        plan=chosen.key,
        interval=interval,
        idempotency_key=f"trellis-plan-{account.subscription_ref}-{request_key}",
    )
    return apply_subscription_state(account, state)


def set_cancel_at_period_end(*, cancel: bool, request_key: str) -> BillingSummary:
    account = get_account(for_update=True)
    _require_subscription(account)
    if account.cancel_at_period_end == cancel:
        raise Conflict(
            "The subscription is already set to end." if cancel else "The subscription runs on."
        )
    state = get_backend().set_cancel_at_period_end(
        account,
        cancel,
        idempotency_key=f"trellis-cancel-{account.subscription_ref}-{cancel}-{request_key}",
    )
    return apply_subscription_state(account, state)


def portal_url(*, return_url: str, request_key: str) -> str | None:
    account = get_account()
    return get_backend().portal_url(account, return_url=return_url, request_key=request_key)


def pay_now(*, return_url: str) -> str | None:
    """Pay what is overdue: offline at once; with Stripe, the URL of the open invoice (or
    the customer portal)."""
    account = get_account(for_update=True)
    backend = get_backend()
    if hasattr(backend, "pay_open_invoices"):
        state = backend.pay_open_invoices(account)
        if state is not None:
            apply_subscription_state(account, state)
        return None
    open_invoice = db.session.scalar(
        select(BillingInvoice)
        .where(BillingInvoice.status == "open", BillingInvoice.hosted_url.is_not(None))
        .order_by(BillingInvoice.issued_at.desc())
    )
    if open_invoice is not None:
        return open_invoice.hosted_url
    return backend.portal_url(account, return_url=return_url, request_key=uuid.uuid4().hex)


def refresh_payment_method(account: BillingAccount) -> None:
    try:
        account.payment_method = get_backend().payment_method(account)
    except BillingUnavailable:
        log.warning("payment method of tenant %s not refreshed", account.for_tenant)


def simulate_payment_failure(tenant_id: uuid.UUID, *, days_ago: int = 0) -> BillingSummary:
    """Offline backend: the renewal charge is declined ``days_ago`` days ago (dunning demo)."""
    from tenants.scoping import tenant_scope

    backend = get_backend()
    if not hasattr(backend, "fail_payment"):
        raise Conflict("Only the offline backend simulates payments; Stripe has test cards.")
    with tenant_scope(tenant_id):
        account = get_account(tenant_id, for_update=True)
        _require_subscription(account)
        since = clock.now() - dt.timedelta(days=days_ago)
        state = backend.fail_payment(account, since=since)
        summary = apply_subscription_state(account, state)
        invoice = db.session.scalar(
            select(BillingInvoice)
            .where(BillingInvoice.status == "open")
            .order_by(BillingInvoice.issued_at.desc())
        )
        if invoice is not None:
            notify_payment_failed(account, _invoice_state(account, invoice))
        return summary


def _invoice_state(account: BillingAccount, row: BillingInvoice) -> InvoiceState:
    return InvoiceState(
        ref=row.invoice_ref,
        customer_ref=account.customer_ref or "",
        subscription_ref=account.subscription_ref,
        number=row.number,
        status=row.status,
        amount_due=row.amount_due,
        amount_paid=row.amount_paid,
        currency=row.currency,
        issued_at=row.issued_at,
        period_end=row.period_end,
        hosted_url=row.hosted_url,
        pdf_url=row.pdf_url,
    )


# Reconciliation ----------------------------------------------------------------------------


def reconcile_tenant() -> str:
    """Compare the current tenant with the provider and repair what drifted: the
    subscription's status, plan and quantity, the invoices and the payment method; end
    trials and grace periods whose time has come (telling the admins)."""
    account = get_account(for_update=True)
    backend = get_backend()
    outcome = "nothing to reconcile"
    if account.provider == backend.name and (account.subscription_ref or account.customer_ref):
        state = None
        if account.subscription_ref:
            state = backend.retrieve_subscription(account, account.subscription_ref)
        if state is None or state.status in ENDED:
            state = backend.find_subscription(account) or state
        if state is not None:
            apply_subscription_state(account, state)
        for invoice in backend.list_invoices(account):
            record_invoice(invoice)
        refresh_payment_method(account)
        outcome = "reconciled"
    renew = getattr(backend, "renew_if_due", None)
    if renew is not None and account.provider == backend.name:
        state = renew(account)
        if state is not None:
            apply_subscription_state(account, state)
    summary = refresh_status(account)
    if summary.status == TRIALING and not summary.has_subscription:
        _maybe_notify_trial_ending(account, summary)
    if has_live_subscription(account) and summary.seats_used != account.seats_paid:
        outcome = f"{outcome}; seats {sync_seats()}"
    return outcome


# Telling the admins ------------------------------------------------------------------------


def _admins() -> list[User]:
    return list(db.session.scalars(select(User).where(User.role == ADMIN, User.is_active)))


def _billing_url(tenant: Tenant) -> str:
    from tenants.resolver import tenant_url

    return tenant_url(tenant, "/admin/billing/")


def _email_admins(compose) -> None:
    """E-mail every admin, each in their own language: ``compose()`` returns the subject and
    the body, written in the language in force when it is called."""
    for admin in _admins():
        with in_language_of(admin):
            subject, body = compose()
            queue_email(
                to=admin.email,
                subject=subject,
                body=_("Hello %(name)s,\n\n%(body)s", name=admin.name, body=body),
            )


def _date(value: dt.datetime | None) -> str:
    from saas.i18n import format_day

    return format_day(value) if value else _("soon")


def notify_payment_failed(account: BillingAccount, invoice: InvoiceState) -> bool:
    """E-mail the admins once per failed invoice (the page banner shows it too)."""
    if not record_effect(f"billing:payment-failed:{invoice.ref}"):
        return False
    tenant = db.session.get(Tenant, account.for_tenant)
    summary = summarize(account)
    amount = format_money(invoice.amount_due, invoice.currency)
    _email_admins(
        lambda: (
            _("Payment failed for %(workspace)s on Trellis", workspace=tenant.name),
            _(
                "We could not collect %(amount)s for the %(plan)s plan of %(workspace)s.\n"
                "Update the payment method by %(date)s: after that date the workspace becomes "
                "read-only until the invoice is paid (nothing is deleted).\n\n%(url)s\n",
                amount=amount,
                plan=summary.plan.name,
                workspace=tenant.name,
                date=_date(summary.grace_ends_at),
                url=_billing_url(tenant),
            ),
        )
    )
    return True


def _notify_read_only(account: BillingAccount, tenant: Tenant, summary: BillingSummary) -> None:
    since = account.past_due_since or account.trial_ends_at or account.current_period_end
    key = f"billing:read-only:{summary.read_only_reason}:{since.isoformat() if since else ''}"
    if not record_effect(key):
        return
    _email_admins(
        lambda: (
            _("%(workspace)s is now read-only on Trellis", workspace=tenant.name),
            _(
                "%(workspace)s became read-only because %(why)s.\nNothing was deleted: "
                "everyone can still sign in, read and export. Editing comes back as soon as "
                "the billing is in order:\n\n%(url)s\n",
                workspace=tenant.name,
                why=str(
                    READ_ONLY_REASONS.get(summary.read_only_reason or "", _l("of its billing"))
                ),
                url=_billing_url(tenant),
            ),
        )
    )


def _notify_restored(account: BillingAccount, tenant: Tenant, episode: dt.datetime | None) -> None:
    key = f"billing:restored:{episode.isoformat() if episode else account.subscription_ref}"
    if not record_effect(key):
        return
    _email_admins(
        lambda: (
            _("%(workspace)s is fully active again on Trellis", workspace=tenant.name),
            _(
                "Thank you: the payment went through and everyone at %(workspace)s can edit "
                "again.\n",
                workspace=tenant.name,
            ),
        )
    )


def notify_trial_ending(account: BillingAccount, ends_at: dt.datetime | None) -> bool:
    if ends_at is None or not record_effect(f"billing:trial-ending:{ends_at.date()}"):
        return False
    tenant = db.session.get(Tenant, account.for_tenant)
    has_card = bool(account.payment_method)
    _email_admins(
        lambda: (
            _("Your Trellis trial ends on %(date)s", date=_date(ends_at)),
            _(
                "The free trial of %(workspace)s ends on %(date)s.",
                workspace=tenant.name,
                date=_date(ends_at),
            )
            + " "
            + (
                _("Your subscription starts then with the payment method on file.")
                if has_card
                else _(
                    "Choose a plan to keep every feature; without one, the workspace moves to "
                    "the Free plan (up to %(num)d users with an editing role).",
                    num=free_plan().max_seats,
                )
            )
            + f"\n\n{_billing_url(tenant)}\n",
        )
    )
    return True


def _maybe_notify_trial_ending(account: BillingAccount, summary: BillingSummary) -> None:
    if summary.trial_ends_at and summary.trial_ends_at - clock.now() <= dt.timedelta(days=3):
        notify_trial_ending(account, summary.trial_ends_at)
