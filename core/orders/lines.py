"""The lines of quotes and orders: checking what a caller sends, storing and reading them.

A caller sends the whole list of lines (``lines`` on create and update); each line is
``{"product_id", "description", "quantity", "unit_price", "discount_percent" |
"discount_amount"}``. Only ``quantity`` and a product or a description are needed: the
description defaults to the product's name and the unit price to the product's price in
the header's price book (filled in by the header's rules, which know the price book).
Properties the API returns (``id``, ``position``, ``line_total`` ...) may be sent back and
are ignored, so a client can PATCH what it read.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from decimal import Decimal, InvalidOperation

from sqlalchemy import delete, select

from core.orders.pricing import to_cents
from saas.db import db
from saas.errors import ValidationFailed

MAX_LINES = 200
MAX_QUANTITY = Decimal("1000000")
MAX_UNIT_PRICE = Decimal("1000000000")
INPUT_KEYS = {
    "product_id",
    "description",
    "quantity",
    "unit_price",
    "discount_percent",
    "discount_amount",
}
OUTPUT_KEYS = {"id", "position", "line_total"}

_DECIMAL = {"type": "string", "pattern": r"^-?\d+(\.\d+)?$"}
_NULLABLE_DECIMAL = {"anyOf": [{"type": ["string", "number"]}, {"type": "null"}]}
LINE_SCHEMA = {
    "type": "object",
    "properties": {
        "id": {"type": "string", "format": "uuid", "readOnly": True},
        "position": {"type": "integer", "readOnly": True},
        "product_id": {"anyOf": [{"type": "string", "format": "uuid"}, {"type": "null"}]},
        "description": {
            "anyOf": [{"type": "string", "maxLength": 500}, {"type": "null"}],
            "description": "The product's name when left empty.",
        },
        "quantity": {"type": ["string", "number"], "description": "More than 0."},
        "unit_price": _NULLABLE_DECIMAL
        | {"description": "The product's price in the price book when left empty."},
        "discount_percent": _NULLABLE_DECIMAL | {"description": "0 to 100."},
        "discount_amount": _NULLABLE_DECIMAL
        | {"description": "A fixed amount off the line; not with discount_percent."},
        "line_total": _DECIMAL | {"readOnly": True},
    },
    "additionalProperties": False,
}


def _decimal(value, *, places: int, low: Decimal, high: Decimal, low_open: bool = False):
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
        raise ValueError("Enter a number.")
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        raise ValueError("Enter a number.") from None
    if not number.is_finite():
        raise ValueError("Enter a number.")
    if number < low or (low_open and number == low):
        raise ValueError(f"Enter a number {'above' if low_open else 'of at least'} {low}.")
    if number > high:
        raise ValueError(f"Enter a number of at most {high:,}.")
    if number != number.quantize(Decimal(1).scaleb(-places)):
        raise ValueError(f"Use at most {places} decimals.")
    return number.quantize(Decimal(1).scaleb(-places))


def clean_lines(raw, record) -> list[dict]:
    """The checked lines, or ValidationFailed naming each problem as ``lines[i].field``."""
    if raw is None:
        raw = []
    if not isinstance(raw, list):
        raise ValidationFailed("Give the lines as a list.", field="lines")
    if len(raw) > MAX_LINES:
        raise ValidationFailed(f"Use at most {MAX_LINES} lines.", field="lines")
    errors: dict[str, list[str]] = defaultdict(list)
    cleaned = []
    for index, item in enumerate(raw):
        where = f"lines[{index}]"
        if not isinstance(item, dict):
            errors[where].append("Give each line as an object.")
            continue
        unknown = set(item) - INPUT_KEYS - OUTPUT_KEYS
        if unknown:
            errors[where].append(f"Unknown properties: {', '.join(sorted(unknown))}.")
            continue
        line: dict = {}
        product = item.get("product_id")
        if product in (None, ""):
            line["product_id"] = None
        else:
            try:
                line["product_id"] = str(uuid.UUID(str(product)))
            except ValueError:
                errors[f"{where}.product_id"].append("There is no such product.")
        description = item.get("description")
        if description is not None and not isinstance(description, str):
            errors[f"{where}.description"].append("Enter text.")
        else:
            description = " ".join((description or "").split())
            if len(description) > 500:
                errors[f"{where}.description"].append("Use at most 500 characters.")
            line["description"] = description or None
        checks = {
            "quantity": dict(places=4, low=Decimal(0), high=MAX_QUANTITY, low_open=True),
            "unit_price": dict(places=2, low=Decimal(0), high=MAX_UNIT_PRICE),
            "discount_percent": dict(places=4, low=Decimal(0), high=Decimal(100)),
            "discount_amount": dict(places=2, low=Decimal(0), high=MAX_UNIT_PRICE),
        }
        for name, bounds in checks.items():
            try:
                line[name] = _decimal(item.get(name), **bounds)
            except ValueError as exc:
                errors[f"{where}.{name}"].append(str(exc))
        if f"{where}.quantity" not in errors and line.get("quantity") is None:
            errors[f"{where}.quantity"].append("Give the quantity.")
        if line.get("discount_percent") is not None and line.get("discount_amount") is not None:
            errors[f"{where}.discount_amount"].append(
                "Give the discount as a percentage or as an amount, not both."
            )
        no_product = not line.get("product_id") and f"{where}.product_id" not in errors
        if no_product and not line.get("description"):
            errors[f"{where}.product_id"].append("Choose a product or describe the line.")
        cleaned.append(line)
    if errors:
        raise ValidationFailed("Some lines are not valid.", errors=dict(errors))
    return cleaned


def _text(value: Decimal | None) -> str | None:
    if value is None:
        return None
    return format(value.normalize(), "f")


def summary(line: dict) -> str:
    """One line as the audit trail keeps it: "2 x Widget at 10.00 - 10% = 18.00"."""
    text = f"{_text(line['quantity'])} x {line['description']} at {line['unit_price']}"
    if line.get("discount_percent") is not None:
        text += f" - {_text(line['discount_percent'])}%"
    elif line.get("discount_amount") is not None:
        text += f" - {line['discount_amount']}"
    return f"{text} = {line['line_total']}"


def _as_dict(row) -> dict:
    return {
        "product_id": str(row.product_id) if row.product_id else None,
        "description": row.description,
        "quantity": row.quantity,
        "unit_price": to_cents(Decimal(row.unit_price)),
        "discount_percent": row.discount_percent,
        "discount_amount": (
            to_cents(Decimal(row.discount_amount)) if row.discount_amount is not None else None
        ),
        "line_total": to_cents(Decimal(row.line_total)),
    }


def stored_lines(line_model, header_id: uuid.UUID) -> list:
    return list(
        db.session.scalars(
            select(line_model)
            .where(line_model.header_id == header_id)
            .order_by(line_model.position)
        )
    )


def write_lines(line_model, record, rows: list[dict]) -> list | None:
    """Replace the lines of ``record`` by ``rows`` (completed by the header's rules);
    the audit pair [old, new] of line summaries, or None when nothing changed."""
    stored = [_as_dict(row) for row in stored_lines(line_model, record.id)]
    old, new = [summary(line) for line in stored], [summary(line) for line in rows]
    same_products = [line["product_id"] for line in stored] == [row["product_id"] for row in rows]
    if old == new and same_products:
        return None
    db.session.execute(delete(line_model).where(line_model.header_id == record.id))
    for position, row in enumerate(rows):
        db.session.add(
            line_model(
                header_id=record.id,
                position=position,
                product_id=uuid.UUID(row["product_id"]) if row["product_id"] else None,
                description=row["description"],
                quantity=row["quantity"],
                unit_price=row["unit_price"],
                discount_percent=row["discount_percent"],
                discount_amount=row["discount_amount"],
                line_total=row["line_total"],
            )
        )
    db.session.flush()
    return [old, new]


def read_lines(line_model, records: list) -> dict:
    """{header id: [line JSON, ...]} for ``records``, in one query."""
    ids = [record.id for record in records]
    if not ids:
        return {}
    result: dict = defaultdict(list)
    rows = db.session.scalars(
        select(line_model)
        .where(line_model.header_id.in_(ids))
        .order_by(line_model.header_id, line_model.position)
    )
    for row in rows:
        values = _as_dict(row)
        result[row.header_id].append(
            {
                "id": str(row.id),
                "position": row.position,
                "product_id": values["product_id"],
                "description": row.description,
                "quantity": _text(Decimal(row.quantity)),
                "unit_price": str(values["unit_price"]),
                "discount_percent": _text(Decimal(row.discount_percent))
                if row.discount_percent is not None
                else None,
                "discount_amount": str(values["discount_amount"])
                if values["discount_amount"] is not None
                else None,
                "line_total": str(values["line_total"]),
            }
        )
    return result
