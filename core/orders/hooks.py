"""The orders area's contributions to the core, through the plugin manager."""

from __future__ import annotations

from saas.plugins import hookimpl


@hookimpl
def register_models():
    from core.orders import models

    return [models]


@hookimpl
def register_blueprints():
    from core.orders.views import bp

    return [bp]


@hookimpl
def register_api_blueprints():
    from core.orders.api import bp

    return [bp]


@hookimpl
def register_object_types():
    from core.orders.models import ORDER, QUOTE

    return [QUOTE, ORDER]


@hookimpl
def register_openapi_paths(json, ref, errors):
    from core.orders.openapi import order_paths

    return [order_paths(json, ref, errors)]


@hookimpl
def register_menu_items():
    from saas.plugins.menus import SETUP, MenuItem

    return [MenuItem(SETUP, "Sales (credit check, numbering)", "orders.sales_settings", order=130)]


@hookimpl
def register_commands():
    from core.orders.cli import quotes_group

    return [quotes_group]


@hookimpl
def register_jobs():
    from core.orders.jobs import expire_quotes_job

    return {"orders.expire_quotes": expire_quotes_job}


@hookimpl
def register_periodic_tasks():
    from core.orders.jobs import enqueue_quote_expiry
    from saas.jobs import PeriodicTask

    # Just after midnight UTC: each tenant's quotes whose valid-until date passed expire.
    return [PeriodicTask("orders.expire_quotes_nightly", enqueue_quote_expiry, cron="7 0 * * *")]


@hookimpl
def register_demo_data():
    from core.orders import demo
    from saas.demo import DemoData

    return [
        DemoData(
            "quotes_and_orders", demo.seed, after=("companies", "contacts", "deals", "products")
        )
    ]


@hookimpl
def register_tenant_settings():
    from core.orders import services
    from core.orders import settings as sales
    from tenants.settings import TenantSetting

    def prefix_problem(value):
        return None if sales.PREFIX_PATTERN.match(value) else sales.PREFIX_PROBLEM

    return [
        TenantSetting(
            "quote_prefix",
            sales.DEFAULT_PREFIXES["quotes"],
            check=prefix_problem,
            description="What the numbers of new quotes start with.",
        ),
        TenantSetting(
            "order_prefix",
            sales.DEFAULT_PREFIXES["orders"],
            check=prefix_problem,
            description="What the numbers of new orders start with.",
        ),
        TenantSetting(
            "quote_validity_days",
            sales.DEFAULT_VALIDITY_DAYS,
            "integer",
            minimum=1,
            maximum=sales.MAX_VALIDITY_DAYS,
            description="How many days a new quote is valid when given no date.",
        ),
        TenantSetting(
            "credit_check",
            services.DEFAULT_CREDIT_CHECK_MODE,
            "choice",
            choices=services.CREDIT_CHECK_MODES,
            description="What an order over its customer's credit limit does: off, warn, block.",
        ),
    ]
