"""Relationship services: the workspace's relationship types (defaults and admin changes),
the rules of a relationship write, and a party's relationships read from its side.
They flush and never commit; relationships are written through the generic record services.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import func, or_, select

from core.objects import records
from core.objects.choices import Choice, ChoiceGroup, MetadataChoices
from core.objects.permissions import require_right, visibility_condition
from core.objects.registry import object_for_tenant
from core.relationships.models import ENDS, PARTY_OBJECTS, Relationship, RelationshipType
from saas import security_log
from saas.auth.models import User
from saas.db import db
from saas.errors import Conflict, Forbidden, NotFound, ValidationFailed
from tenants.scoping import require_tenant_id

MAX_POSITION = 1_000_000  # positions are 32-bit integers in the database
CATEGORIES = ("family", "employment", "ownership", "business", "other")
# name, category, forward label, reverse label, from object, to object
DEFAULT_TYPES = (
    ("Spouse", "family", "spouse of", "spouse of", "contacts", "contacts"),
    ("Parent and child", "family", "parent of", "child of", "contacts", "contacts"),
    ("Relative", "family", "relative of", "relative of", "contacts", "contacts"),
    ("Employment", "employment", "employer of", "employee of", "companies", "contacts"),
    ("Parent company", "ownership", "parent of", "subsidiary of", "companies", "companies"),
    ("Holding", "ownership", "holds shares in", "shares held by", None, "companies"),
)
TYPE_FIELDS = ("name", "category", "forward_label", "reverse_label", "from_object", "to_object")


# Relationship types ---------------------------------------------------------------------


def create_default_relationship_types() -> list[RelationshipType]:
    rows = [
        RelationshipType(
            name=name,
            category=category,
            forward_label=forward,
            reverse_label=reverse,
            from_object=from_object,
            to_object=to_object,
            position=position,
        )
        for position, (name, category, forward, reverse, from_object, to_object) in enumerate(
            DEFAULT_TYPES
        )
    ]
    db.session.add_all(rows)
    db.session.flush()
    return rows


def list_relationship_types() -> list[RelationshipType]:
    """The workspace's types; a workspace created before types existed gets the defaults."""
    types = list(
        db.session.scalars(
            select(RelationshipType).order_by(RelationshipType.position, RelationshipType.name)
        )
    )
    return types or create_default_relationship_types()


def relationship_type_choices() -> MetadataChoices:
    """The types a relationship's type field offers, each with both of its labels."""
    choices = [
        Choice(str(t.id), f"{t.name} ({t.forward_label} / {t.reverse_label})")
        for t in list_relationship_types()
    ]
    return MetadataChoices([ChoiceGroup(None, "", choices)])


def get_relationship_type(type_id) -> RelationshipType:
    try:
        key = uuid.UUID(str(type_id))
    except ValueError:
        raise NotFound("No such relationship type.") from None
    row = db.session.get(RelationshipType, (require_tenant_id(), key))
    if row is None:
        raise NotFound("No such relationship type.")
    return row


def _clean_type_values(values: dict, *, row: RelationshipType | None) -> dict:
    if not isinstance(values, dict):
        raise ValidationFailed("Send a JSON object.")
    unknown = set(values) - {*TYPE_FIELDS, "position"}
    if unknown:
        raise ValidationFailed(f"Unknown properties: {', '.join(sorted(unknown))}.")
    errors: dict[str, list[str]] = {}
    cleaned: dict = {}
    for name in ("name", "forward_label", "reverse_label"):
        if name not in values and row is not None:
            continue
        text = values.get(name)
        text = " ".join(text.split()) if isinstance(text, str) else ""
        if not text or len(text) > 100:
            errors[name] = ["Enter 1 to 100 characters."]
        cleaned[name] = text
    if "category" in values or row is None:
        category = values.get("category", "other")
        if category not in CATEGORIES:
            errors["category"] = [f"Choose {', '.join(CATEGORIES)}."]
        cleaned["category"] = category
    for name in ("from_object", "to_object"):
        if name in values:
            if values[name] not in (None, *PARTY_OBJECTS):
                errors[name] = ["Choose companies, contacts or null (either)."]
            cleaned[name] = values[name]
    if "position" in values:
        position = values["position"]
        if (
            isinstance(position, bool)
            or not isinstance(position, int)
            or not 0 <= position <= MAX_POSITION
        ):
            errors["position"] = [f"Give a whole number from 0 to {MAX_POSITION:,}."]
        cleaned["position"] = position
    if errors:
        raise ValidationFailed("Some fields are not valid.", errors=errors)
    if "name" in cleaned:
        taken = select(func.count()).where(RelationshipType.name == cleaned["name"])
        if row is not None:
            taken = taken.where(RelationshipType.id != row.id)
        if db.session.scalar(taken):
            raise Conflict("A relationship type with this name exists.", field="name")
    return cleaned


def create_relationship_type(*, values: dict) -> RelationshipType:
    list_relationship_types()  # the defaults first, so that they keep their places
    cleaned = _clean_type_values(values, row=None)
    if "position" not in cleaned:
        cleaned["position"] = (
            db.session.scalar(select(func.coalesce(func.max(RelationshipType.position), -1))) + 1
        )
    row = RelationshipType(**cleaned)
    db.session.add(row)
    db.session.flush()
    security_log.record(
        "settings.relationship_type_created", target=row.name, details=_logged_type(row)
    )
    return row


_LOGGED_TYPE_PROPERTIES = (
    "name",
    "category",
    "forward_label",
    "reverse_label",
    "from_object",
    "to_object",
)


def _logged_type(row: RelationshipType) -> dict:
    """What the security log keeps of a relationship type."""
    return {name: getattr(row, name) for name in _LOGGED_TYPE_PROPERTIES}


def update_relationship_type(type_id, *, values: dict) -> RelationshipType:
    """Rename a type or its labels; which parties it links cannot change once it is used."""
    row = get_relationship_type(type_id)
    cleaned = _clean_type_values(values, row=row)
    ends = {name for name in ("from_object", "to_object") if name in cleaned}
    changed = {name for name in ends if cleaned[name] != getattr(row, name)}
    if changed and _type_in_use(row.id):
        raise Conflict(
            "Relationships of this type exist: the parties it links cannot change.",
            field=sorted(changed)[0],
        )
    before = _logged_type(row)
    for name, value in cleaned.items():
        setattr(row, name, value)
    db.session.flush()
    changed = security_log.changes(before, _logged_type(row))
    if changed:
        security_log.record(
            "settings.relationship_type_changed", target=row.name, details={"changes": changed}
        )
    return row


def _type_in_use(type_id: uuid.UUID) -> bool:
    return bool(
        db.session.scalar(
            select(func.count()).where(
                Relationship.type_id == type_id, Relationship.deleted_at.is_(None)
            )
        )
    )


def delete_relationship_type(type_id) -> None:
    row = get_relationship_type(type_id)
    used = db.session.scalar(select(func.count()).where(Relationship.type_id == row.id))
    if used:
        raise Conflict(
            "Relationships of this type exist (some perhaps in the recycle bin). "
            "Delete them first, or rename the type."
        )
    logged = _logged_type(row)
    db.session.delete(row)
    db.session.flush()
    security_log.record("settings.relationship_type_deleted", target=row.name, details=logged)


# The rules of a relationship write --------------------------------------------------------


def _end(values: dict, end: str) -> tuple[str | None, str | None, list[str]]:
    """(party object, party id, the fields given) of one end of a relationship."""
    given = [(obj, values[field]) for obj, field in ENDS[end].items() if values.get(field)]
    fields = [ENDS[end][obj] for obj, _ in given]
    if len(given) != 1:
        return None, None, fields
    return given[0][0], given[0][1], fields


def apply_relationship_rules(record: Relationship | None, cleaned: dict, actor: User | None):
    """Each end is one company or one contact, of the objects the type allows; a party is
    not related to itself, nor twice by the same type in the same direction."""
    values = {}
    for name in ("type_id", *ENDS["from"].values(), *ENDS["to"].values()):
        if name in cleaned:
            values[name] = cleaned[name]
        elif record is not None and getattr(record, name) is not None:
            values[name] = str(getattr(record, name))
    rel_type = get_relationship_type(values["type_id"])
    errors: dict[str, list[str]] = {}
    parties = {}
    for end, wanted in (("from", rel_type.from_object), ("to", rel_type.to_object)):
        obj, party_id, fields = _end(values, end)
        allowed = [wanted] if wanted else list(PARTY_OBJECTS)
        if obj is None:
            message = (
                "Choose one company or one contact."
                if not wanted
                else (f"Choose one {object_for_tenant(wanted).label.lower()}.")
            )
            for field in fields or [ENDS[end][o] for o in allowed]:
                errors[field] = [message]
        elif obj not in allowed:
            kind = rel_type.name.lower()
            article = "An" if kind[:1] in "aeiou" else "A"
            errors[ENDS[end][obj]] = [
                f"{article} {kind} relationship links a "
                f"{object_for_tenant(wanted).label.lower()} here."
            ]
        parties[end] = (obj, party_id)
    if not errors and parties["from"] == parties["to"]:
        errors[ENDS["to"][parties["to"][0]]] = ["A party cannot be related to itself."]
    if errors:
        raise ValidationFailed("Some fields are not valid.", errors=errors)
    query = select(func.count()).where(
        Relationship.type_id == rel_type.id,
        getattr(Relationship, ENDS["from"][parties["from"][0]]) == uuid.UUID(parties["from"][1]),
        getattr(Relationship, ENDS["to"][parties["to"][0]]) == uuid.UUID(parties["to"][1]),
        Relationship.deleted_at.is_(None),
    )
    if record is not None:
        query = query.where(Relationship.id != record.id)
    if db.session.scalar(query):
        raise Conflict(
            "These parties already have this relationship.",
            errors={"type_id": ["This relationship exists already."]},
        )
    start = cleaned.get(
        "start_date", record and record.start_date and record.start_date.isoformat()
    )
    end = cleaned.get("end_date", record and record.end_date and record.end_date.isoformat())
    if start and end and end < start:
        raise ValidationFailed(
            "Some fields are not valid.",
            errors={"end_date": ["The relationship cannot end before it starts."]},
        )


# Reading --------------------------------------------------------------------------------


def _party_of(record: Relationship, end: str) -> tuple[str, uuid.UUID]:
    for obj, field in ENDS[end].items():
        value = getattr(record, field)
        if value is not None:
            return obj, value
    raise LookupError("a relationship without a party")  # the rules make this impossible


def relationship_sentence(record: Relationship) -> str:
    """The relationship read from its ``from`` side ("Acme Group parent of Acme GmbH"),
    naming only the parties the reader may see ("a company you cannot see" for others)."""
    rel_type = db.session.get(RelationshipType, (require_tenant_id(), record.type_id))
    names = []
    for end in ("from", "to"):
        obj, key = _party_of(record, end)
        label = object_for_tenant(obj).label.lower()
        names.append(records.visible_title(obj, key, hidden=f"a {label} you cannot see"))
    return f"{names[0]} {rel_type.forward_label if rel_type else 'related to'} {names[1]}"


@dataclass(frozen=True)
class PartyRelationship:
    relationship: Relationship
    type: RelationshipType
    direction: str  # "forward": the party is the ``from`` end; "reverse": the ``to`` end
    label: str  # as read from the party: "subsidiary of"
    other_object: str
    other_id: uuid.UUID
    other_title: str | None  # None: the other party is not visible to the reader


def party_relationships(object_name: str, record_id, *, actor: User | None) -> list:
    """The relationships of a company or contact, each read from its side ("Acme GmbH
    subsidiary of Acme Group"), that ``actor`` may see; the other party's name only when
    ``actor`` may see that party too."""
    if object_name not in PARTY_OBJECTS:
        raise NotFound("Only companies and contacts have relationships.")
    party = records.get_record(object_name, record_id, actor=actor)
    rights = require_right(actor, "relationships", "read", "relationships")
    condition = visibility_condition(Relationship, actor, rights["visibility"])
    query = select(Relationship).where(
        or_(
            getattr(Relationship, ENDS["from"][object_name]) == party.id,
            getattr(Relationship, ENDS["to"][object_name]) == party.id,
        ),
        Relationship.deleted_at.is_(None),
    )
    if condition is not None:
        query = query.where(condition)
    rows = list(db.session.scalars(query.order_by(Relationship.created_at)))
    types = {t.id: t for t in list_relationship_types()}
    others: dict[str, set] = {name: set() for name in PARTY_OBJECTS}
    found = []
    for row in rows:
        forward = getattr(row, ENDS["from"][object_name]) == party.id
        other_object, other_id = _party_of(row, "to" if forward else "from")
        others[other_object].add(other_id)
        found.append((row, forward, other_object, other_id))
    titles = {}
    for name, ids in others.items():
        if not ids:
            continue
        spec = object_for_tenant(name)
        try:
            visible = records.get_records_by_ids(name, sorted(ids), actor=actor)
        except Forbidden:
            continue
        titles.update({(name, r.id): spec.title(r) for r in visible})
    result = []
    for row, forward, other_object, other_id in found:
        rel_type = types[row.type_id]
        result.append(
            PartyRelationship(
                relationship=row,
                type=rel_type,
                direction="forward" if forward else "reverse",
                label=rel_type.forward_label if forward else rel_type.reverse_label,
                other_object=other_object,
                other_id=other_id,
                other_title=titles.get((other_object, other_id)),
            )
        )
    return result
