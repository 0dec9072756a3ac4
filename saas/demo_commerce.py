"""The demo workspace's products, price books, quotes and orders, its tickets and its
campaign (see ``saas.demo``). Each part is seeded once, when the workspace has none of
its records yet, and through the record services as a user's work would be: numbers,
totals, credit checks, SLA due times and audit entries come from the product's own rules.
"""

from __future__ import annotations

import datetime as dt

from core.objects import records
from saas import clock
from saas.auth.models import User
from saas.db import db

# name, code, family, standard price
PRODUCTS = [
    ("Trellis Desk seat (annual)", "SEAT-1Y", "Licences", 240),
    ("Onboarding workshop", "SRV-ONB", "Services", 1800),
    ("Priority support (annual)", "SUP-PRI", "Support", 3000),
    ("Front desk hardware kit", "HW-KIT", "Hardware", 650),
]
# The education price book: product code -> list price.
EDUCATION_PRICES = {"SEAT-1Y": 200, "SRV-ONB": 1500}


def _one(object_name: str, field: str, value: str):
    found, _ = records.list_records(
        object_name, filters=[records.Filter(field, "eq", value)], limit=1, actor=None
    )
    return found[0] if found else None


def _exists(object_name: str) -> bool:
    found, _ = records.list_records(object_name, limit=1, actor=None)
    return bool(found)


def _line(products: dict, code: str, quantity, **extra) -> dict:
    return {"product_id": str(products[code].id), "quantity": str(quantity), **extra}


def seed_commerce(team: list[User], *, today: dt.date) -> None:
    """Products, an education price book, three quotes (sent, accepted, expired) and
    orders (confirmed, paid, and one over its customer's credit limit)."""
    if _exists("products"):
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

    def party(company: str, contact_email: str, deal: str) -> dict:
        return {
            "company_id": str(_one("companies", "name", company).id),
            "contact_id": str(_one("contacts", "email", contact_email).id),
            "deal_id": str(_one("deals", "name", deal).id),
        }

    jonas, aiko = team[2], team[3]
    records.create_record(
        "quotes",
        {
            "name": "40 seats and onboarding",
            "status": "sent",
            "tax_rate": "23",
            **party("Blue Harbor Hotels", "ines.costa@blue.example", "Blue Harbor: 40 seats"),
            "lines": [_line(products, "SEAT-1Y", 40), _line(products, "SRV-ONB", 1)],
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
                _line(products, "SEAT-1Y", 80),
                _line(products, "SRV-ONB", 2),
                _line(products, "HW-KIT", 8, discount_percent="10"),
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
            "lines": [_line(products, "SEAT-1Y", 15), _line(products, "SUP-PRI", 1)],
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
            "lines": [_line(products, "SUP-PRI", 1), _line(products, "SEAT-1Y", 20)],
        },
        actor=jonas,
    )
    spa = records.create_record(
        "orders",
        {
            "name": "Spa wing front desk",
            "status": "confirmed",
            **party("Blue Harbor Hotels", "rui.almeida@blue.example", "Blue Harbor: spa wing"),
            "lines": [_line(products, "HW-KIT", 4), _line(products, "SEAT-1Y", 6)],
        },
        actor=jonas,
    )
    records.update_record("orders", spa.id, {"status": "paid"}, actor=jonas)
    # The accepted Greenleaf quote becomes an order over the school's credit limit
    # (20,000): the credit check warns (the workspace's mode is "warn") and keeps the note.
    from core.orders.services import convert_quote_to_order

    order = convert_quote_to_order(accepted.id, actor=team[4])
    records.update_record("orders", order.id, {"status": "confirmed"}, actor=team[4])


# subject, priority at first, priority now, opened ago, status, company, contact e-mail
TICKETS = [
    (
        "Booking screen freezes at check-in",
        "normal",
        "high",
        dt.timedelta(days=2),
        "new",
        "Blue Harbor Hotels",
        "ines.costa@blue.example",
    ),
    (
        "VAT missing on exported invoices",
        "normal",
        "urgent",
        dt.timedelta(minutes=30),
        "new",
        "Kestrel Engineering",
        "pieter@kestrel.example",
    ),
    (
        "Add two receptionists",
        "low",
        "low",
        dt.timedelta(0),
        "open",
        "Pinecrest Clinics",
        "lukas.gruber@pinecrest.example",
    ),
]


def seed_service(team: list[User], *, today: dt.date) -> None:
    """Tickets of different priorities: one past its SLA due time, one due within the
    hour, one on track, and one resolved with the customer's rating. A ticket's due times
    come from the ticket rules; the demo only says when each ticket was opened and raises
    the priority of two of them after that, as an agent escalating them would."""
    if _exists("tickets"):
        return
    for index, (subject, first, now, ago, status, company, email) in enumerate(TICKETS):
        # The admin who signs in handles the first one: their home page shows it by SLA.
        agent = team[0] if index == 0 else team[3]
        ticket = records.create_record(
            "tickets",
            {
                "subject": subject,
                "priority": first,
                "channel": "email",
                "company_id": str(_one("companies", "name", company).id),
                "contact_id": str(_one("contacts", "email", email).id),
                "owner_id": str(agent.id),
            },
            actor=agent,
        )
        if ago:
            ticket.created_at = clock.now() - ago  # opened earlier than the demo was made
            db.session.flush()
        change = {"priority": now} if now != first else {}
        if status != "new":
            change["status"] = status
        if change:
            records.update_record("tickets", ticket.id, change, actor=agent)
    agent = team[3]
    resolved = records.create_record(
        "tickets",
        {
            "subject": "Password reset for teachers",
            "priority": "normal",
            "channel": "phone",
            "company_id": str(_one("companies", "name", "Greenleaf Schools").id),
            "contact_id": str(_one("contacts", "email", "o.hughes@greenleaf.example").id),
            "owner_id": str(agent.id),
        },
        actor=agent,
    )
    records.update_record(
        "tickets",
        resolved.id,
        {
            "status": "resolved",
            "resolution": "Sent the reset links; explained self-service reset.",
            "satisfaction": 5,
        },
        actor=agent,
    )


def seed_marketing(team: list[User], *, today: dt.date) -> None:
    """A webinar campaign with contacts and a lead as members at each stage."""
    if _exists("campaigns"):
        return
    maria = team[1]
    campaign = records.create_record(
        "campaigns",
        {
            "name": "Webinar: a service desk in a day",
            "type": "webinar",
            "status": "active",
            "start_date": (today - dt.timedelta(days=14)).isoformat(),
            "end_date": (today + dt.timedelta(days=14)).isoformat(),
            "budget": 5000,
            "cost": 3200,
        },
        actor=maria,
    )
    members = [
        ("contact_id", _one("contacts", "email", "ines.costa@blue.example"), "responded"),
        ("contact_id", _one("contacts", "email", "o.hughes@greenleaf.example"), "converted"),
        ("contact_id", _one("contacts", "email", "carmen@sundial.example"), "sent"),
        ("contact_id", _one("contacts", "email", "lukas.gruber@pinecrest.example"), "sent"),
        ("lead_id", _one("leads", "email", "mei@lotus.example"), "responded"),
        ("lead_id", _one("leads", "email", "tom@brennan.example"), "planned"),
    ]
    for field, record, status in members:
        values = {"campaign_id": str(campaign.id), field: str(record.id), "status": status}
        records.create_record("campaign_members", values, actor=maria)
