"""The demo tenant: a small sales team with a known admin login and a few weeks of sample
work (companies, contacts, leads, deals across the pipeline, activities; products, quotes
and orders, tickets and a campaign in ``saas.demo_commerce``), for trying Trellis out. The
sample records go through the record services, as a user's would: they are validated,
audited and owned by the team. Each part is seeded once: running it again changes
nothing, and a demo workspace made before a part existed gets that part."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from core.deals.services import find_default_pipeline, list_stages
from core.objects import records
from core.objects.registry import object_for_tenant
from saas import demo_commerce
from saas.auth import services as accounts
from saas.auth.roles import MANAGER, MEMBER
from saas.db import db
from tenants.models import Tenant
from tenants.provisioning import create_tenant, get_tenant_by_slug
from tenants.scoping import tenant_scope
from tenants.settings import workspace_today

DEMO_SLUG = "demo"
DEMO_EMAIL = "admin@demo.example"
DEMO_PASSWORD = "trellis-demo"

DEMO_TEAM = [
    ("Maria Okafor", "maria@demo.example", MANAGER),
    ("Jonas Weber", "jonas@demo.example", MEMBER),
    ("Aiko Tanaka", "aiko@demo.example", MEMBER),
    ("Luis Ferreira", "luis@demo.example", MEMBER),
]


def ensure_demo_tenant() -> Tenant:
    """Create the demo tenant once; running it again changes nothing."""
    tenant = get_tenant_by_slug(DEMO_SLUG)
    if tenant is None:
        tenant, _ = create_tenant(
            slug=DEMO_SLUG,
            name="Northwind Trading (demo)",
            admin_email=DEMO_EMAIL,
            admin_name="Dana Demo",
            admin_password=DEMO_PASSWORD,
        )
    with tenant_scope(tenant.id):
        for name, email, role in DEMO_TEAM:
            if accounts.find_user_by_email(email) is None:
                accounts.create_user(email=email, name=name, role=role, password=DEMO_PASSWORD)
        today = workspace_today()
        if not _has_records():
            seed_sample_records(today=today)
        team = _team()
        demo_commerce.seed_commerce(team, today=today)
        demo_commerce.seed_service(team, today=today)
        demo_commerce.seed_marketing(team, today=today)
    return tenant


def _team() -> list:
    """The admin, then the team in the order of DEMO_TEAM."""
    return [accounts.find_user_by_email(DEMO_EMAIL)] + [
        accounts.find_user_by_email(email) for _, email, _ in DEMO_TEAM
    ]


# name, industry, size, city, country, credit limit, roles
COMPANIES = [
    ("Blue Harbor Hotels", "Hospitality", "201-1000", "Lisbon", "PT", 50000, ["customer"]),
    ("Kestrel Engineering", "Construction", "51-200", "Rotterdam", "NL", 80000, ["customer"]),
    ("Greenleaf Schools", "Education", "51-200", "Leeds", "GB", 20000, ["customer"]),
    ("Sundial Solar", "Energy", "11-50", "Seville", "ES", None, ["partner"]),
    ("Pinecrest Clinics", "Healthcare", "201-1000", "Graz", "AT", 60000, []),
    ("Atlas Freight", "Information technology", "1001+", "Hamburg", "DE", None, ["supplier"]),
]
# first, last, title, company index, e-mail user
CONTACTS = [
    ("Inês", "Costa", "Operations director", 0, "ines.costa"),
    ("Rui", "Almeida", "Procurement", 0, "rui.almeida"),
    ("Pieter", "de Vries", "CEO", 1, "pieter"),
    ("Sanne", "Bakker", "Facilities manager", 1, "sanne.bakker"),
    ("Olivia", "Hughes", "Head teacher", 2, "o.hughes"),
    ("Carmen", "Ruiz", "Founder", 3, "carmen"),
    ("Lukas", "Gruber", "IT lead", 4, "lukas.gruber"),
    ("Hannah", "Schulz", "Account manager", 5, "h.schulz"),
]
# first, last, company, source, status
LEADS = [
    ("Tom", "Brennan", "Brennan Bakeries", "web", "new"),
    ("Mei", "Lin", "Lotus Travel", "referral", "working"),
    ("Ahmed", "Karim", "Karim Appliances", "event", "qualified"),
    ("Julia", "Nowak", "Nowak Logistics", "advertising", "unqualified"),
]
# name, company index, contact index, amount, stage position, days to close, owner index
# (0 is the admin who signs in: their home page shows their own deals and tasks too)
DEALS = [
    ("Blue Harbor: 40 seats", 0, 0, 24000, 0, 30, 1),
    ("Blue Harbor: spa wing", 0, 1, 9500, 2, 21, 1),
    ("Kestrel site rollout", 1, 2, 61000, 3, 14, 2),
    ("Greenleaf term contract", 2, 4, 12800, 1, 45, 3),
    ("Sundial partner bundle", 3, 5, 7200, 2, 10, 0),
    ("Pinecrest pilot", 4, 6, 15000, 0, 60, 0),
    ("Kestrel maintenance", 1, 3, 18400, 4, -5, 1),
]


def _has_records() -> bool:
    model = object_for_tenant("companies").model
    return bool(db.session.scalar(select(func.count()).select_from(model)))


def seed_sample_records(*, today: dt.date) -> None:
    """The sample records of the demo workspace (call inside its tenant scope)."""
    team = _team()
    companies = []
    for index, (name, industry, size, city, country, limit, roles) in enumerate(COMPANIES):
        domain = name.lower().split()[0] + ".example"
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
        companies.append(records.create_record("companies", values, actor=team[0]))
    contacts = []
    for first, last, title, company, mailbox in CONTACTS:
        domain = COMPANIES[company][0].lower().split()[0] + ".example"
        values = {
            "first_name": first,
            "last_name": last,
            "title": title,
            "email": f"{mailbox}@{domain}",
            "company_id": str(companies[company].id),
            "owner_id": companies[company].owner_id and str(companies[company].owner_id),
        }
        contacts.append(records.create_record("contacts", values, actor=team[0]))
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
    stages = list_stages(find_default_pipeline().id)
    for name, company, contact, amount, position, days, owner in DEALS:
        stage = stages[min(position, len(stages) - 1)]
        values = {
            "name": name,
            "amount": amount,
            "close_date": (today + dt.timedelta(days=days)).isoformat(),
            "stage_id": str(stage.id),
            "company_id": str(companies[company].id),
            "contact_id": str(contacts[contact].id),
            "owner_id": str(team[owner].id),
        }
        deal = records.create_record("deals", values, actor=team[owner])
        _activities(deal, contacts[contact], team[owner], today=today)


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
