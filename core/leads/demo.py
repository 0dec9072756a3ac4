"""The demo workspace's leads (``register_demo_data``)."""

from __future__ import annotations

import datetime as dt

from core.objects import records
from core.objects.demo import exists

# first, last, company, source, status
LEADS = [
    ("Tom", "Brennan", "Brennan Bakeries", "web", "new"),
    ("Mei", "Lin", "Lotus Travel", "referral", "working"),
    ("Ahmed", "Karim", "Karim Appliances", "event", "qualified"),
    ("Julia", "Nowak", "Nowak Logistics", "advertising", "unqualified"),
]


def seed(*, team: list, today: dt.date) -> None:
    """Four leads at each status, owned by the team in turn."""
    if exists("leads"):
        return
    for index, (first, last, company, source, status) in enumerate(LEADS):
        values = {
            "first_name": first,
            "last_name": last,
            "company_name": company,
            "email": f"{first.lower()}@{company.lower().split()[0]}.example",
            "source": source,
            "status": status,
            "owner_id": str(team[2 + index % 3].id),
        }
        records.create_record("leads", values, actor=team[0])
