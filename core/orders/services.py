"""The rules of quotes and orders, the credit check, and turning a quote into an order.

Quotes and orders are written through the generic record services; the engine calls
``apply_quote_rules`` / ``apply_order_rules`` (the objects' ``before_write``) once the
input is valid field by field, before anything is written. They complete the lines
(description and unit price from the product and the price book), compute every amount
server-side (``core.orders.pricing``), enforce the status lifecycle, and run the credit
check. They flush and never commit; a refusal raises before anything is written.

Statuses:
- quote: draft -> sent -> accepted | declined | expired. Its lines, price book, discount
  and tax change only while it is draft or sent. A new quote is valid until today plus
  the workspace's validity (``core.orders.settings``) unless given a date; a draft or
  sent quote whose date has passed is expired, by the nightly job (``expire_quotes``) or
  by its next write, and cannot be accepted or converted. An accepted quote is converted
  into an order once; after that its status is final.
- numbers: a new quote or order gets the next number of the workspace
  (``core.orders.numbering``), the last thing its rules do.
- order: draft -> confirmed -> fulfilled -> invoiced -> paid (steps may be skipped), and
  cancelled from any status before paid; a confirmed order may go back to draft (to
  change its lines; confirming it again re-runs the credit check). Lines, price book,
  discount and tax change only in draft. Paid and cancelled are final.
- the credit check runs when an order is created (unless as paid or cancelled), when it
  is confirmed, when an open order is given another customer, and when an open order is
  restored from the recycle bin (``check_order_restore``).
"""

from __future__ import annotations

import contextvars
import datetime as dt
import uuid
from decimal import Decimal

from sqlalchemy import func, select

from core.companies.models import Company
from core.currencies.services import minor_units, to_corporate
from core.objects import records
from core.objects.money import workspace_currency
from core.orders import settings
from core.orders.lines import stored_lines
from core.orders.models import Order, OrderLine, Quote, QuoteLine
from core.orders.numbering import next_number
from core.orders.pricing import document_totals, line_amounts
from core.products.models import PriceBook
from core.products.services import list_price, standard_price_book
from saas.auth.actors import SYSTEM
from saas.auth.models import User
from saas.db import db
from saas.errors import Conflict, UserError, ValidationFailed
from tenants.scoping import require_tenant_id
from tenants.settings import setting, update_settings, workspace_today

CREDIT_CHECK_MODES = ("off", "warn", "block")
DEFAULT_CREDIT_CHECK_MODE = "warn"
# Orders in these statuses are unpaid and count against the customer's credit limit.
UNPAID_STATUSES = ("confirmed", "fulfilled", "invoiced")
MAX_AMOUNT = Decimal("9999999999999999.99")  # what a Numeric(18, 2) column holds

QUOTE_TRANSITIONS = {
    "draft": {"sent", "accepted", "declined", "expired"},
    "sent": {"draft", "accepted", "declined", "expired"},
    "accepted": {"sent", "declined"},
    "declined": {"draft"},
    "expired": {"draft"},
}
ORDER_FLOW = ("draft", "confirmed", "fulfilled", "invoiced", "paid")
# The statuses in which lines, price book, discount and tax may change.
QUOTE_EDITABLE = ("draft", "sent")
# The statuses in which a quote waits for the customer, and expires when its date passes.
QUOTE_OPEN = ("draft", "sent")
ORDER_EDITABLE = ("draft",)
PRICED_FIELDS = ("lines", "price_book_id", "discount_percent", "tax_rate")

# Set while a quote is being converted: the order's rules record where it came from and
# the quote's rules record the order, though callers cannot set these fields.
_converting: contextvars.ContextVar[dict | None] = contextvars.ContextVar(
    "trellis_converting", default=None
)


class CreditLimitExceeded(UserError):
    """The order would take the customer over its credit limit, and the workspace blocks."""

    status = 422
    code = "credit_limit_exceeded"


# Settings -----------------------------------------------------------------------------


def credit_check_mode() -> str:
    """off, warn or block: what the workspace does with an order over the credit limit."""
    return setting("credit_check")


def set_credit_check_mode(mode) -> str:
    if mode not in CREDIT_CHECK_MODES:
        raise ValidationFailed(
            f"Choose one of: {', '.join(CREDIT_CHECK_MODES)}.", field="credit_check"
        )
    update_settings({"credit_check": mode}, logged_as="settings.credit_check_changed")
    return mode


# Shared by quotes and orders -------------------------------------------------------------


def _refuse(field: str, message: str, *, summary: str | None = None) -> None:
    raise ValidationFailed(summary or message, errors={field: [message]})


def _price_book(record, cleaned: dict) -> PriceBook:
    """The header's price book: the one given, the record's, or the standard one."""
    if cleaned.get("price_book_id"):
        book = db.session.scalar(
            select(PriceBook).where(PriceBook.id == uuid.UUID(cleaned["price_book_id"]))
        )
        if (record is None or book.id != record.price_book_id) and not book.active:
            _refuse("price_book_id", "This price book is inactive; choose another.")
        return book
    if record is not None and "price_book_id" not in cleaned:
        return db.session.get(PriceBook, (require_tenant_id(), record.price_book_id))
    return standard_price_book()


def _complete_lines(
    line_model, record, lines: list[dict], book: PriceBook, actor: User | None
) -> None:
    """Fill in each line's description, unit price and amounts, or refuse naming the line."""
    product_ids = {line["product_id"] for line in lines if line["product_id"]}
    products = {
        str(p.id): p for p in records.get_records_by_ids("products", product_ids, actor=actor)
    }
    already = set()
    if _converting.get():
        already = set(product_ids)  # the quote's products, priced when they were active
    elif record is not None:
        already = {str(row.product_id) for row in stored_lines(line_model, record.id)}
    errors: dict[str, list[str]] = {}
    for index, line in enumerate(lines):
        where = f"lines[{index}]"
        product = products.get(line["product_id"]) if line["product_id"] else None
        if line["product_id"] and product is None:
            errors[f"{where}.product_id"] = ["There is no such product."]
            continue
        if product is not None and not product.active and line["product_id"] not in already:
            errors[f"{where}.product_id"] = [f"{product.name} is inactive."]
            continue
        if not line["description"]:
            line["description"] = product.name[:500]
        if line["unit_price"] is None:
            price = list_price(book, product) if product is not None else None
            if price is None:
                what = product.name if product is not None else "This line"
                errors[f"{where}.unit_price"] = [
                    f"{what} has no price in {book.name} ({book.currency}); enter a unit price."
                ]
                continue
            line["unit_price"] = Decimal(price)
        amounts = line_amounts(
            line["quantity"],
            line["unit_price"],
            discount_percent=line["discount_percent"],
            discount_amount=line["discount_amount"],
            digits=minor_units(book.currency),
        )
        if amounts.discount > amounts.gross:
            errors[f"{where}.discount_amount"] = [
                f"The discount is more than the line's amount ({amounts.gross})."
            ]
            continue
        if amounts.gross > MAX_AMOUNT:
            errors[f"{where}.quantity"] = ["The line's amount is too large."]
            continue
        line["line_total"] = amounts.total
    if errors:
        raise ValidationFailed("Some lines are not valid.", errors=errors)


def _apply_document_rules(
    line_model, record, cleaned: dict, actor: User | None, *, editable: bool, what: str
) -> None:
    """Lines, price book, currency and totals of a quote or an order."""
    priced = [name for name in PRICED_FIELDS if name in cleaned]
    if record is not None and priced and not editable:
        _refuse(
            priced[0],
            f"The {what} is {record.status}: its lines, price book, discount and tax can no "
            "longer change.",
        )
    book = _price_book(record, cleaned)
    cleaned["price_book_id"] = str(book.id)
    lines = cleaned.get("lines")
    if (
        record is not None
        and book.id != record.price_book_id
        and book.currency != record.currency
        and lines is None
        and stored_lines(line_model, record.id)
    ):
        _refuse(
            "price_book_id",
            f"The lines are priced in {record.currency}; send them again with the new price "
            "book, or choose a price book in the same currency.",
        )
    cleaned["currency"] = book.currency
    if lines is not None:
        _complete_lines(line_model, record, lines, book, actor)
        line_totals = [line["line_total"] for line in lines]
    elif record is not None:
        line_totals = [Decimal(row.line_total) for row in stored_lines(line_model, record.id)]
    else:
        line_totals = []

    def current(name):
        if name in cleaned:
            return cleaned[name]
        return getattr(record, name) if record is not None else None

    discount, tax = current("discount_percent"), current("tax_rate")
    totals = document_totals(
        line_totals,
        discount_percent=Decimal(str(discount)) if discount is not None else None,
        tax_rate=Decimal(str(tax)) if tax is not None else None,
        digits=minor_units(book.currency),
    )
    if totals.subtotal > MAX_AMOUNT or totals.total > MAX_AMOUNT:
        _refuse("lines", "The total is too large.")
    cleaned["subtotal"] = str(totals.subtotal)
    cleaned["discount_amount"] = str(totals.discount_amount)
    cleaned["tax_amount"] = str(totals.tax_amount)
    cleaned["total"] = str(totals.total)


def _new_status(record, cleaned: dict) -> str:
    if "status" in cleaned and cleaned["status"] is None:
        if record is not None:
            _refuse("status", "Choose a status.")
        cleaned.pop("status")
    if record is None:
        cleaned.setdefault("status", "draft")
        return cleaned["status"]
    return cleaned.get("status", record.status)


# Quotes ---------------------------------------------------------------------------------


def apply_quote_rules(record: Quote | None, cleaned: dict, actor: User | None) -> None:
    converting = _converting.get()
    status = _new_status(record, cleaned)
    if record is not None and status != record.status:
        if record.order_id is not None:
            _refuse("status", "This quote is converted into an order; its status is final.")
        if status not in QUOTE_TRANSITIONS[record.status]:
            _refuse("status", f"A {record.status} quote cannot become {status}.")
    _apply_validity(record, cleaned, status)
    editable = record is None or record.status in QUOTE_EDITABLE
    _apply_document_rules(QuoteLine, record, cleaned, actor, editable=editable, what="quote")
    if converting and record is not None and converting.get("quote_id") == record.id:
        cleaned["order_id"] = str(converting["order_id"])
    if record is None:
        cleaned["number"] = next_number("quotes")


def _apply_validity(record: Quote | None, cleaned: dict, status: str) -> None:
    """The valid-until date of a new quote, and what a passed date means: a draft or sent
    quote past it is expired (lazily, on its next write, if the nightly job has not run);
    it cannot be accepted, nor made draft or sent again without a later date."""
    today = workspace_today()
    if record is None and not cleaned.get("valid_until"):
        days = settings.quote_validity_days()
        cleaned["valid_until"] = (today + dt.timedelta(days=days)).isoformat()
    given = "valid_until" in cleaned
    raw = cleaned.get("valid_until") if given else record.valid_until
    valid_until = dt.date.fromisoformat(raw) if isinstance(raw, str) else raw
    if valid_until is None or valid_until >= today:
        return
    old = None if record is None else record.status
    passed = f"This quote expired on {valid_until.isoformat()}"
    if status == "accepted" and old not in (None, "accepted"):
        _refuse(
            "status" if not given else "valid_until",
            f"{passed}: it can no longer be accepted. Give it a later valid-until date first.",
        )
    if status not in QUOTE_OPEN:
        return
    if given:
        _refuse("valid_until", "A draft or sent quote must be valid until today or later.")
    if old not in QUOTE_OPEN:
        _refuse("valid_until", f"{passed}: give it a later valid-until date to reopen it.")
    # A draft or sent quote whose date passed before the nightly job ran: expired now.
    cleaned["status"] = "expired"
    records.warn(f"{passed}; it is now expired.")


def _past_date(quote: Quote, today: dt.date | None = None) -> bool:
    """A draft or sent quote whose valid-until date has passed (expired, or about to be)."""
    today = today or workspace_today()
    return (
        quote.status in QUOTE_OPEN and quote.valid_until is not None and quote.valid_until < today
    )


def expire_quotes(*, today: dt.date | None = None) -> int:
    """Mark every draft or sent quote of the workspace whose valid-until date has passed
    as expired, through the record services (audited, by the system). Returns how many."""
    today = today or workspace_today()
    due = db.session.scalars(
        select(Quote.id)
        .where(
            Quote.status.in_(QUOTE_OPEN),
            Quote.valid_until < today,
            Quote.deleted_at.is_(None),
        )
        .order_by(Quote.id)
    ).all()
    for quote_id in due:
        records.update_record("quotes", quote_id, {"status": "expired"}, actor=SYSTEM)
    return len(due)


# Orders ---------------------------------------------------------------------------------


def _order_transition_allowed(old: str, new: str) -> bool:
    if old in ("paid", "cancelled"):
        return False
    if new == "cancelled":
        return True
    if old == "confirmed" and new == "draft":
        return True
    return ORDER_FLOW.index(new) > ORDER_FLOW.index(old)


def apply_order_rules(record: Order | None, cleaned: dict, actor: User | None) -> None:
    converting = _converting.get()
    status = _new_status(record, cleaned)
    changing = record is not None and status != record.status
    if changing and not _order_transition_allowed(record.status, status):
        _refuse("status", f"A {record.status} order cannot become {status}.")
    if record is None:
        if not cleaned.get("order_date"):
            cleaned["order_date"] = workspace_today().isoformat()
        if converting:
            cleaned["quote_id"] = str(converting["quote_id"])
    editable = record is None or record.status in ORDER_EDITABLE
    _apply_document_rules(OrderLine, record, cleaned, actor, editable=editable, what="order")
    open_order = status not in ("paid", "cancelled")
    creating_open = record is None and open_order
    confirming = record is not None and status == "confirmed" and record.status == "draft"
    stored_customer = str(record.company_id) if record is not None and record.company_id else None
    new_customer = (
        record is not None
        and open_order
        and "company_id" in cleaned
        and cleaned["company_id"] != stored_customer
    )
    if creating_open or confirming or new_customer:
        _credit_check(record, cleaned)
    if record is None:
        cleaned["number"] = next_number("orders")


def check_order_restore(record: Order, cleaned: dict, actor: User | None) -> None:
    """An open order taken out of the recycle bin counts against its customer's credit
    limit again: the credit check runs as on create (block mode refuses the restore)."""
    if record.status in ("paid", "cancelled"):
        return
    cleaned["currency"], cleaned["total"] = record.currency, str(record.total)
    _credit_check(record, cleaned)
    del cleaned["currency"], cleaned["total"]


def _credit_check(record: Order | None, cleaned: dict) -> None:
    """Unpaid orders of the customer plus this one against the customer's credit limit:
    the result is kept on the order; over the limit, a warning or a refusal."""
    mode = credit_check_mode()
    stored = str(record.company_id) if record is not None and record.company_id else None
    company_id = cleaned.get("company_id", stored)
    if company_id is None:
        cleaned["credit_check"], cleaned["credit_note"] = "not_checked", "No customer."
        return
    if mode == "off":
        cleaned["credit_check"], cleaned["credit_note"] = "not_checked", "Credit check is off."
        return
    company = db.session.scalar(select(Company).where(Company.id == uuid.UUID(company_id)))
    if company.credit_limit is None:
        cleaned["credit_check"] = "no_limit"
        cleaned["credit_note"] = f"{company.name} has no credit limit."
        return
    # Credit limits are in the corporate currency; every order counts at its value there
    # (decision 0022), so an order in another currency is checked too once it has a rate.
    currency = workspace_currency()
    day = cleaned.get("order_date") or (record.order_date if record is not None else None)
    day = dt.date.fromisoformat(day) if isinstance(day, str) else day or workspace_today()
    this = to_corporate(cleaned["total"], cleaned["currency"], day)
    if this is None:
        cleaned["credit_check"] = "not_checked"
        cleaned["credit_note"] = (
            f"Credit limits are in {currency}; this order is in {cleaned['currency']}, "
            "which has no exchange rate for its date."
        )
        return
    query = select(func.coalesce(func.sum(Order.total_corporate), 0)).where(
        Order.company_id == company.id,
        Order.status.in_(UNPAID_STATUSES),
        Order.deleted_at.is_(None),
    )
    if record is not None:
        query = query.where(Order.id != record.id)
    unpaid = Decimal(str(db.session.scalar(query))).quantize(Decimal("0.01"))
    exposure, limit = unpaid + this, Decimal(company.credit_limit).quantize(Decimal("0.01"))
    figures = (
        f"unpaid orders {unpaid:,} + this order {this:,} = {exposure:,} {currency}, "
        f"credit limit {limit:,} {currency}"
    )
    if exposure <= limit:
        cleaned["credit_check"] = "within_limit"
        cleaned["credit_note"] = f"Within the credit limit: {figures}."
        return
    message = (
        f"{company.name} would be over its credit limit by {exposure - limit:,} {currency}: "
        f"{figures}."
    )
    if mode == "block":
        raise CreditLimitExceeded(
            f"Order refused: {message}", errors={"company_id": [f"Order refused: {message}"]}
        )
    cleaned["credit_check"], cleaned["credit_note"] = "over_limit", message[:500]
    records.warn(message)


# Converting a quote ---------------------------------------------------------------------


def convert_quote_to_order(quote_id, *, actor: User | None) -> Order:
    """A new draft order with the accepted quote's customer, prices, discounts and lines;
    the quote then points to it (once: converting twice is refused). The credit check of
    a new order applies."""
    quote = records.get_record("quotes", quote_id, actor=actor, action="update")
    if quote.order_id is not None:
        existing = db.session.scalar(
            select(Order).where(Order.id == quote.order_id, Order.deleted_at.is_(None))
        )
        if existing is not None:
            raise Conflict("This quote is already converted into an order.", field="order_id")
    if quote.status == "expired" or _past_date(quote):
        when = f" on {quote.valid_until.isoformat()}" if quote.valid_until else ""
        raise Conflict(
            f"This quote expired{when}: it cannot become an order. Reopen it with a later "
            "valid-until date and have it accepted first.",
            field="status",
        )
    if quote.status != "accepted":
        raise Conflict(
            f"Only an accepted quote can become an order; this one is {quote.status}.",
            field="status",
        )
    values = {
        "name": quote.name,
        "company_id": str(quote.company_id) if quote.company_id else None,
        "contact_id": str(quote.contact_id) if quote.contact_id else None,
        "deal_id": str(quote.deal_id) if quote.deal_id else None,
        "price_book_id": str(quote.price_book_id),
        "discount_percent": str(quote.discount_percent)
        if quote.discount_percent is not None
        else None,
        "tax_rate": str(quote.tax_rate) if quote.tax_rate is not None else None,
        "notes": quote.notes,
        "owner_id": str(quote.owner_id) if quote.owner_id else None,
        "lines": [
            {
                "product_id": str(row.product_id) if row.product_id else None,
                "description": row.description,
                "quantity": str(row.quantity),
                "unit_price": str(row.unit_price),
                "discount_percent": str(row.discount_percent)
                if row.discount_percent is not None
                else None,
                "discount_amount": str(row.discount_amount)
                if row.discount_amount is not None
                else None,
            }
            for row in stored_lines(QuoteLine, quote.id)
        ],
    }
    token = _converting.set({"quote_id": quote.id})
    try:
        order = records.create_record(
            "orders", {k: v for k, v in values.items() if v is not None}, actor=actor
        )
        _converting.set({"quote_id": quote.id, "order_id": order.id})
        records.update_record("quotes", quote.id, {}, actor=actor)
    finally:
        _converting.reset(token)
    return order
