"""The demo workspace's tickets (``register_demo_data``, after the companies and contacts).
Due times come from the ticket rules; the demo only says when each ticket was opened."""

from __future__ import annotations

import datetime as dt

from core.objects import records
from core.objects.demo import exists, one
from saas import clock
from saas.db import db

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


def seed(*, team: list, today: dt.date) -> None:
    """Tickets of different priorities: one past its SLA due time, one due within the
    hour, one on track, and one resolved with the customer's rating. A ticket's due times
    come from the ticket rules; the demo only says when each ticket was opened and raises
    the priority of two of them after that, as an agent escalating them would."""
    if exists("tickets"):
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
                "company_id": str(one("companies", "name", company).id),
                "contact_id": str(one("contacts", "email", email).id),
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
            "company_id": str(one("companies", "name", "Greenleaf Schools").id),
            "contact_id": str(one("contacts", "email", "o.hughes@greenleaf.example").id),
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
