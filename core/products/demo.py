"""The demo workspace's products and its education price book (``register_demo_data``)."""

from __future__ import annotations

import datetime as dt

from core.objects import records
from core.objects.demo import exists

# name, code, family, standard price
PRODUCTS = [
    ("Trellis Desk seat (annual)", "SEAT-1Y", "Licences", 240),
    ("Onboarding workshop", "SRV-ONB", "Services", 1800),
    ("Priority support (annual)", "SUP-PRI", "Support", 3000),
    ("Front desk hardware kit", "HW-KIT", "Hardware", 650),
]
# The education price book: product code -> list price.
EDUCATION_PRICES = {"SEAT-1Y": 200, "SRV-ONB": 1500}


def seed(*, team: list, today: dt.date) -> None:
    """Four products and an education price book with two of them."""
    if exists("products"):
        return
    admin = team[0]
    products = {}
    for name, code, family, price in PRODUCTS:
        values = {"name": name, "code": code, "family": family, "unit_price": price}
        products[code] = records.create_record("products", values, actor=admin)
    education = records.create_record(
        "price_books",
        {"name": "Education", "description": "Schools and universities."},
        actor=admin,
    )
    for code, price in EDUCATION_PRICES.items():
        values = {
            "price_book_id": str(education.id),
            "product_id": str(products[code].id),
            "list_price": price,
        }
        records.create_record("price_book_entries", values, actor=admin)
