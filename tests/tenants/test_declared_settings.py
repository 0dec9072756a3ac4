"""The workspace settings are declared once, with kinds and defaults (tenants/settings.py and
the register_tenant_settings hook), read with their defaults and written only when valid."""

from __future__ import annotations

import types

import pytest

from saas.errors import ValidationFailed
from saas.plugins import hookimpl
from saas.plugins.manager import build_manager
from tenants import settings
from tenants.settings import TenantSetting, declared_settings
from tests.conftest import run_as_admin

# What tenants.settings held before the keys were declared: none may be lost.
KEYS_IN_USE = {
    "locale",
    "timezone",
    "currency",
    "date_format",
    "two_factor_required",
    "navigation",
    "quote_prefix",
    "order_prefix",
    "quote_validity_days",
    "credit_check",
    "business_hours",
    "sla_hours",
}


def test_every_key_in_use_is_declared_once_with_its_owner():
    declared = declared_settings(build_manager())
    assert set(declared) == KEYS_IN_USE
    assert {spec.owner for spec in declared.values()} == {"core"}
    assert declared["quote_validity_days"].default == 30
    assert declared["credit_check"].choices == ("off", "warn", "block")


def test_a_new_workspace_starts_with_the_initial_settings(app, tenant):
    def read(admin):
        return settings.workspace_settings()

    assert run_as_admin(app, tenant, read) == {
        "locale": "en",
        "timezone": "UTC",
        "currency": "USD",
        "date_format": "YYYY-MM-DD",
    }


def test_a_setting_reads_its_default_until_a_valid_value_is_stored(app, tenant):
    def check(admin):
        assert settings.setting("quote_validity_days") == 30
        settings.update_settings({"quote_validity_days": 14}, logged_as=None)
        assert settings.setting("quote_validity_days") == 14
        # A value stored before the declaration and no longer valid reads as the default.
        tenant_row = settings.current_tenant()
        tenant_row.settings = {**tenant_row.settings, "credit_check": "sometimes"}
        assert settings.setting("credit_check") == "warn"
        with pytest.raises(KeyError, match="not a declared"):
            settings.setting("no_such_key")

    run_as_admin(app, tenant, check)


@pytest.mark.parametrize(
    ("changes", "key", "message"),
    [
        ({"quote_validity_days": 0}, "quote_validity_days", "from 1 to 365"),
        ({"quote_validity_days": "many"}, "quote_validity_days", "whole number"),
        ({"quote_validity_days": True}, "quote_validity_days", "whole number"),
        ({"credit_check": "sometimes"}, "credit_check", "Choose one of: off, warn, block"),
        ({"timezone": "Mars/Olympus"}, "timezone", "time zone"),
        ({"currency": "XYZW"}, "currency", "currency code"),
        ({"quote_prefix": "no spaces"}, "quote_prefix", "Use 1 to 12 letters"),
        ({"no_such_key": 1}, "no_such_key", "not a workspace setting"),
    ],
)
def test_a_bad_value_is_refused_by_key_and_nothing_is_written(app, tenant, changes, key, message):
    def write(admin):
        before = dict(settings.workspace_settings())
        with pytest.raises(ValidationFailed) as refused:
            settings.update_settings({"timezone": "Europe/Berlin", **changes}, logged_as=None)
        assert refused.value.status == 422
        assert set(refused.value.errors) == {key}
        assert message in " ".join(refused.value.errors[key])
        assert settings.workspace_settings() == before

    run_as_admin(app, tenant, write)


def test_an_integer_given_as_text_is_stored_as_a_number(app, tenant):
    def write(admin):
        settings.update_settings({"quote_validity_days": " 45 "}, logged_as=None)
        return settings.workspace_settings()["quote_validity_days"]

    assert run_as_admin(app, tenant, write) == 45


def _plugin(*declared):
    module = types.ModuleType("zz_plugin")

    def register_tenant_settings():
        return list(declared)

    module.register_tenant_settings = hookimpl(register_tenant_settings)
    return module


def test_a_plugin_declares_its_own_settings_and_owns_them():
    pm = build_manager()
    pm.register(
        _plugin(TenantSetting("zz_lesson_minutes", 45, "integer", minimum=15, maximum=240)),
        name="zz_school",
    )
    spec = declared_settings(pm)["zz_lesson_minutes"]
    assert spec.owner == "zz_school" and spec.default == 45
    with pytest.raises(ValidationFailed, match="zz_lesson_minutes"):
        spec.clean(5)


def test_a_key_declared_twice_is_refused():
    pm = build_manager()
    pm.register(_plugin(TenantSetting("currency", "EUR", "currency")), name="zz_school")
    with pytest.raises(ValueError, match="currency is declared twice"):
        declared_settings(pm)


def test_a_malformed_declaration_is_refused():
    with pytest.raises(ValueError, match="lower-case"):
        TenantSetting("Bad Key", 1)
    with pytest.raises(ValueError, match="kind"):
        TenantSetting("zz", 1, "float")
    with pytest.raises(ValueError, match="choices"):
        TenantSetting("zz", "a", "choice")


def test_the_sales_page_refuses_a_bad_validity_with_a_form_error(client):
    response = client.post(
        "/admin/sales",
        data={"quote_prefix": "Q-", "order_prefix": "SO-", "quote_validity_days": "0"},
    )
    assert response.status_code == 422
    assert "1 to 365" in response.get_data(as_text=True)
