from __future__ import annotations

import pytest

from tests.core.objects.conftest import api, member_api, other_api  # noqa: F401  (fixtures)
from tests.factories import CompanyFactory, ProductFactory

PRODUCTS = "/api/v1/objects/products"
PRICE_BOOKS = "/api/v1/objects/price_books"
ENTRIES = "/api/v1/objects/price_book_entries"
QUOTES = "/api/v1/objects/quotes"
ORDERS = "/api/v1/objects/orders"
COMPANIES = "/api/v1/objects/companies"


def created(response) -> dict:
    assert response.status_code == 201, response.get_json()
    return response.get_json()


@pytest.fixture
def widget(tenant) -> dict:
    return ProductFactory(tenant=tenant, name="Widget", code="WID-1", unit_price="10.00")


@pytest.fixture
def gadget(tenant) -> dict:
    return ProductFactory(tenant=tenant, name="Gadget", code="GAD-1", unit_price="99.99")


@pytest.fixture
def customer(tenant) -> dict:
    return CompanyFactory(tenant=tenant, name="Initech", credit_limit="1000")


def set_credit_check(app, tenant: dict, mode: str) -> None:
    from core.orders.services import set_credit_check_mode
    from saas.db import db
    from tenants.scoping import tenant_scope

    with app.app_context(), tenant_scope(tenant["id"]):
        set_credit_check_mode(mode)
        db.session.commit()
