"""The workspace's sales settings kept in ``tenants.settings``: the number prefixes of
quotes and orders and how long a new quote is valid. The credit check mode is in
``core.orders.services``. Admins change them on /admin/sales."""

from __future__ import annotations

import re

from saas.errors import ValidationFailed
from tenants.settings import setting, update_settings, workspace_settings

DEFAULT_PREFIXES = {"quotes": "Q-", "orders": "SO-"}
PREFIX_KEYS = {"quotes": "quote_prefix", "orders": "order_prefix"}
PREFIX_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9/_.-]{0,11}$")
PREFIX_PROBLEM = "Use 1 to 12 letters, digits, or - / _ . (starting with a letter or a digit)."
DEFAULT_VALIDITY_DAYS = 30
MAX_VALIDITY_DAYS = 365


def _settings() -> dict:
    return workspace_settings()


def number_prefix(object_name: str) -> str:
    """What the numbers of new quotes ("quotes") or orders ("orders") start with."""
    return setting(PREFIX_KEYS[object_name]) or DEFAULT_PREFIXES[object_name]


def quote_validity_days() -> int:
    """How many days a new quote is valid when it is given no valid-until date."""
    return setting("quote_validity_days")


def sales_settings() -> dict:
    return {
        "quote_prefix": number_prefix("quotes"),
        "order_prefix": number_prefix("orders"),
        "quote_validity_days": quote_validity_days(),
    }


def _clean_prefix(raw, field: str, errors: dict) -> str | None:
    text = raw.strip() if isinstance(raw, str) else ""
    if not PREFIX_PATTERN.match(text):
        errors[field] = [PREFIX_PROBLEM]
        return None
    return text


def save_sales_settings(values: dict) -> dict:
    """Change the given settings (all valid, or ValidationFailed with a message per field
    and nothing changed). New numbers take the new prefix; numbers given keep theirs."""
    errors: dict[str, list[str]] = {}
    changes = {}
    if "quote_prefix" in values:
        changes["quote_prefix"] = _clean_prefix(values["quote_prefix"], "quote_prefix", errors)
    if "order_prefix" in values:
        changes["order_prefix"] = _clean_prefix(values["order_prefix"], "order_prefix", errors)
    if "quote_validity_days" in values:
        raw = values["quote_validity_days"]
        try:
            days = int(str(raw).strip())
        except ValueError:
            days = None
        if isinstance(raw, bool) or days is None or not 1 <= days <= MAX_VALIDITY_DAYS:
            errors["quote_validity_days"] = [
                f"Give a whole number of days, 1 to {MAX_VALIDITY_DAYS}."
            ]
        else:
            changes["quote_validity_days"] = days
    merged = sales_settings() | {k: v for k, v in changes.items() if v is not None}
    if not errors and merged["quote_prefix"].lower() == merged["order_prefix"].lower():
        errors["order_prefix"] = ["Quotes and orders need different prefixes."]
    if errors:
        raise ValidationFailed("Some settings are not valid.", errors=errors)
    update_settings(changes, logged_as="settings.sales_numbering_changed", target="sales")
    return sales_settings()
