"""Quotes and orders (standard objects of the engine) and their lines (child tables).

A quote and an order share one shape: a header linked to a customer (company), a contact
and a deal, priced from a price book, with lines, a header discount, a tax rate and totals
that the server computes (``core.orders.pricing``). The lines are rows of their own,
tenant-scoped and keyed to their header, written with the header through the engine's
``ChildCollection`` (the record's ``lines`` property); their changes are audited on the
header. Statuses and their rules, the credit check and the conversion of an accepted quote
into an order are in ``core.orders.services``.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKeyConstraint,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from core.companies.models import picklist
from core.objects.models import RecordMixin, record_table_args
from core.objects.registry import (
    ChildCollection,
    FieldSpec,
    ObjectSpec,
    owner_field,
)
from core.products.models import CURRENCY_OPTIONS
from saas.db import db
from saas.i18n import N_
from tenants.scoping import TenantScoped

QUOTE_STATUSES = ("draft", "sent", "accepted", "declined", "expired")
ORDER_STATUSES = ("draft", "confirmed", "fulfilled", "invoiced", "paid", "cancelled")
# End states: their board columns are collapsed.
CLOSED_STATUSES = {QUOTE_STATUSES: ("declined", "expired"), ORDER_STATUSES: ("paid", "cancelled")}
CREDIT_CHECK_RESULTS = ("within_limit", "over_limit", "no_limit", "not_checked")


class SalesDocumentMixin(RecordMixin):
    """The header columns a quote and an order share."""

    # Q-2026-0001: given on create from the tenant's counter (core.orders.numbering).
    number: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(20), default="draft")
    company_id: Mapped[uuid.UUID | None] = mapped_column()
    contact_id: Mapped[uuid.UUID | None] = mapped_column()
    deal_id: Mapped[uuid.UUID | None] = mapped_column()
    price_book_id: Mapped[uuid.UUID] = mapped_column()
    currency: Mapped[str] = mapped_column(String(3))
    discount_percent: Mapped[Decimal | None] = mapped_column(Numeric(7, 4))
    tax_rate: Mapped[Decimal | None] = mapped_column(Numeric(7, 4))
    subtotal: Mapped[Decimal] = mapped_column(Numeric(18, 2), default=Decimal("0.00"))
    discount_amount: Mapped[Decimal] = mapped_column(Numeric(18, 2), default=Decimal("0.00"))
    tax_amount: Mapped[Decimal] = mapped_column(Numeric(18, 2), default=Decimal("0.00"))
    total: Mapped[Decimal] = mapped_column(Numeric(18, 2), default=Decimal("0.00"))
    # The total in the corporate currency at the rate of the document's date (decision 0022).
    total_corporate: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))
    notes: Mapped[str | None] = mapped_column(Text)


def _header_keys(table: str) -> tuple:
    return (
        UniqueConstraint("tenant_id", "number"),
        ForeignKeyConstraint(["tenant_id", "company_id"], ["companies.tenant_id", "companies.id"]),
        ForeignKeyConstraint(["tenant_id", "contact_id"], ["contacts.tenant_id", "contacts.id"]),
        ForeignKeyConstraint(["tenant_id", "deal_id"], ["deals.tenant_id", "deals.id"]),
        ForeignKeyConstraint(
            ["tenant_id", "price_book_id"], ["price_books.tenant_id", "price_books.id"]
        ),
        Index(f"ix_{table}_company_status", "tenant_id", "company_id", "status"),
        Index(f"ix_{table}_contact", "tenant_id", "contact_id"),
        Index(f"ix_{table}_deal", "tenant_id", "deal_id"),
        Index(f"ix_{table}_status", "tenant_id", "status"),
    )


class Order(SalesDocumentMixin, db.Model):
    __tablename__ = "orders"
    __table_args__ = record_table_args(
        "orders",
        *_header_keys("orders"),
        CheckConstraint(
            "status IN ('draft', 'confirmed', 'fulfilled', 'invoiced', 'paid', 'cancelled')",
            name="status",
        ),
        Index("ix_orders_quote", "tenant_id", "quote_id"),
    )

    order_date: Mapped[dt.date | None] = mapped_column(Date)
    # The quote it was converted from (no database key: quotes and orders point to each
    # other, and either may be in the recycle bin).
    quote_id: Mapped[uuid.UUID | None] = mapped_column()
    credit_check: Mapped[str | None] = mapped_column(String(20))
    credit_note: Mapped[str | None] = mapped_column(String(500))


class Quote(SalesDocumentMixin, db.Model):
    __tablename__ = "quotes"
    __table_args__ = record_table_args(
        "quotes",
        *_header_keys("quotes"),
        CheckConstraint(
            "status IN ('draft', 'sent', 'accepted', 'declined', 'expired')", name="status"
        ),
        Index("ix_quotes_order", "tenant_id", "order_id"),
    )

    valid_until: Mapped[dt.date | None] = mapped_column(Date)
    order_id: Mapped[uuid.UUID | None] = mapped_column()


class LineMixin(TenantScoped):
    """A line of a quote or an order; ``header_id`` is its quote or order."""

    header_id: Mapped[uuid.UUID] = mapped_column()
    position: Mapped[int] = mapped_column(Integer)
    product_id: Mapped[uuid.UUID | None] = mapped_column()
    description: Mapped[str] = mapped_column(String(500))
    quantity: Mapped[Decimal] = mapped_column(Numeric(18, 4))
    unit_price: Mapped[Decimal] = mapped_column(Numeric(18, 2))
    discount_percent: Mapped[Decimal | None] = mapped_column(Numeric(7, 4))
    discount_amount: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))
    line_total: Mapped[Decimal] = mapped_column(Numeric(18, 2))

    @declared_attr.directive
    def __table_args__(cls) -> tuple:
        header = cls.header_table
        return (
            ForeignKeyConstraint(
                ["tenant_id", "header_id"],
                [f"{header}.tenant_id", f"{header}.id"],
                ondelete="CASCADE",
            ),
            ForeignKeyConstraint(
                ["tenant_id", "product_id"], ["products.tenant_id", "products.id"]
            ),
            Index(f"ix_{cls.__tablename__}_header", "tenant_id", "header_id", "position"),
            Index(f"ix_{cls.__tablename__}_product", "tenant_id", "product_id"),
            CheckConstraint("quantity > 0", name="quantity_positive"),
            CheckConstraint("unit_price >= 0", name="unit_price_not_negative"),
        )


class QuoteLine(LineMixin, db.Model):
    __tablename__ = "quote_lines"
    header_table = "quotes"


class OrderLine(LineMixin, db.Model):
    __tablename__ = "order_lines"
    header_table = "orders"


def _lines(line_model):
    def clean(raw, record, actor):
        from core.orders import lines

        return lines.clean_lines(raw, record)

    def write(record, rows, actor):
        from core.orders import lines

        return lines.write_lines(line_model, record, rows)

    def read(records):
        from core.orders import lines

        return lines.read_lines(line_model, records)

    from core.orders.lines import LINE_SCHEMA

    return {
        "lines": ChildCollection(
            name="lines",
            label=N_("Lines"),
            clean=clean,
            write=write,
            read=read,
            json_schema=LINE_SCHEMA,
        )
    }


def _rules(name: str, object_name: str | None = None):
    def before_write(record, cleaned: dict, actor) -> None:
        from core.orders import services

        getattr(services, name)(record, cleaned, actor)
        if object_name:
            from core.currencies import valuation

            valuation.fill(object_name, record, cleaned)

    return before_write


def _money(name: str, label: str, help_text: str) -> FieldSpec:
    return FieldSpec(
        name,
        label,
        "currency",
        {"currency_field": "currency"},  # in the record's currency
        column=name,
        system=True,
        help_text=help_text,
    )


def _title(record) -> str:
    """How a quote or an order is named everywhere: its number and its name."""
    return f"{record.number} {record.name}" if record.number else record.name


# What a quote's or an order's total in the corporate currency is, as its field's help says.
CORPORATE_TOTAL_HELP = {
    "quote": N_(
        "The total at the exchange rate of the quote's date; empty while its currency has no "
        "rate for that day."
    ),
    "order": N_(
        "The total at the exchange rate of the order's date; empty while its currency has no "
        "rate for that day."
    ),
}
# How a quote's or an order's number is made, as its field's help says.
NUMBER_HELP = {
    "quote": N_(
        "Given when the quote is created: the workspace's prefix, the year and a sequence. "
        "Unique in the workspace."
    ),
    "order": N_(
        "Given when the order is created: the workspace's prefix, the year and a sequence. "
        "Unique in the workspace."
    ),
}


def _header_fields(
    label: str, statuses: tuple[str, ...], *extra: FieldSpec, rate_date: tuple[str, ...]
) -> dict[str, FieldSpec]:
    fields = (
        FieldSpec(
            "number",
            "Number",
            "text",
            column="number",
            system=True,
            help_text=NUMBER_HELP[label],
        ),
        FieldSpec("name", "Name", "text", required=True, column="name"),
        FieldSpec(
            "status",
            "Status",
            "picklist",
            picklist(statuses, closed=CLOSED_STATUSES.get(statuses, ())),
            column="status",
            help_text=N_("Draft when left empty."),
        ),
        FieldSpec("company_id", "Customer", "lookup", {"target": "companies"}, column="company_id"),
        FieldSpec("contact_id", "Contact", "lookup", {"target": "contacts"}, column="contact_id"),
        FieldSpec("deal_id", "Deal", "lookup", {"target": "deals"}, column="deal_id"),
        *extra,
        FieldSpec(
            "price_book_id",
            "Price book",
            "lookup",
            {"target": "price_books"},
            column="price_book_id",
            help_text=N_(
                "The standard price book when left empty; lines take their prices from it."
            ),
        ),
        FieldSpec(
            "currency",
            "Currency",
            "text",
            CURRENCY_OPTIONS,
            column="currency",
            system=True,
            help_text=N_("The price book's currency."),
        ),
        FieldSpec(
            "discount_percent",
            "Discount (%)",
            "percent",
            {"min": 0, "max": 100, "scale": 2},
            column="discount_percent",
            help_text=N_("Taken off the subtotal of the lines."),
        ),
        FieldSpec(
            "tax_rate",
            "Tax rate (%)",
            "percent",
            {"min": 0, "max": 100, "scale": 2},
            column="tax_rate",
            help_text=N_("Applied to the subtotal after the discount."),
        ),
        _money("subtotal", N_("Subtotal"), N_("The sum of the line totals.")),
        _money("discount_amount", N_("Discount"), N_("The subtotal times the discount, rounded.")),
        _money("tax_amount", N_("Tax"), N_("(Subtotal - discount) times the tax rate, rounded.")),
        _money("total", N_("Total"), N_("Subtotal - discount + tax.")),
        FieldSpec(
            "total_corporate",
            "Total in the corporate currency",
            "currency",
            {"corporate_value_of": "total", "rate_date": rate_date},
            column="total_corporate",
            system=True,
            help_text=CORPORATE_TOTAL_HELP[label],
        ),
        FieldSpec("notes", "Notes", "long_text", column="notes", filterable=False),
        owner_field(),
    )
    return {f.api_name: f for f in fields}


QUOTE = ObjectSpec(
    api_name="quotes",
    order=90,
    label=N_("Quote"),
    label_plural=N_("Quotes"),
    list_columns=("company_id", "status", "total", "valid_until", "owner_id"),
    list_sort="-updated_at",
    board_field="status",
    amount_field="total",
    model=Quote,
    title=_title,
    search_fields=("number", "name"),
    before_write=_rules("apply_quote_rules", "quotes"),
    children=_lines(QuoteLine),
    page_template="orders/lines.html",
    fields=_header_fields(
        "quote",
        QUOTE_STATUSES,
        FieldSpec(
            "valid_until",
            "Valid until",
            "date",
            column="valid_until",
            help_text=N_(
                "Today plus the workspace's validity (30 days unless an admin changed "
                "it) when left empty. A draft or sent quote expires the day after."
            ),
        ),
        FieldSpec(
            "order_id",
            "Order",
            "lookup",
            {"target": "orders"},
            column="order_id",
            system=True,
            help_text=N_("The order this quote was converted into."),
        ),
        rate_date=("created_at",),
    ),
)

ORDER = ObjectSpec(
    api_name="orders",
    order=100,
    label=N_("Order"),
    label_plural=N_("Orders"),
    list_columns=("company_id", "status", "total", "order_date", "owner_id"),
    list_sort="-updated_at",
    board_field="status",
    amount_field="total",
    model=Order,
    title=_title,
    search_fields=("number", "name"),
    before_write=_rules("apply_order_rules", "orders"),
    before_restore=_rules("check_order_restore"),
    children=_lines(OrderLine),
    page_template="orders/lines.html",
    fields=_header_fields(
        "order",
        ORDER_STATUSES,
        FieldSpec(
            "order_date",
            "Order date",
            "date",
            column="order_date",
            help_text=N_("Today when left empty."),
        ),
        FieldSpec(
            "quote_id",
            "Quote",
            "lookup",
            {"target": "quotes"},
            column="quote_id",
            system=True,
            help_text=N_("The quote this order was converted from."),
        ),
        FieldSpec(
            "credit_check",
            "Credit check",
            "picklist",
            picklist(CREDIT_CHECK_RESULTS),
            column="credit_check",
            system=True,
            help_text=N_("The result of the last credit check (on create, confirm and restore)."),
        ),
        FieldSpec("credit_note", "Credit check note", "text", column="credit_note", system=True),
        rate_date=("order_date", "created_at"),
    ),
)
