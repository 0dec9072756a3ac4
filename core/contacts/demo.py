"""The demo workspace's contacts (``register_demo_data``, after the companies)."""

from __future__ import annotations

import datetime as dt

from core.companies.demo import domain_of
from core.objects import records
from core.objects.demo import exists, one

# first, last, title, company, e-mail user
CONTACTS = [
    ("Inês", "Costa", "Operations director", "Blue Harbor Hotels", "ines.costa"),
    ("Rui", "Almeida", "Procurement", "Blue Harbor Hotels", "rui.almeida"),
    ("Pieter", "de Vries", "CEO", "Kestrel Engineering", "pieter"),
    ("Sanne", "Bakker", "Facilities manager", "Kestrel Engineering", "sanne.bakker"),
    ("Olivia", "Hughes", "Head teacher", "Greenleaf Schools", "o.hughes"),
    ("Carmen", "Ruiz", "Founder", "Sundial Solar", "carmen"),
    ("Lukas", "Gruber", "IT lead", "Pinecrest Clinics", "lukas.gruber"),
    ("Hannah", "Schulz", "Account manager", "Atlas Freight", "h.schulz"),
]


def email_of(mailbox: str, company: str) -> str:
    return f"{mailbox}@{domain_of(company)}"


def seed(*, team: list, today: dt.date) -> None:
    """Eight contacts at the companies, owned by their company's owner."""
    if exists("contacts"):
        return
    for first, last, title, company_name, mailbox in CONTACTS:
        company = one("companies", "name", company_name)
        values = {
            "first_name": first,
            "last_name": last,
            "title": title,
            "email": email_of(mailbox, company_name),
            "company_id": str(company.id),
            "owner_id": company.owner_id and str(company.owner_id),
        }
        records.create_record("contacts", values, actor=team[0])
