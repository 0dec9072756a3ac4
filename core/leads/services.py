"""Lead services: the rules of a lead write, and conversion into a contact, a company and
optionally a deal. They flush and never commit.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass

from sqlalchemy import func

from core.companies.models import Company
from core.contacts.models import Contact
from core.leads.models import CONVERTED, Lead
from core.objects import records
from core.objects.audit import AuditEntry
from core.objects.registry import object_for_tenant
from saas import clock
from saas.auth.models import User
from saas.db import db
from saas.errors import Conflict, Forbidden, NotFound, ValidationFailed


def apply_lead_rules(record: Lead | None, cleaned: dict, actor: User | None) -> None:
    """A converted lead is kept as it was; only conversion marks a lead converted."""
    if record is not None and record.status == CONVERTED:
        raise Conflict("This lead was converted. Change its contact, company or deal instead.")
    if cleaned.get("status") == CONVERTED:
        raise ValidationFailed(
            "Convert the lead to mark it converted.",
            errors={"status": ["A lead becomes converted only by converting it."]},
        )


@dataclass(frozen=True)
class LeadConversion:
    lead_id: uuid.UUID
    contact_id: uuid.UUID
    company_id: uuid.UUID | None
    deal_id: uuid.UUID | None


class DuplicatesFound(Conflict):
    """Conversion would create a contact or company that seems to exist already."""

    def __init__(self, message: str, *, duplicates: dict, errors: dict) -> None:
        super().__init__(message, errors=errors)
        self.duplicates = duplicates


def _existing(object_name: str, value, *, field: str, actor: User | None):
    try:
        return records.get_record(object_name, value, actor=actor)
    except (NotFound, Forbidden):
        raise ValidationFailed(
            "Choose a record that exists.", errors={field: ["There is no such record."]}
        ) from None


def _same(object_name: str, column, value: str, *, actor: User | None) -> tuple[list, int]:
    """Live records whose ``column`` equals ``value`` ignoring case: those ``actor`` may see,
    and how many others there are."""
    obj = object_for_tenant(object_name)
    ids = db.session.scalars(
        records.records_query(obj)
        .with_only_columns(obj.model.id)
        .where(func.lower(column) == value.lower(), obj.model.deleted_at.is_(None))
        .order_by(obj.model.created_at)
        .limit(20)
    ).all()
    visible = records.get_records_by_ids(object_name, ids, actor=actor)
    return visible, len(ids) - len(visible)


def find_duplicates(
    lead: Lead, *, actor: User | None, new_contact: bool, new_company: bool
) -> tuple[dict, dict]:
    """Contacts with the lead's e-mail and companies with its company name, ignoring case.

    Returns the duplicates for the caller ({"contacts": [...], "companies": [...],
    "not_visible": n}) and messages per conversion parameter (empty: none found).
    """
    found: dict = {"contacts": [], "companies": [], "not_visible": 0}
    messages: dict[str, list[str]] = {}
    if new_contact and lead.email:
        contacts, hidden = _same("contacts", Contact.email, lead.email, actor=actor)
        found["contacts"] = [
            {"id": str(c.id), "name": c.full_name, "email": c.email} for c in contacts
        ]
        found["not_visible"] += hidden
        if contacts or hidden:
            messages["contact_id"] = [
                f"{len(contacts) + hidden} contact(s) already use the e-mail {lead.email}."
            ]
    if new_company and lead.company_name:
        companies, hidden = _same("companies", Company.name, lead.company_name, actor=actor)
        found["companies"] = [{"id": str(c.id), "name": c.name} for c in companies]
        found["not_visible"] += hidden
        if companies or hidden:
            messages["company_id"] = [
                f"{len(companies) + hidden} company(ies) are already called {lead.company_name}."
            ]
    return found, messages


def _flag(value, field: str) -> bool:
    if not isinstance(value, bool):
        raise ValidationFailed("Use true or false.", field=field)
    return value


def convert_lead(
    lead_id,
    *,
    actor: User | None,
    create_deal: bool = False,
    deal_name: str | None = None,
    company_id=None,
    contact_id=None,
    allow_duplicates: bool = False,
) -> LeadConversion:
    """Turn a lead into a contact and (when it names one) a company, and optionally a deal.

    Pass ``company_id`` / ``contact_id`` to use existing records instead of creating them.
    Before creating anything, look for duplicates (contacts with the lead's e-mail,
    companies with its company name, ignoring case): when some exist, refuse with
    ``DuplicatesFound`` (409) unless ``allow_duplicates``. All the records are created
    through the record services (rights, validation, audit) in one savepoint: either the
    whole conversion is written or nothing is. The lead is then marked converted, with
    links to what it became.
    """
    lead = records.get_record("leads", lead_id, actor=actor, action="update")
    if lead.status == CONVERTED:
        raise Conflict("This lead is already converted.")
    create_deal = _flag(create_deal, "create_deal")
    allow_duplicates = _flag(allow_duplicates, "allow_duplicates")
    if deal_name is not None and not isinstance(deal_name, str):
        raise ValidationFailed("Enter the deal's name as text.", field="deal_name")

    contact = company = None
    if contact_id:
        contact = _existing("contacts", contact_id, field="contact_id", actor=actor)
    if company_id:
        company = _existing("companies", company_id, field="company_id", actor=actor)
    elif contact is not None and contact.company_id is not None:
        # The chosen contact's company, when the caller may see it.
        found = records.get_records_by_ids("companies", [contact.company_id], actor=actor)
        company = found[0] if found else None
    new_company = company is None and bool(lead.company_name)
    if not allow_duplicates:
        duplicates, messages = find_duplicates(
            lead, actor=actor, new_contact=contact is None, new_company=new_company
        )
        if messages:
            raise DuplicatesFound(
                "Some records seem to exist already. Choose them with contact_id or "
                "company_id, or convert with allow_duplicates: true.",
                duplicates=duplicates,
                errors=messages,
            )

    owner = str(lead.owner_id) if lead.owner_id else None
    with db.session.begin_nested():
        if new_company:
            company = records.create_record(
                "companies", {"name": lead.company_name, "owner_id": owner}, actor=actor
            )
        if contact is None:
            contact = records.create_record(
                "contacts",
                {
                    "first_name": lead.first_name,
                    "last_name": lead.last_name,
                    "email": lead.email,
                    "phone": lead.phone,
                    "title": lead.title,
                    "company_id": str(company.id) if company else None,
                    "description": lead.description,
                    "owner_id": owner,
                },
                actor=actor,
            )
        deal = None
        if create_deal:
            name = deal_name if deal_name else (lead.company_name or lead.full_name)
            deal = records.create_record(
                "deals",
                {
                    "name": name,
                    "company_id": str(company.id) if company else None,
                    "contact_id": str(contact.id),
                    "owner_id": owner,
                },
                actor=actor,
            )
        _mark_converted(lead, contact=contact, company=company, deal=deal, actor=actor)
    return LeadConversion(
        lead_id=lead.id,
        contact_id=contact.id,
        company_id=company.id if company else None,
        deal_id=deal.id if deal else None,
    )


def _mark_converted(lead: Lead, *, contact, company, deal, actor: User | None) -> None:
    now = clock.now()
    links = {
        "converted_contact_id": contact.id,
        "converted_company_id": company.id if company else None,
        "converted_deal_id": deal.id if deal else None,
    }
    changes = {"status": [lead.status, CONVERTED], "converted_at": [None, now.isoformat()]}
    changes.update({name: [None, str(value)] for name, value in links.items() if value})
    lead.status = CONVERTED
    lead.converted_at = now
    for name, value in links.items():
        setattr(lead, name, value)
    lead.updated_at = now
    db.session.flush()
    db.session.add(
        AuditEntry(
            object_name="leads",
            record_id=lead.id,
            action="convert",
            actor_id=actor.id if actor else None,
            changes=json.loads(json.dumps(changes, default=str)),
        )
    )
    db.session.flush()
