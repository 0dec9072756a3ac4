"""The Stripe backend: the ``stripe`` client on Stripe's current API.

- Prices are found by lookup key (``trellis_<plan>_<interval>``, created by ``trellis billing
  stripe-setup``) unless ``STRIPE_PRICES`` maps ``"<plan>:<interval>"`` to price ids.
- A paid plan starts with a Checkout Session in subscription mode; payment methods are
  managed in Stripe's customer portal.
- Every call that changes something carries an idempotency key chosen by the caller, so a
  retry after a lost response is applied once. The client also retries network failures
  itself (``STRIPE_MAX_NETWORK_RETRIES``) with the same key.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re

import stripe

from saas import clock
from saas.billing.backends import (
    BillingUnavailable,
    CheckoutStart,
    InvoiceState,
    SubscriptionState,
    UpcomingInvoice,
)
from saas.billing.plans import all_plans

log = logging.getLogger(__name__)

LOOKUP_KEY = re.compile(r"^trellis_([a-z0-9_]+?)_(month|year)$")
PAST_DUE_STATUSES = ("past_due", "unpaid", "incomplete")
# Stripe refuses a Checkout trial that ends sooner than this.
MIN_CHECKOUT_TRIAL = dt.timedelta(hours=48, minutes=5)


def lookup_key(plan: str, interval: str) -> str:
    return f"trellis_{plan}_{interval}"


def _time(value) -> dt.datetime | None:
    if value in (None, "", 0):
        return None
    return dt.datetime.fromtimestamp(int(value), dt.UTC)


def _id(value) -> str | None:
    if isinstance(value, dict):
        return value.get("id")
    return value or None


def _plain(obj) -> dict:
    return obj.to_dict() if hasattr(obj, "to_dict") else dict(obj)


class StripeBackend:
    name = "stripe"

    def __init__(self, config: dict) -> None:
        self.config = config
        api_key = config.get("STRIPE_API_KEY")
        if not api_key:
            raise RuntimeError("BILLING_BACKEND=stripe needs STRIPE_API_KEY")
        base = config.get("STRIPE_API_BASE")
        self.client = stripe.StripeClient(
            api_key,
            base_addresses={"api": base} if base else None,
            max_network_retries=int(config.get("STRIPE_MAX_NETWORK_RETRIES", 2)),
            http_client=stripe.RequestsClient(
                timeout=float(config.get("STRIPE_TIMEOUT_SECONDS", 20))
            ),
        )
        self._prices: dict[str, str] = dict(config.get("STRIPE_PRICES") or {})

    def min_update_interval(self) -> dt.timedelta:
        return dt.timedelta(seconds=int(self.config.get("BILLING_SEAT_SYNC_SECONDS", 60)))

    # Calls -----------------------------------------------------------------------------

    def _call(self, what: str, func, *args, missing_ok: bool = False):
        """Call the client; a 404 is None when ``missing_ok``; other failures are a 503."""
        try:
            return _plain(func(*args))
        except stripe.InvalidRequestError as exc:
            if missing_ok and exc.http_status == 404:
                return None
            log.warning("Stripe refused %s: %s", what, exc)
            raise BillingUnavailable(
                f"The payment provider refused to {what}: {exc.user_message or exc}"
            ) from exc
        except stripe.StripeError as exc:
            log.warning("Stripe failed to %s: %s", what, exc)
            raise BillingUnavailable(
                f"The payment provider did not answer while trying to {what}. "
                "Nothing was changed; try again in a minute."
            ) from exc

    # Prices ----------------------------------------------------------------------------

    def price_ref(self, plan: str, interval: str) -> str:
        key = f"{plan}:{interval}"
        if key not in self._prices:
            found = self._call(
                "find the plan's price",
                self.client.v1.prices.list,
                {"lookup_keys": [lookup_key(plan, interval)], "active": True, "limit": 1},
            )
            data = found.get("data") or []
            if not data:
                raise BillingUnavailable(
                    f"Stripe has no price with lookup key {lookup_key(plan, interval)}: "
                    "the operator must run `trellis billing stripe-setup`."
                )
            self._prices[key] = data[0]["id"]
        return self._prices[key]

    def ensure_prices(self) -> list[str]:
        """Create the product and per-seat prices of every paid plan that Stripe lacks
        (found by lookup key, so running it again changes nothing)."""
        done = []
        for plan in all_plans().values():
            for interval, amount in plan.prices.items():
                key = lookup_key(plan.key, interval)
                found = self._call(
                    "find the plan's price",
                    self.client.v1.prices.list,
                    {"lookup_keys": [key], "active": True, "limit": 1},
                )
                if found.get("data"):
                    done.append(f"{key}: {found['data'][0]['id']} (exists)")
                    continue
                price = self._call(
                    "create the plan's price",
                    self.client.v1.prices.create,
                    {
                        "currency": "usd",
                        "unit_amount": amount,
                        "recurring": {"interval": interval, "usage_type": "licensed"},
                        "lookup_key": key,
                        "product_data": {"name": f"Trellis {plan.name} (per seat)"},
                    },
                    {"idempotency_key": f"trellis-price-{key}-{amount}"},
                )
                done.append(f"{key}: {price['id']} (created)")
        return done

    def _plan_of_price(self, price: dict) -> tuple[str | None, str | None]:
        for candidate in (price.get("lookup_key"), price.get("id")):
            match = LOOKUP_KEY.match(candidate or "")
            if match and match.group(1) in all_plans():
                return match.group(1), match.group(2)
        for key, ref in self._prices.items():
            if ref == price.get("id"):
                plan, _, interval = key.partition(":")
                return plan, interval
        return None, None

    # Subscriptions ---------------------------------------------------------------------

    def _state(self, sub: dict) -> SubscriptionState:
        items = (sub.get("items") or {}).get("data") or []
        item = items[0] if items else {}
        # Stripe's current API names the price; older objects (and localstripe) the plan.
        price = item.get("price") or item.get("plan") or sub.get("plan") or {}
        plan, interval = self._plan_of_price(price)
        recurring = price.get("recurring") or {}
        interval = recurring.get("interval") or price.get("interval") or interval or "month"
        unit_amount = price.get("unit_amount", price.get("amount"))
        status = sub.get("status") or "incomplete"
        return SubscriptionState(
            ref=sub["id"],
            customer_ref=_id(sub.get("customer")),
            item_ref=item.get("id"),
            status=status,
            plan=plan,
            interval=interval,
            quantity=int(item.get("quantity") or sub.get("quantity") or 1),
            unit_amount=int(unit_amount) if unit_amount is not None else None,
            currency=(price.get("currency") or sub.get("currency") or "usd").lower(),
            # Stripe's current API keeps the period on the item; older ones on the subscription.
            current_period_end=_time(
                item.get("current_period_end") or sub.get("current_period_end")
            ),
            trial_end=_time(sub.get("trial_end")) if status == "trialing" else None,
            cancel_at_period_end=bool(sub.get("cancel_at_period_end")),
            past_due_since=self._past_due_since(sub) if status in PAST_DUE_STATUSES else None,
        )

    def _past_due_since(self, sub: dict) -> dt.datetime | None:
        """When the unpaid invoice was issued: the grace period starts there, whatever the
        order in which we hear about it."""
        invoice = sub.get("latest_invoice")
        if isinstance(invoice, str):
            invoice = self._call(
                "read an invoice", self.client.v1.invoices.retrieve, invoice, missing_ok=True
            )
        if not invoice:
            return None
        return _time(
            (invoice.get("status_transitions") or {}).get("finalized_at") or invoice.get("created")
        )

    def retrieve_subscription(self, account, ref: str) -> SubscriptionState | None:
        sub = self._call(
            "read the subscription", self.client.v1.subscriptions.retrieve, ref, missing_ok=True
        )
        return self._state(sub) if sub else None

    def find_subscription(self, account) -> SubscriptionState | None:
        if not account.customer_ref:
            return None
        found = self._call(
            "list the subscriptions",
            self.client.v1.subscriptions.list,
            {"customer": account.customer_ref, "status": "all", "limit": 10},
        )
        subs = found.get("data") or []
        live = [s for s in subs if s.get("status") not in ("canceled", "incomplete_expired")]
        chosen = max(live or subs, key=lambda s: s.get("created") or 0, default=None)
        return self._state(chosen) if chosen else None

    def _item_ref(self, account) -> str:
        if account.subscription_item_ref:
            return account.subscription_item_ref
        state = self.retrieve_subscription(account, account.subscription_ref)
        if state is None or not state.item_ref:
            raise BillingUnavailable("The subscription was not found at the payment provider.")
        return state.item_ref

    def _update(self, account, what: str, params: dict, idempotency_key: str):
        sub = self._call(
            what,
            self.client.v1.subscriptions.update,
            account.subscription_ref,
            params,
            {"idempotency_key": idempotency_key},
        )
        return self._state(sub)

    def update_quantity(self, account, quantity: int, *, idempotency_key: str):
        # Prorations are Stripe's default (create_prorations): Stripe computes them.
        params = {"items": [{"id": self._item_ref(account), "quantity": quantity}]}
        return self._update(account, "change the number of seats", params, idempotency_key)

    def change_price(self, account, *, plan: str, interval: str, idempotency_key: str):
        params = {
            "items": [{"id": self._item_ref(account), "price": self.price_ref(plan, interval)}]
        }
        return self._update(account, "change the plan", params, idempotency_key)

    def set_cancel_at_period_end(self, account, cancel: bool, *, idempotency_key: str):
        params = {"cancel_at_period_end": cancel}
        what = "cancel the subscription" if cancel else "resume the subscription"
        return self._update(account, what, params, idempotency_key)

    # Checkout and portal ---------------------------------------------------------------

    def _ensure_customer(self, account, *, email: str, tenant_name: str) -> str:
        if account.customer_ref:
            return account.customer_ref
        digest = hashlib.sha256(email.encode()).hexdigest()[:12]
        customer = self._call(
            "create the customer",
            self.client.v1.customers.create,
            {
                "email": email,
                "name": tenant_name,
                "metadata": {"tenant_id": str(account.for_tenant)},
            },
            {"idempotency_key": f"trellis-customer-{account.for_tenant}-{digest}"},
        )
        account.customer_ref = customer["id"]
        return customer["id"]

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
        customer = self._ensure_customer(account, email=email, tenant_name=tenant_name)
        metadata = {"tenant_id": str(account.for_tenant)}
        subscription_data: dict = {"metadata": metadata}
        trial_end = account.trial_ends_at
        if trial_end is not None and trial_end - clock.now() > MIN_CHECKOUT_TRIAL:
            # The rest of the free trial is kept: the first charge is at its end.
            subscription_data["trial_end"] = int(trial_end.timestamp())
        session = self._call(
            "start the checkout",
            self.client.v1.checkout.sessions.create,
            {
                "mode": "subscription",
                "customer": customer,
                "client_reference_id": str(account.for_tenant),
                "line_items": [{"price": self.price_ref(plan, interval), "quantity": quantity}],
                "success_url": success_url,
                "cancel_url": cancel_url,
                "metadata": metadata,
                "subscription_data": subscription_data,
            },
            {"idempotency_key": f"trellis-checkout-{account.for_tenant}-{request_key}"},
        )
        return CheckoutStart(url=session["url"])

    def checkout_subscription(self, account, session_ref: str) -> SubscriptionState | None:
        session = self._call(
            "read the checkout",
            self.client.v1.checkout.sessions.retrieve,
            session_ref,
            missing_ok=True,
        )
        if not session or session.get("client_reference_id") != str(account.for_tenant):
            return None
        if session.get("status") != "complete" or not session.get("subscription"):
            return None
        return self.retrieve_subscription(account, _id(session["subscription"]))

    def portal_url(self, account, *, return_url: str, request_key: str) -> str | None:
        if not account.customer_ref:
            return None
        session = self._call(
            "open the billing portal",
            self.client.v1.billing_portal.sessions.create,
            {"customer": account.customer_ref, "return_url": return_url},
            {"idempotency_key": f"trellis-portal-{account.for_tenant}-{request_key}"},
        )
        return session["url"]

    # Invoices and payment method -------------------------------------------------------

    def _invoice(self, invoice: dict) -> InvoiceState:
        parent = (invoice.get("parent") or {}).get("subscription_details") or {}
        return InvoiceState(
            ref=invoice["id"],
            customer_ref=_id(invoice.get("customer")),
            subscription_ref=_id(parent.get("subscription") or invoice.get("subscription")),
            number=invoice.get("number"),
            status=invoice.get("status") or "draft",
            amount_due=int(invoice.get("amount_due") or 0),
            amount_paid=int(invoice.get("amount_paid") or 0),
            currency=(invoice.get("currency") or "usd").lower(),
            issued_at=_time(invoice.get("created")) or clock.now(),
            period_end=_time(invoice.get("period_end")),
            hosted_url=invoice.get("hosted_invoice_url"),
            pdf_url=invoice.get("invoice_pdf"),
        )

    def retrieve_invoice(self, account, ref: str) -> InvoiceState | None:
        invoice = self._call(
            "read an invoice", self.client.v1.invoices.retrieve, ref, missing_ok=True
        )
        return self._invoice(invoice) if invoice else None

    def list_invoices(self, account) -> list[InvoiceState]:
        if not account.customer_ref:
            return []
        found = self._call(
            "list the invoices",
            self.client.v1.invoices.list,
            {"customer": account.customer_ref, "limit": 24},
        )
        return [self._invoice(i) for i in found.get("data") or [] if i.get("id")]

    def upcoming_invoice(self, account) -> UpcomingInvoice | None:
        if not (account.customer_ref and account.subscription_ref):
            return None
        try:
            preview = self._call(
                "preview the next invoice",
                self.client.v1.invoices.create_preview,
                {"customer": account.customer_ref, "subscription": account.subscription_ref},
            )
        except BillingUnavailable:
            return None  # the page still shows everything else
        return UpcomingInvoice(
            amount=int(preview.get("amount_due") or 0),
            currency=(preview.get("currency") or account.currency or "usd").lower(),
            at=_time(preview.get("next_payment_attempt") or preview.get("period_end")),
        )

    def payment_method(self, account) -> str | None:
        if not account.customer_ref:
            return None
        customer = self._call(
            "read the customer",
            self.client.v1.customers.retrieve,
            account.customer_ref,
            missing_ok=True,
        )
        method = ((customer or {}).get("invoice_settings") or {}).get("default_payment_method")
        if isinstance(method, str):
            method = self._call(
                "read the payment method",
                self.client.v1.payment_methods.retrieve,
                method,
                missing_ok=True,
            )
        card = (method or {}).get("card") or {}
        if not card:
            return None
        return f"{(card.get('brand') or 'card').title()} •••• {card.get('last4', '????')}"
