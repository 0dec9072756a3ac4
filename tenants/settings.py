"""The workspace's own settings (``tenants.settings``, one JSON object per tenant).

One place to declare, read and change them, so areas do not each look up the current tenant
row and merge the JSON themselves. Every key is declared once, with its kind and default, as
a ``TenantSetting``: the platform's below (``PLATFORM_SETTINGS``), the areas' and plugins'
through the ``register_tenant_settings`` hook. ``setting(key)`` reads one (its default when
unset or no longer valid); ``update_settings`` refuses an undeclared key or a bad value with
``ValidationFailed`` (a 422 naming the key, nothing written).

Reads and writes are for the tenant in scope (:func:`tenants.scoping.require_tenant_id`);
writes replace the whole JSON value (so the ORM sees the change) and flush, never commit.
Every write names the security log event it is (what changed goes in the entry, before ->
after), so no setting changes unlogged.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import weakref
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import current_app, g, has_app_context, has_request_context

from saas import clock, security_log
from saas.db import db
from saas.errors import ValidationFailed
from saas.i18n import SUPPORTED_LOCALES, _
from tenants.models import Tenant
from tenants.scoping import require_tenant_id

KINDS = ("text", "integer", "boolean", "choice", "timezone", "currency", "json")
MAX_TEXT = 200


@functools.cache
def _time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


@functools.cache
def _currencies() -> frozenset[str]:
    from babel.numbers import list_currencies

    return frozenset(list_currencies())


@dataclass(frozen=True)
class TenantSetting:
    """One key of the workspace's settings.

    - ``key``: its name in ``tenants.settings`` (lower-case words and underscores).
    - ``default``: what ``setting(key)`` answers while the workspace has none (or a value
      that is no longer valid).
    - ``kind``: "text" (at most 200 characters), "integer" (``minimum``/``maximum``),
      "boolean", "choice" (one of ``choices``), "timezone" (an IANA name), "currency" (an
      ISO 4217 code) or "json" (any JSON value; ``check`` tells its shape).
    - ``check(value)``: an extra rule, returns the problem (a message) or None.
    - ``initial``: written into a new workspace's settings when it is created.
    - ``description``: what it is for, for the docs and a settings page.
    - ``owner``: set by the collector ("core", or the plugin's name).
    """

    key: str
    default: Any
    kind: str = "text"
    choices: tuple = ()
    minimum: int | None = None
    maximum: int | None = None
    check: Callable[[Any], str | None] | None = None
    initial: bool = False
    description: str = ""
    owner: str = field(default="core", compare=False)

    def __post_init__(self) -> None:
        if not self.key.isidentifier() or self.key != self.key.lower():
            raise ValueError(f"setting {self.key!r}: a key is lower-case words and underscores")
        if self.kind not in KINDS:
            raise ValueError(f"setting {self.key}: kind must be one of {KINDS}")
        if self.kind == "choice" and not self.choices:
            raise ValueError(f"setting {self.key}: a choice needs its choices")

    def clean(self, value):
        """``value`` as stored, or ``ValidationFailed`` naming the key with what is wrong."""
        problem, cleaned = self._problem(value)
        if problem is None and self.check is not None and cleaned is not None:
            problem = self.check(cleaned)
        if problem:
            raise ValidationFailed(
                _("%(key)s: %(problem)s", key=self.key, problem=problem), field=self.key
            )
        return cleaned

    def _problem(self, value) -> tuple[str | None, Any]:
        if value is None:
            return None, None  # unset: the default applies
        if self.kind == "text":
            if not isinstance(value, str) or len(value) > MAX_TEXT:
                return _("Give a text of at most %(num)d characters.", num=MAX_TEXT), None
            return None, value
        if self.kind == "integer":
            number = value
            if isinstance(value, str) and value.strip().lstrip("-").isdigit():
                number = int(value.strip())
            if isinstance(number, bool) or not isinstance(number, int):
                return _("Give a whole number."), None
            low, high = self.minimum, self.maximum
            if (low is not None and number < low) or (high is not None and number > high):
                return _("Give a whole number from %(low)s to %(high)s.", low=low, high=high), None
            return None, number
        if self.kind == "boolean":
            if not isinstance(value, bool):
                return _("Give true or false."), None
            return None, value
        if self.kind == "choice":
            if value not in self.choices:
                choices = ", ".join(str(c) for c in self.choices)
                return _("Choose one of: %(choices)s.", choices=choices), None
            return None, value
        if self.kind == "timezone":
            if not isinstance(value, str) or value not in _time_zones():
                return _("Give a time zone such as Europe/Berlin or UTC."), None
            return None, value
        if self.kind == "currency":
            if not isinstance(value, str) or value not in _currencies():
                return _("Give a currency code such as USD or EUR."), None
            return None, value
        try:
            json.dumps(value)
        except (TypeError, ValueError):
            return _("Give a JSON value."), None
        return None, value


# The platform's own settings; areas and plugins declare theirs with the
# register_tenant_settings hook. The ``initial`` ones are what every new workspace starts with.
PLATFORM_SETTINGS = (
    TenantSetting(
        "locale",
        "en",
        "choice",
        choices=SUPPORTED_LOCALES,
        initial=True,
        description="The workspace's language when it was created (see tenants.default_locale).",
    ),
    TenantSetting(
        "timezone",
        "UTC",
        "timezone",
        initial=True,
        description="The time zone dates are shown and counted in, unless a user sets theirs.",
    ),
    TenantSetting(
        "currency",
        "USD",
        "currency",
        initial=True,
        description="The currency of amounts that name none.",
    ),
    TenantSetting(
        "date_format",
        "YYYY-MM-DD",
        "choice",
        choices=("YYYY-MM-DD", "DD/MM/YYYY", "MM/DD/YYYY", "DD.MM.YYYY"),
        initial=True,
        description="How dates are written in exports.",
    ),
)

_DECLARED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def declared_settings(pm=None) -> dict[str, TenantSetting]:
    """Every declared setting by key: the platform's, then those of the hooks (core first),
    owned; a key declared twice is refused. Kept per plugin manager."""
    if pm is None:
        pm = _manager()
    if pm is None:
        return {spec.key: spec for spec in PLATFORM_SETTINGS}
    found = _DECLARED.get(pm)
    if found is not None:
        return found
    from saas.plugins.manager import contributions

    declared = {spec.key: spec for spec in PLATFORM_SETTINGS}
    for owner, spec in contributions(pm, "register_tenant_settings"):
        if not isinstance(spec, TenantSetting):
            raise TypeError(f"register_tenant_settings must return TenantSetting, got {spec!r}")
        if spec.key in declared:
            raise ValueError(
                f"register_tenant_settings: {spec.key} is declared twice "
                f"({declared[spec.key].owner}, {owner})"
            )
        declared[spec.key] = replace(spec, owner=owner)
    _DECLARED[pm] = declared
    return declared


def _manager():
    if has_app_context():
        return current_app.extensions.get("trellis_plugins")
    return None


def initial_settings() -> dict:
    """The settings a new workspace starts with: the default of every ``initial`` setting."""
    return {spec.key: spec.default for spec in declared_settings().values() if spec.initial}


def current_tenant() -> Tenant:
    """The tenant row in scope: the request's own when it is the same tenant, else loaded."""
    tenant_id = require_tenant_id()
    found = g.get("tenant") if has_request_context() else None
    if found is None or found.id != tenant_id:
        found = db.session.get(Tenant, tenant_id)
    return found


def workspace_settings() -> dict:
    """The settings of the tenant in scope as stored (empty when none were ever saved)."""
    return current_tenant().settings or {}


def setting(key: str):
    """The value of the declared setting ``key`` for the tenant in scope: what is stored, or
    its default when unset or no longer valid. An undeclared key is a ``KeyError``."""
    spec = declared_settings().get(key)
    if spec is None:
        raise KeyError(f"{key} is not a declared workspace setting (register_tenant_settings)")
    stored = workspace_settings().get(key)
    if stored is None:
        return spec.default
    try:
        return spec.clean(stored)
    except ValidationFailed:
        return spec.default


def clean_settings(changes: dict) -> dict:
    """``changes`` checked against their declarations: every problem at once, by key, in
    one ``ValidationFailed`` (an undeclared key included)."""
    declared = declared_settings()
    cleaned, errors = {}, {}
    for key, value in changes.items():
        spec = declared.get(key)
        if spec is None:
            errors[key] = [_("%(key)s is not a workspace setting.", key=key)]
            continue
        try:
            cleaned[key] = spec.clean(value)
        except ValidationFailed as error:
            errors[key] = [error.message]
    if errors:
        raise ValidationFailed(_("Some settings are not valid."), errors=errors)
    return cleaned


def update_settings(changes: dict, *, logged_as: str | None, target: str = "") -> None:
    """Set the given top-level keys of the tenant's settings, keeping the others.

    Each key must be declared and its value valid (``ValidationFailed`` otherwise, and
    nothing is written). ``logged_as`` is the security log event of the change (None only
    when the caller logs it itself, as an SLA target does for its hours); nothing is logged
    when nothing changed.
    """
    changes = clean_settings(changes)
    tenant = current_tenant()
    before = tenant.settings or {}
    tenant.settings = {**before, **changes}
    db.session.flush()
    changed = security_log.changes({key: before.get(key) for key in changes}, changes)
    if logged_as and changed:
        security_log.record(logged_as, target=target, details={"changes": changed})


def zone_of(settings: dict | None) -> ZoneInfo:
    """The time zone named by ``settings["timezone"]``, UTC when unset or unknown."""
    name = (settings or {}).get("timezone") or "UTC"
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        return ZoneInfo("UTC")


def workspace_today() -> dt.date:
    """Today's date where the workspace is (its time zone setting), from the one clock: the
    date a quote's validity, an order's date or an export's file name are counted in."""
    return clock.today(zone_of(workspace_settings()))
