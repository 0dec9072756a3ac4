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
