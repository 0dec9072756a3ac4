"""The products area's contributions to the core, through the plugin manager."""

from __future__ import annotations

from saas.plugins import hookimpl


@hookimpl
def register_models():
    from core.products import models

    return [models]


@hookimpl
def register_object_types():
    from core.products.models import PRICE_BOOK, PRICE_BOOK_ENTRY, PRODUCT

    return [PRODUCT, PRICE_BOOK, PRICE_BOOK_ENTRY]


@hookimpl
def tenant_created():
    from core.products.services import create_standard_price_book

    create_standard_price_book()


@hookimpl
def register_demo_data():
    from core.products import demo
    from saas.demo import DemoData

    return [DemoData("products", demo.seed)]
