"""Plans and their prices, from configuration: the one place that says what each plan is.

``BILLING_PLANS`` in the app config (or the JSON file named by ``TRELLIS_BILLING_PLANS``)
replaces the defaults below. Prices are per seat, in the currency's smallest unit; a plan
without prices is free and has a seat limit. The landing page, the billing page, the API
and docs/billing.md all say what these definitions say (a test compares the docs' table).

A plan with the ``plugins`` feature may enable plugins: every installed one, or only those
its ``plugins`` list names (``"plugins": ["school"]``); a plan without the feature none.

A plan's ``features`` list everything it includes, also what every plan has (contacts,
tickets, ...), so that a page can show a plan's contents from its definition alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from babel.numbers import format_currency, get_currency_precision
from flask import current_app

from saas.errors import ValidationFailed
from saas.i18n import N_, _, _l, current_locale, ngettext

INTERVALS = ("month", "year")
INTERVAL_LABELS = {"month": _l("monthly"), "year": _l("yearly")}
# The same, to choose from in a form.
INTERVAL_CHOICES = {"month": _l("Monthly"), "year": _l("Yearly")}

# What every plan includes: the CRM a small business works in every day.
_EVERY_PLAN = ["contacts", "companies", "deals", "leads", "activities", "tickets", "sales"]

DEFAULT_PLANS: dict[str, dict] = {
    "free": {
        "name": "Free",
        "max_seats": 2,
        "prices": {},
        "features": [*_EVERY_PLAN],
        "api_requests_per_minute": 60,
    },
    "starter": {
        "name": "Starter",
        "max_seats": None,
        "prices": {"month": 1500, "year": 15000},
        "features": [*_EVERY_PLAN, "campaigns", "custom_objects", "api", "workflows"],
        "api_requests_per_minute": 300,
    },
    "pro": {
        "name": "Pro",
        "max_seats": None,
        "prices": {"month": 3900, "year": 39000},
        "features": [
            *_EVERY_PLAN,
            "campaigns",
            "custom_objects",
            "api",
            "workflows",
            "plugins",
            "sso",
        ],
        "api_requests_per_minute": 1200,
    },
}

# Lazy: each label is translated when shown, in the reader's language.
FEATURE_LABELS = {
    "contacts": _l("Contacts"),
    "companies": _l("Companies"),
    "deals": _l("Deals and pipelines"),
    "leads": _l("Leads"),
    "activities": _l("Activities"),
    "tickets": _l("Service tickets"),
    "sales": _l("Products, quotes and orders"),
    "campaigns": _l("Campaigns"),
    "custom_objects": _l("Custom objects"),
    "api": _l("REST API"),
    "workflows": _l("Workflows"),
    "plugins": _l("Industry plugins"),
    "sso": _l("Single sign-on"),
}
# The default plans' names, marked so that the catalogue carries them (``Plan.label``).
_PLAN_NAMES = (N_("Free"), N_("Starter"), N_("Pro"))


@dataclass(frozen=True)
class Plan:
    key: str
    name: str
    max_seats: int | None
    prices: dict[str, int] = field(default_factory=dict)
    features: tuple[str, ...] = ()
    api_requests_per_minute: int = 60
    # The plugins the plan may enable when it has the "plugins" feature (None: all).
    plugins: tuple[str, ...] | None = None

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

    def includes_plugin(self, name: str) -> bool:
        """Whether a workspace on this plan may enable the plugin ``name``."""
        return self.has("plugins") and (self.plugins is None or name in self.plugins)

    @property
    def label(self) -> str:
        """The plan's name in the reader's language (a configured name without a translation
        stays as it is)."""
        return _(self.name)

    @property
    def feature_labels(self) -> list[str]:
        return [str(FEATURE_LABELS.get(feature, feature)) for feature in self.features]

    @property
    def seats_text(self) -> str:
        """Up to 2 users / Any number of users (users with an editing role; viewers are free)."""
        if self.max_seats:
            return ngettext("Up to %(num)d user", "Up to %(num)d users", self.max_seats)
        return _("Any number of users")

    def price_text(self, currency: str = "usd") -> str:
        """Free / $15.00 per user a month, or $150.00 a year."""
        if not self.is_paid:
            return "Free"
        (amount, interval), *others = self._amounts(currency)
        return f"{amount} per user a {interval}" + "".join(
            f", or {amount} a {interval}" for amount, interval in others
        )

    def price_headline(self, currency: str = "usd") -> tuple[str, str, str]:
        """The price as a page shows it large: ("$15.00", "per user a month",
        "or $150.00 a year"); ("$0", "free, no card needed", "") for a free plan."""
        if not self.is_paid:
            return format_money(0, currency).replace(".00", ""), _("free, no card needed"), ""
        (amount, interval), *others = self._amounts(currency)
        rest = ", ".join(
            (
                _("or %(amount)s a month", amount=amount)
                if interval == "month"
                else _("or %(amount)s a year", amount=amount)
            )
            for amount, interval in others
        )
        unit = _("per user a month") if interval == "month" else _("per user a year")
        return amount, unit, rest

    def _amounts(self, currency: str) -> list[tuple[str, str]]:
        return [
            (format_money(self.prices[interval], currency), interval)
            for interval in INTERVALS
            if interval in self.prices
        ]


def _build(config: dict[str, dict]) -> dict[str, Plan]:
    plans = {}
    for key, spec in config.items():
        prices = {k: int(v) for k, v in (spec.get("prices") or {}).items()}
        unknown = set(prices) - set(INTERVALS)
        if unknown:
            raise ValueError(f"plan {key}: unknown billing intervals {sorted(unknown)}")
        features = tuple(spec.get("features") or ())
        # What a plan lists is what it gets: a feature Trellis does not know would be
        # sold and never given, and the CRM every plan has cannot be switched off.
        unknown = set(features) - set(FEATURE_LABELS)
        if unknown:
            raise ValueError(
                f"plan {key}: unknown features {sorted(unknown)}; "
                f"known: {', '.join(FEATURE_LABELS)}"
            )
        missing = [f for f in _EVERY_PLAN if f not in features]
        if missing:
            raise ValueError(
                f"plan {key}: every plan includes {', '.join(_EVERY_PLAN)} (they cannot be "
                f"switched off); add {', '.join(missing)} to its features"
            )
        plans[key] = Plan(
            key=key,
            name=spec.get("name", key.title()),
            max_seats=spec.get("max_seats"),
            prices=prices,
            features=features,
            api_requests_per_minute=int(spec.get("api_requests_per_minute", 60)),
            plugins=None if spec.get("plugins") is None else tuple(spec["plugins"]),
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


def plans_with_additions() -> list[tuple[Plan, list[str]]]:
    """Every plan with the labels of what it adds to the plan before it (all for the first),
    for pages that compare plans ("everything in Free, plus ...")."""
    rows, before = [], set()
    for plan in all_plans().values():
        rows.append((plan, [FEATURE_LABELS.get(f, f) for f in plan.features if f not in before]))
        before = set(plan.features)
    return rows


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
    """An amount in the currency's smallest unit, as Stripe gives it (cents; yen for JPY),
    as the reader's language writes it (Babel): $12.00 for 1200 USD cents, ¥1,200 for 1200
    JPY, US$12.00 in Chinese. Decimal, never float."""
    if cents is None:
        return ""
    code = (currency or "usd").upper()
    amount = Decimal(str(cents)).scaleb(-get_currency_precision(code))
    return format_currency(amount, code, locale=current_locale())
