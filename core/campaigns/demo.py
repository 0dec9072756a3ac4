"""The demo workspace's campaign (``register_demo_data``, after the contacts and leads)."""

from __future__ import annotations

import datetime as dt

from core.objects import records
from core.objects.demo import exists, one


def seed(*, team: list, today: dt.date) -> None:
    """A webinar campaign with contacts and a lead as members at each stage."""
    if exists("campaigns"):
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
        ("contact_id", one("contacts", "email", "ines.costa@blue.example"), "responded"),
        ("contact_id", one("contacts", "email", "o.hughes@greenleaf.example"), "converted"),
        ("contact_id", one("contacts", "email", "carmen@sundial.example"), "sent"),
        ("contact_id", one("contacts", "email", "lukas.gruber@pinecrest.example"), "sent"),
        ("lead_id", one("leads", "email", "mei@lotus.example"), "responded"),
        ("lead_id", one("leads", "email", "tom@brennan.example"), "planned"),
    ]
    for field, record, status in members:
        values = {"campaign_id": str(campaign.id), field: str(record.id), "status": status}
        records.create_record("campaign_members", values, actor=maria)
