"""Products, price books and price book entries, standard objects of the engine.

A product's ``unit_price`` is its standard (list) price in the product's currency. Every
workspace has one *standard* price book (created with the workspace, in its currency);
admins add others (a dealer list, a price list in euros) whose entries give a product a
price of its own in that book. A quote or order line takes its unit price from the
entry of the header's price book, else from the product's standard price when the
currencies match (see ``core.products.services.list_price``).
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from sqlalchemy import Boolean, ForeignKeyConstraint, Index, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.objects.models import RecordMixin, record_table_args
from core.objects.registry import (
    MENU_NONE,
    FieldSpec,
    ObjectSpec,
    description_field,
    owner_field,
)
from saas.db import db
from saas.i18n import N_

CURRENCY_OPTIONS = {
    "regex": "[A-Z]{3}",
    "regex_message": "Give a three-letter ISO currency code, such as USD or EUR.",
    "max_length": 3,
}


class Product(RecordMixin, db.Model):
    __tablename__ = "products"
    __table_args__ = record_table_args(
        "products",
        Index("ix_products_name", "tenant_id", "name", "id"),
        # Not unique in the database: a product in the recycle bin keeps its code, and
        # the engine checks uniqueness among live products (FieldSpec.unique).
        Index("ix_products_code", "tenant_id", "code"),
    )

    name: Mapped[str] = mapped_column(String(255))
    code: Mapped[str] = mapped_column(String(64))
    description: Mapped[str | None] = mapped_column(Text)
    unit_price: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))
    currency: Mapped[str] = mapped_column(String(3))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    family: Mapped[str | None] = mapped_column(String(100))


class PriceBook(RecordMixin, db.Model):
    __tablename__ = "price_books"
    __table_args__ = record_table_args(
        "price_books", Index("ix_price_books_name", "tenant_id", "name")
    )

    name: Mapped[str] = mapped_column(String(255))
    currency: Mapped[str] = mapped_column(String(3))
    is_standard: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    description: Mapped[str | None] = mapped_column(Text)


class PriceBookEntry(RecordMixin, db.Model):
    __tablename__ = "price_book_entries"
    __table_args__ = record_table_args(
        "price_book_entries",
        ForeignKeyConstraint(
            ["tenant_id", "price_book_id"], ["price_books.tenant_id", "price_books.id"]
        ),
        ForeignKeyConstraint(["tenant_id", "product_id"], ["products.tenant_id", "products.id"]),
        Index("ix_price_book_entries_book_product", "tenant_id", "price_book_id", "product_id"),
        Index("ix_price_book_entries_product", "tenant_id", "product_id"),
    )

    # "<product> in <price book>", kept by the rules for titles, search and lists.
    name: Mapped[str] = mapped_column(String(255))
    price_book_id: Mapped[uuid.UUID] = mapped_column()
    product_id: Mapped[uuid.UUID] = mapped_column()
    list_price: Mapped[Decimal] = mapped_column(Numeric(18, 2))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


def _rules(name: str):
    def before_write(record, cleaned: dict, actor) -> None:
        from core.products import services

        getattr(services, name)(record, cleaned, actor)

    return before_write


def _currency_field(help_text: str) -> FieldSpec:
    return FieldSpec(
        "currency", "Currency", "text", CURRENCY_OPTIONS, column="currency", help_text=help_text
    )


def _active_field(help_text: str) -> FieldSpec:
    return FieldSpec(
        "active", "Active", "boolean", column="active", default=True, help_text=help_text
    )


PRODUCT = ObjectSpec(
    api_name="products",
    order=60,
    label=N_("Product"),
    label_plural=N_("Products"),
    list_columns=("code", "family", "unit_price", "active"),
    list_sort="name",
    model=Product,
    title=lambda record: record.name,
    search_fields=("name", "code"),
    before_write=_rules("apply_product_rules"),
    fields={
        f.api_name: f
        for f in (
            FieldSpec("name", "Name", "text", required=True, column="name"),
            FieldSpec(
                "code",
                "Product code (SKU)",
                "text",
                {"max_length": 64},
                required=True,
                unique=True,
                column="code",
                help_text=N_("Unique in the workspace."),
            ),
            FieldSpec("family", "Product family", "text", {"max_length": 100}, column="family"),
            FieldSpec(
                "unit_price",
                "Standard price",
                "currency",
                {"min": 0, "currency_field": "currency"},
                column="unit_price",
                help_text=N_("The price in the standard price book."),
            ),
            _currency_field(N_("The workspace's currency when left empty.")),
            _active_field(N_("Only active products can be added to quotes and orders.")),
            description_field(),
            owner_field(),
        )
    },
)

PRICE_BOOK = ObjectSpec(
    api_name="price_books",
    order=70,
    label=N_("Price book"),
    label_plural=N_("Price books"),
    list_columns=("currency", "is_standard", "active"),
    list_sort="name",
    model=PriceBook,
    title=lambda record: record.name,
    search_fields=("name",),
    before_write=_rules("apply_price_book_rules"),
    fields={
        f.api_name: f
        for f in (
            FieldSpec("name", "Name", "text", required=True, unique=True, column="name"),
            _currency_field(N_("The workspace's currency when left empty.")),
            FieldSpec(
                "is_standard",
                "Standard price book",
                "boolean",
                column="is_standard",
                system=True,
                help_text=N_("Every workspace has one; its prices are the products' own."),
            ),
            _active_field(N_("Only active price books can be chosen on quotes and orders.")),
            description_field(),
            owner_field(),
        )
    },
)

PRICE_BOOK_ENTRY = ObjectSpec(
    api_name="price_book_entries",
    order=80,
    label=N_("Price book entry"),
    label_plural=N_("Price book entries"),
    menu=MENU_NONE,
    list_columns=("price_book_id", "product_id", "list_price", "active"),
    list_sort="name",
    model=PriceBookEntry,
    title=lambda record: record.name,
    search_fields=("name",),
    before_write=_rules("apply_entry_rules"),
    fields={
        f.api_name: f
        for f in (
            FieldSpec("name", "Name", "text", column="name", system=True),
            FieldSpec(
                "price_book_id",
                "Price book",
                "lookup",
                {"target": "price_books"},
                required=True,
                column="price_book_id",
            ),
            FieldSpec(
                "product_id",
                "Product",
                "lookup",
                {"target": "products"},
                required=True,
                column="product_id",
            ),
            FieldSpec(
                "list_price",
                "List price",
                "currency",
                {"min": 0},
                required=True,
                column="list_price",
                help_text=N_("In the price book's currency."),
            ),
            _active_field(N_("An inactive entry no longer prices new lines.")),
            owner_field(),
        )
    },
)
