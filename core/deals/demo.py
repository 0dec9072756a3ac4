"""The demo workspace's deals across the pipeline, each with a call, a note and a task
(``register_demo_data``, after the companies and contacts)."""

from __future__ import annotations

import datetime as dt

from core.deals.services import find_default_pipeline, list_stages
from core.objects import records
from core.objects.demo import exists, one

# name, company, contact e-mail, amount, stage position, days to close, owner index
# (0 is the admin who signs in: their home page shows their own deals and tasks too)
DEALS = [
    ("Blue Harbor: 40 seats", "Blue Harbor Hotels", "ines.costa@blue.example", 24000, 0, 30, 1),
    ("Blue Harbor: spa wing", "Blue Harbor Hotels", "rui.almeida@blue.example", 9500, 2, 21, 1),
    ("Kestrel site rollout", "Kestrel Engineering", "pieter@kestrel.example", 61000, 3, 14, 2),
    ("Greenleaf term contract", "Greenleaf Schools", "o.hughes@greenleaf.example", 12800, 1, 45, 3),
    ("Sundial partner bundle", "Sundial Solar", "carmen@sundial.example", 7200, 2, 10, 0),
    ("Pinecrest pilot", "Pinecrest Clinics", "lukas.gruber@pinecrest.example", 15000, 0, 60, 0),
    ("Kestrel maintenance", "Kestrel Engineering", "sanne.bakker@kestrel.example", 18400, 4, -5, 1),
]


def seed(*, team: list, today: dt.date) -> None:
    """Seven deals in the default pipeline's stages (one won), with their activities."""
    if exists("deals"):
        return
    stages = list_stages(find_default_pipeline().id)
    for name, company, email, amount, position, days, owner in DEALS:
        stage = stages[min(position, len(stages) - 1)]
        contact = one("contacts", "email", email)
        values = {
            "name": name,
            "amount": amount,
            "close_date": (today + dt.timedelta(days=days)).isoformat(),
            "stage_id": str(stage.id),
            "company_id": str(one("companies", "name", company).id),
            "contact_id": str(contact.id),
            "owner_id": str(team[owner].id),
        }
        deal = records.create_record("deals", values, actor=team[owner])
        _activities(deal, contact, team[owner], today=today)


def _activities(deal, contact, owner, *, today: dt.date) -> None:
    """A call that happened, a note, and a task that is due, on the deal."""
    at = dt.datetime.combine(today, dt.time(9, 30), tzinfo=dt.UTC)
    for type_, subject, due, done in (
        (
            "call",
            f"Call with {contact.first_name} {contact.last_name}",
            at - dt.timedelta(days=3),
            True,
        ),
        ("note", "Needs a quote with the annual discount", None, False),
        ("task", "Send the proposal", at + dt.timedelta(days=2), False),
    ):
        values = {
            "type": type_,
            "subject": subject,
            "done": done,
            "assignee_id": str(owner.id),
            "related_object": "deals",
            "related_id": str(deal.id),
        }
        if due is not None:
            values["due_at"] = due.isoformat()
        records.create_record("activities", values, actor=owner)
