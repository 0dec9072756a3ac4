"""The rules of products, price books and price book entries, and price lookup.

Products, books and entries are written through the generic record services; the engine
calls the ``apply_*_rules`` functions (the objects' ``before_write``) before each write.
They flush and never commit.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from sqlalchemy import func, select

from core.objects.money import workspace_currency
from core.products.models import PriceBook, PriceBookEntry, Product
from saas.db import db
from saas.errors import Conflict, ValidationFailed

STANDARD_PRICE_BOOK_NAME = "Standard price book"


def _complete_flags(record, cleaned: dict) -> None:
    """An unticked checkbox arrives as empty: for these flags it means "no"."""
    if "active" in cleaned and cleaned["active"] is None:
        cleaned["active"] = False
    if record is None and cleaned.get("active") is None:
        cleaned["active"] = True


def _complete_currency(record, cleaned: dict) -> None:
    if record is None and not cleaned.get("currency"):
        cleaned["currency"] = workspace_currency()
    elif "currency" in cleaned and not cleaned["currency"]:
        raise ValidationFailed(
            "Some fields are not valid.", errors={"currency": ["This field is required."]}
        )


def apply_product_rules(record: Product | None, cleaned: dict, actor) -> None:
    """Currency defaults to the workspace's; ``active`` defaults to yes."""
    _complete_currency(record, cleaned)
    _complete_flags(record, cleaned)


def apply_price_book_rules(record: PriceBook | None, cleaned: dict, actor) -> None:
    """Currency defaults to the workspace's and cannot change once the book has entries
    (their prices are in it); the standard price book stays active."""
    _complete_currency(record, cleaned)
    _complete_flags(record, cleaned)
    if record is None:
        cleaned.setdefault("is_standard", False)
        return
    if "currency" in cleaned and cleaned["currency"] != record.currency:
        entries = db.session.scalar(
            select(func.count())
            .select_from(PriceBookEntry)
            .where(PriceBookEntry.price_book_id == record.id, PriceBookEntry.deleted_at.is_(None))
        )
        if entries:
            raise ValidationFailed(
                f"This price book has {entries} price(s) in {record.currency}; "
                "create another price book for another currency.",
                errors={"currency": ["The price book has prices in its currency."]},
            )
    if record.is_standard and cleaned.get("active") is False:
        raise ValidationFailed(
            "The standard price book is always active.",
            errors={"active": ["The standard price book is always active."]},
        )


def apply_entry_rules(record: PriceBookEntry | None, cleaned: dict, actor) -> None:
    """One live entry per product and price book; the name says which."""
    _complete_flags(record, cleaned)
    book_id = cleaned.get("price_book_id") or (record and str(record.price_book_id))
    product_id = cleaned.get("product_id") or (record and str(record.product_id))
    book = db.session.scalar(select(PriceBook).where(PriceBook.id == uuid.UUID(book_id)))
    product = db.session.scalar(select(Product).where(Product.id == uuid.UUID(product_id)))
    query = (
        select(func.count())
        .select_from(PriceBookEntry)
        .where(
            PriceBookEntry.price_book_id == book.id,
            PriceBookEntry.product_id == product.id,
            PriceBookEntry.deleted_at.is_(None),
        )
    )
    if record is not None:
        query = query.where(PriceBookEntry.id != record.id)
    if db.session.scalar(query):
        raise Conflict(
            f"{product.name} already has a price in {book.name}; change that entry instead.",
            errors={"product_id": ["This product already has a price in this price book."]},
        )
    cleaned["name"] = f"{product.name} in {book.name}"[:255]


def standard_price_book() -> PriceBook:
    """The workspace's standard price book; created now for a workspace that has none
    (one created before price books existed, or whose standard book was deleted)."""
    book = db.session.scalar(
        select(PriceBook)
        .where(PriceBook.is_standard.is_(True), PriceBook.deleted_at.is_(None))
        .order_by(PriceBook.created_at)
    )
    return book or create_standard_price_book()


def create_standard_price_book() -> PriceBook:
    """The standard price book every workspace starts with, in the workspace's currency."""
    name = STANDARD_PRICE_BOOK_NAME
    taken = db.session.scalar(
        select(func.count())
        .select_from(PriceBook)
        .where(PriceBook.name == name, PriceBook.deleted_at.is_(None))
    )
    if taken:
        name = f"{name} ({workspace_currency()})"
    book = PriceBook(
        name=name,
        currency=workspace_currency(),
        is_standard=True,
        active=True,
        custom={},
    )
    db.session.add(book)
    db.session.flush()
    return book


def list_price(book: PriceBook, product: Product) -> Decimal | None:
    """The product's price in ``book``: its active entry there, else (in the book's
    currency) the product's standard price; None when the book has no price for it."""
    entry = db.session.scalar(
        select(PriceBookEntry).where(
            PriceBookEntry.price_book_id == book.id,
            PriceBookEntry.product_id == product.id,
            PriceBookEntry.deleted_at.is_(None),
            PriceBookEntry.active.is_(True),
        )
    )
    if entry is not None:
        return entry.list_price
    if product.currency == book.currency and product.unit_price is not None:
        return product.unit_price
    return None
