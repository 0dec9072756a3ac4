"""Web pages for quotes and orders beyond the generic record pages: the lines editor on
the record page (a plain form; the script adds rows and live totals), converting an
accepted quote, and the admin's sales settings (credit check, numbering, quote validity).

The lines are saved through the record services like any field, so rights, the status
rules, the credit check and the audit trail apply; a refusal shows the page again with
what was typed and a message per line (422), and nothing is written.
"""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from core.objects.permissions import rights_of
from core.objects.records import update_record
from core.objects.registry import object_for_tenant
from core.objects.views import flash_warnings, record_page
from core.orders import services
from core.orders import settings as sales_settings_service
from core.orders.numbering import format_number
from core.orders.services import ORDER_EDITABLE, QUOTE_EDITABLE
from core.products.models import Product
from saas import clock
from saas.db import db
from saas.errors import Forbidden, NotFound, UserError
from saas.i18n import _
from saas.web import admin_required, member_required

bp = Blueprint("orders", __name__, template_folder="templates")

LINE_INPUTS = (
    "product_id",
    "description",
    "quantity",
    "unit_price",
    "discount_percent",
    "discount_amount",
)
BLANK_ROWS = 3
MAX_PRODUCT_CHOICES = 500


@bp.app_template_global()
def lines_editor(obj, page) -> dict:
    """What the lines card of a quote or order page shows: the lines (or what was typed
    when saving them failed), the messages per line, the products to choose from, and
    whether the lines can change now."""
    record = page.record
    editable_statuses = QUOTE_EDITABLE if obj.api_name == "quotes" else ORDER_EDITABLE
    can_edit = rights_of(current_user.role, obj.api_name)["update"] and (
        record.status in editable_statuses
    )
    failed = g.get("trellis_lines_failed")
    rows = failed["rows"] if failed else [dict(line) for line in page.row.get("lines", [])]
    products = []
    if can_edit:
        products = list(
            db.session.scalars(
                select(Product)
                .where(Product.deleted_at.is_(None), Product.active.is_(True))
                .order_by(Product.name)
                .limit(MAX_PRODUCT_CHOICES)
            )
        )
        chosen = {row.get("product_id") for row in rows if row.get("product_id")}
        listed = {str(p.id) for p in products}
        products += [
            p
            for p in db.session.scalars(select(Product).where(Product.deleted_at.is_(None)))
            if str(p.id) in chosen - listed
        ]
    return {
        "rows": rows,
        "errors": failed["errors"] if failed else {},
        "products": products,
        "editable": can_edit,
        "blank": BLANK_ROWS,
        "inputs": LINE_INPUTS,
    }


def _typed_rows() -> tuple[list[dict], list[dict]]:
    """(every row as typed, the rows to save): blank and removed rows are not saved."""
    try:
        count = min(int(request.form.get("line_count", "0")), 500)
    except ValueError:
        count = 0
    typed, kept = [], []
    for index in range(count):
        row = {name: request.form.get(f"line-{index}-{name}", "").strip() for name in LINE_INPUTS}
        removed = request.form.get(f"line-{index}-remove") == "on"
        if removed or not any(row.values()):
            continue
        typed.append(row)
        kept.append({name: value or None for name, value in row.items()})
    return typed, kept


@bp.post("/o/quotes/<quote_id>/lines")
@member_required
def save_quote_lines(quote_id: str):
    return _save_lines(object_for_tenant("quotes"), quote_id)


@bp.post("/o/orders/<order_id>/lines")
@member_required
def save_order_lines(order_id: str):
    return _save_lines(object_for_tenant("orders"), order_id)


def _save_lines(obj, record_id: str):
    typed, lines = _typed_rows()
    try:
        record = update_record(
            obj.api_name,
            record_id,
            {"lines": lines},
            actor=current_user,
            expected_version=request.form.get("version") or None,
        )
    except UserError as error:
        if isinstance(error, Forbidden | NotFound):
            raise
        db.session.rollback()
        g.trellis_lines_failed = {"rows": typed, "errors": _line_errors(error)}
        failed = {"field": "lines", "raw": {}, "message": error.message, "messages": []}
        return record_page(obj, record_id, failed=failed, status=error.status)
    flash(_("Lines saved."), "success")
    flash_warnings()
    return redirect(url_for("records.show", object_name=obj.api_name, record_id=record.id), 303)


def _line_errors(error: UserError) -> dict:
    """{(row index, input): [message]} and {"_": [message]} for the rest."""
    result: dict = {}
    for key, messages in (error.errors or {}).items():
        if key.startswith("lines[") and "]" in key:
            index, _, name = key[len("lines[") :].partition("]")
            name = name.lstrip(".") or "_row"
            if index.isdigit():
                result[f"{index}.{name}"] = messages
                continue
        result.setdefault("_", []).extend(messages)
    return result


@bp.post("/o/quotes/<quote_id>/convert")
@member_required
def convert_quote(quote_id: str):
    quote_obj = object_for_tenant("quotes")
    try:
        order = services.convert_quote_to_order(quote_id, actor=current_user)
    except UserError as error:
        if isinstance(error, Forbidden | NotFound):
            raise
        db.session.rollback()
        failed = {"field": "_convert", "raw": {}, "message": error.message, "messages": []}
        return record_page(quote_obj, quote_id, failed=failed, status=error.status)
    flash(_("Order %(number)s created from the quote.", number=order.number), "success")
    flash_warnings()
    return redirect(url_for("records.show", object_name="orders", record_id=order.id), 303)


SETTING_INPUTS = ("quote_prefix", "order_prefix", "quote_validity_days")


@bp.route("/admin/sales", methods=["GET", "POST"])
@admin_required
def sales_settings():
    """The credit check, and the numbering and validity of quotes and orders: one form,
    saved whole or not at all."""
    error, status = None, 200
    if request.method == "POST":
        try:
            _save_sales_settings(request.form)
        except UserError as exc:
            db.session.rollback()
            error, status = exc, exc.status
        else:
            flash(_("Sales settings saved."), "success")
            return redirect(url_for("orders.sales_settings"), 303)
    values = sales_settings_service.sales_settings()
    if error:
        values |= {name: request.form.get(name, "") for name in SETTING_INPUTS}
    return render_template(
        "admin/sales.html",
        mode=request.form.get("credit_check") if error else services.credit_check_mode(),
        modes=services.CREDIT_CHECK_MODES,
        values=values,
        errors=(error.errors or {}) if error else {},
        error=error,
        example=_example_numbers(values),
    ), status


def _save_sales_settings(form) -> None:
    if "credit_check" in form:
        services.set_credit_check_mode(form.get("credit_check"))
    given = {name: form[name] for name in SETTING_INPUTS if name in form}
    if given:
        sales_settings_service.save_sales_settings(given)


def _example_numbers(values: dict) -> dict:
    year = clock.now().year
    return {
        kind: format_number(str(values[f"{kind}_prefix"]), year, 1) for kind in ("quote", "order")
    }
