"""The demo workspace's quotes and orders (``register_demo_data``, after the products,
companies, contacts and deals). Numbers, totals and credit checks come from the orders
area's own rules, as a user's work would."""

from __future__ import annotations

import datetime as dt

from core.objects import records
from core.objects.demo import exists, one
from core.orders.services import convert_quote_to_order


def _line(code: str, quantity, **extra) -> dict:
    product = one("products", "code", code)
    return {"product_id": str(product.id), "quantity": str(quantity), **extra}


def seed(*, team: list, today: dt.date) -> None:
    """Three quotes (sent, accepted, expired) and orders (confirmed, paid, and one over
    its customer's credit limit)."""
    if exists("quotes"):
        return
    education = one("price_books", "name", "Education")

    def party(company: str, contact_email: str, deal: str) -> dict:
        return {
            "company_id": str(one("companies", "name", company).id),
            "contact_id": str(one("contacts", "email", contact_email).id),
            "deal_id": str(one("deals", "name", deal).id),
        }

    jonas, aiko = team[2], team[3]
    records.create_record(
        "quotes",
        {
            "name": "40 seats and onboarding",
            "status": "sent",
            "tax_rate": "23",
            **party("Blue Harbor Hotels", "ines.costa@blue.example", "Blue Harbor: 40 seats"),
            "lines": [_line("SEAT-1Y", 40), _line("SRV-ONB", 1)],
        },
        actor=jonas,
    )
    accepted = records.create_record(
        "quotes",
        {
            "name": "Term contract, education pricing",
            "status": "accepted",
            "price_book_id": str(education.id),
            **party("Greenleaf Schools", "o.hughes@greenleaf.example", "Greenleaf term contract"),
            "lines": [
                _line("SEAT-1Y", 80),
                _line("SRV-ONB", 2),
                _line("HW-KIT", 8, discount_percent="10"),
            ],
        },
        actor=team[4],
    )
    records.create_record(
        "quotes",
        {
            "name": "Pilot for two clinics",
            "status": "expired",
            "valid_until": (today - dt.timedelta(days=12)).isoformat(),
            **party("Pinecrest Clinics", "lukas.gruber@pinecrest.example", "Pinecrest pilot"),
            "lines": [_line("SEAT-1Y", 15), _line("SUP-PRI", 1)],
        },
        actor=aiko,
    )

    kestrel = party("Kestrel Engineering", "sanne.bakker@kestrel.example", "Kestrel maintenance")
    records.create_record(
        "orders",
        {
            "name": "Maintenance year one",
            "status": "confirmed",
            **kestrel,
            "lines": [_line("SUP-PRI", 1), _line("SEAT-1Y", 20)],
        },
        actor=jonas,
    )
    spa = records.create_record(
        "orders",
        {
            "name": "Spa wing front desk",
            "status": "confirmed",
            **party("Blue Harbor Hotels", "rui.almeida@blue.example", "Blue Harbor: spa wing"),
            "lines": [_line("HW-KIT", 4), _line("SEAT-1Y", 6)],
        },
        actor=jonas,
    )
    records.update_record("orders", spa.id, {"status": "paid"}, actor=jonas)
    # The accepted Greenleaf quote becomes an order over the school's credit limit
    # (20,000): the credit check warns (the workspace's mode is "warn") and keeps the note.
    order = convert_quote_to_order(accepted.id, actor=team[4])
    records.update_record("orders", order.id, {"status": "confirmed"}, actor=team[4])
