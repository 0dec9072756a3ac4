"""Plans and their prices, from configuration.

``BILLING_PLANS`` in the app config (or the JSON file named by ``TRELLIS_BILLING_PLANS``)
replaces the defaults below. Prices are per seat, in the currency's smallest unit; a plan
without prices is free and has a seat limit.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app

from saas.errors import ValidationFailed

INTERVALS = ("month", "year")
INTERVAL_LABELS = {"month": "monthly", "year": "yearly"}

DEFAULT_PLANS: dict[str, dict] = {
    "free": {
        "name": "Free",
        "max_seats": 2,
        "prices": {},
        "features": ["contacts", "companies", "deals", "leads", "activities"],
        "api_requests_per_minute": 60,
    },
    "starter": {
        "name": "Starter",
        "max_seats": None,
        "prices": {"month": 1500, "year": 15000},
        "features": [
            "contacts",
            "companies",
            "deals",
            "leads",
            "activities",
            "custom_objects",
            "api",
            "workflows",
        ],
        "api_requests_per_minute": 300,
    },
    "pro": {
        "name": "Pro",
        "max_seats": None,
        "prices": {"month": 3900, "year": 39000},
        "features": [
            "contacts",
            "companies",
            "deals",
            "leads",
            "activities",
            "custom_objects",
            "api",
            "workflows",
            "plugins",
            "sso",
        ],
        "api_requests_per_minute": 1200,
    },
}

FEATURE_LABELS = {
    "contacts": "Contacts",
    "companies": "Companies",
    "deals": "Deals and pipelines",
    "leads": "Leads",
    "activities": "Activities",
    "custom_objects": "Custom objects",
    "api": "REST API",
    "workflows": "Workflows",
    "plugins": "Industry plugins",
    "sso": "Single sign-on",
}


@dataclass(frozen=True)
class Plan:
    key: str
    name: str
    max_seats: int | None
    prices: dict[str, int] = field(default_factory=dict)
    features: tuple[str, ...] = ()
    api_requests_per_minute: int = 60

    @property
    def is_paid(self) -> bool:
        return bool(self.prices)

    def price(self, interval: str) -> int:
        """The price of one seat for ``interval``, in cents."""
        return self.prices[interval]

    def monthly_price(self, interval: str) -> float:
        """What one seat costs per month on ``interval`` (for MRR)."""
        amount = self.prices.get(interval, 0)
        return amount / 12 if interval == "year" else amount

    def has(self, feature: str) -> bool:
        return feature in self.features


def _build(config: dict[str, dict]) -> dict[str, Plan]:
    plans = {}
    for key, spec in config.items():
        prices = {k: int(v) for k, v in (spec.get("prices") or {}).items()}
        unknown = set(prices) - set(INTERVALS)
        if unknown:
            raise ValueError(f"plan {key}: unknown billing intervals {sorted(unknown)}")
        plans[key] = Plan(
            key=key,
            name=spec.get("name", key.title()),
            max_seats=spec.get("max_seats"),
            prices=prices,
            features=tuple(spec.get("features") or ()),
            api_requests_per_minute=int(spec.get("api_requests_per_minute", 60)),
        )
    if "free" not in plans or plans["free"].is_paid or not plans["free"].max_seats:
        raise ValueError("BILLING_PLANS needs a 'free' plan without prices and with max_seats")
    return plans


def all_plans() -> dict[str, Plan]:
    """Every plan, by key, in the configured order."""
    cache = current_app.extensions.setdefault("trellis_billing_plans", {})
    config = current_app.config.get("BILLING_PLANS") or DEFAULT_PLANS
    key = id(config)
    if key not in cache:
        cache.clear()
        cache[key] = _build(config)
    return cache[key]


def paid_plans() -> list[Plan]:
    return [plan for plan in all_plans().values() if plan.is_paid]


def free_plan() -> Plan:
    return all_plans()["free"]


def get_plan(key: str | None, *, field: str = "plan") -> Plan:
    plan = all_plans().get(key or "")
    if plan is None:
        names = ", ".join(all_plans())
        raise ValidationFailed(f"Choose one of the plans: {names}.", field=field)
    return plan


def get_paid_plan(key: str | None, interval: str | None) -> Plan:
    plan = get_plan(key)
    if not plan.is_paid:
        raise ValidationFailed("Choose a paid plan.", field="plan")
    if interval not in plan.prices:
        raise ValidationFailed("Choose monthly or yearly billing.", field="interval")
    return plan


def format_money(cents: int | float | None, currency: str = "usd") -> str:
    """$12.00 for 1200 cents in USD; other currencies get their code."""
    if cents is None:
        return ""
    amount = f"{cents / 100:,.2f}"
    symbols = {"usd": "$", "eur": "€", "gbp": "£"}
    symbol = symbols.get((currency or "usd").lower())
    return f"{symbol}{amount}" if symbol else f"{amount} {currency.upper()}"
