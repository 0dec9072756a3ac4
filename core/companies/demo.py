"""The demo workspace's companies (``register_demo_data``)."""

from __future__ import annotations

import datetime as dt

from core.objects import records
from core.objects.demo import exists

# name, industry, size, city, country, credit limit, roles
COMPANIES = [
    ("Blue Harbor Hotels", "Hospitality", "201-1000", "Lisbon", "PT", 50000, ["customer"]),
    ("Kestrel Engineering", "Construction", "51-200", "Rotterdam", "NL", 80000, ["customer"]),
    ("Greenleaf Schools", "Education", "51-200", "Leeds", "GB", 20000, ["customer"]),
    ("Sundial Solar", "Energy", "11-50", "Seville", "ES", None, ["partner"]),
    ("Pinecrest Clinics", "Healthcare", "201-1000", "Graz", "AT", 60000, []),
    ("Atlas Freight", "Information technology", "1001+", "Hamburg", "DE", None, ["supplier"]),
]


def domain_of(company: str) -> str:
    """The e-mail domain of a demo company: ``blue.example`` for Blue Harbor Hotels."""
    return company.lower().split()[0] + ".example"


def seed(*, team: list, today: dt.date) -> None:
    """Six companies of different industries and sizes, owned by the team in turn."""
    if exists("companies"):
        return
    for index, (name, industry, size, city, country, limit, roles) in enumerate(COMPANIES):
        domain = domain_of(name)
        values = {
            "name": name,
            "industry": industry,
            "size": size,
            "website": f"https://www.{domain}",
            "email": f"hello@{domain}",
            "address": {"city": city, "country": country},
            "roles": roles,
            "owner_id": str(team[1 + index % 4].id),
        }
        if limit:
            values["credit_limit"] = limit
        records.create_record("companies", values, actor=team[0])
