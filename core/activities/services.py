"""Activity services: the rules of an activity write (related record, assignee, mentions,
completion) and the timeline of a record. They flush and never commit.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import re
import uuid

from sqlalchemy import and_, or_, select

from core.activities.models import Activity
from core.objects import records
from core.objects.audit import AuditEntry
from core.objects.permissions import rights_of, visibility_condition
from core.objects.registry import object_for_tenant, objects_for_tenant
from core.objects.types import FIELD_TYPES
from saas import clock
from saas.auth.actors import is_system, person_id
from saas.auth.models import User
from saas.db import db
from saas.errors import Forbidden, NotFound, ValidationFailed
from saas.i18n import _, in_language_of
from saas.mail import queue_email
from tenants.scoping import require_tenant_id

# "@" + an e-mail address, not preceded by a character that would make it part of a word
# or of another address. A trailing full stop ends the sentence, not the address.
MENTION = re.compile(
    r"(?<![\w.+@-])@([A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})"
)
MAX_TIMELINE_PAGE = 200


def mentioned_user_ids(text: str | None) -> list[str]:
    """The ids of the active users of the tenant mentioned as @e-mail, in order, once each."""
    emails = []
    for match in MENTION.finditer(text or ""):
        email = match.group(1).lower()
        if email not in emails:
            emails.append(email)
    if not emails:
        return []
    users = {
        user.email: user
        for user in db.session.scalars(
            select(User).where(User.email.in_(emails), User.is_active.is_(True))
        )
    }
    return [str(users[email].id) for email in emails if email in users]


def _check_related(object_name, record_id, actor: User | None) -> tuple[str, str]:
    """The related record's (object, id), after checking that ``actor`` may see it."""
    problems: dict[str, list[str]] = {}
    if not object_name:
        problems["related_object"] = ["Name the object of the related record."]
    if not record_id:
        problems["related_id"] = ["Give the id of the related record."]
    if problems:
        raise ValidationFailed("Give both the related object and record.", errors=problems)
    try:
        obj = object_for_tenant(object_name)
    except NotFound:
        raise ValidationFailed(
            "There is no such object.", errors={"related_object": ["There is no such object."]}
        ) from None
    try:
        record = records.get_record(obj.api_name, record_id, actor=actor)
    except (NotFound, Forbidden):
        raise ValidationFailed(
            "There is no such record.", errors={"related_id": ["There is no such record."]}
        ) from None
    return obj.api_name, str(record.id)


def _notify_mentioned(user_ids: list[str], cleaned: dict, record, actor: User | None) -> None:
    subject = cleaned.get("subject") or _current(record, "subject") or ""
    author = actor.name
    for user_id in user_ids:
        user = db.session.get(User, (require_tenant_id(), uuid.UUID(user_id)))
        if user is None or user.id == person_id(actor):
            continue
        with in_language_of(user):
            queue_email(
                to=user.email,
                subject=_("%(author)s mentioned you: %(subject)s", author=author, subject=subject)[
                    :300
                ],
                body=_(
                    "%(author)s mentioned you in the activity “%(subject)s”:\n\n%(body)s\n",
                    author=author,
                    subject=subject,
                    body=cleaned.get("body") or "",
                ),
            )


def apply_activity_rules(record: Activity | None, cleaned: dict, actor: User | None) -> None:
    """Complete and check an activity write (``record`` is None on create).

    - The related record (``related_object`` + ``related_id``, given together) must exist
      in this workspace and be visible to the writer.
    - The assignee is the creator unless given.
    - ``mentions`` is recomputed from the body; users newly mentioned get an e-mail.
    - ``completed_at`` is set when the activity is marked done, cleared when reopened.
    - A reminder cannot come after the due time.
    """
    creating = record is None
    if "related_object" in cleaned or "related_id" in cleaned:
        related_object = cleaned.get("related_object", _current(record, "related_object"))
        related_id = cleaned.get("related_id", _current(record, "related_id"))
        if related_object or related_id:
            cleaned["related_object"], cleaned["related_id"] = _check_related(
                related_object, related_id, actor
            )

    if creating and cleaned.get("assignee_id") is None and not is_system(actor):
        cleaned["assignee_id"] = str(actor.id)

    if creating or "body" in cleaned:
        mentions = mentioned_user_ids(cleaned.get("body"))
        before = (record.mentions or []) if record is not None else []
        cleaned["mentions"] = mentions or None
        _notify_mentioned([m for m in mentions if m not in before], cleaned, record, actor)

    if "done" in cleaned or creating:
        was_done = bool(record.done) if record is not None else False
        done = bool(cleaned.get("done")) if "done" in cleaned else was_done
        if done and not was_done:
            cleaned["completed_at"] = FIELD_TYPES["datetime"].clean(clock.now(), {})
        elif was_done and not done:
            cleaned["completed_at"] = None

    due = cleaned.get("due_at", _stored(record, "due_at"))
    reminder = cleaned.get("reminder_at", _stored(record, "reminder_at"))
    if due and reminder and _moment(reminder) > _moment(due):
        raise ValidationFailed(
            "The reminder comes after the due time.",
            errors={"reminder_at": ["Set the reminder before the due time."]},
        )


def _current(record: Activity | None, column: str):
    return getattr(record, column) if record is not None else None


def _stored(record: Activity | None, column: str) -> str | None:
    if record is None:
        return None
    return FIELD_TYPES["datetime"].from_column(getattr(record, column))


def _moment(stored: str) -> dt.datetime:
    return FIELD_TYPES["datetime"].to_column(stored)


# Timeline -----------------------------------------------------------------------------


def _encode_cursor(at: dt.datetime, item_id: uuid.UUID) -> str:
    raw = json.dumps([at.isoformat(), str(item_id)]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(cursor: str) -> tuple[dt.datetime, uuid.UUID]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        at, item_id = json.loads(base64.urlsafe_b64decode(padded.encode()))
        return dt.datetime.fromisoformat(at), uuid.UUID(item_id)
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError):
        raise ValidationFailed("The cursor is not valid.", field="cursor") from None


def _before(at_column, id_column, cursor):
    """Rows after ``cursor`` in newest-first order."""
    if cursor is None:
        return None
    at, item_id = cursor
    return or_(at_column < at, and_(at_column == at, id_column < item_id))


# How many records of each other object a timeline gathers the activities of.
TIMELINE_RELATED_LIMIT = 200


def _records_pointing_to(obj, record, actor: User | None) -> dict[str, dict[str, str]]:
    """The records of other objects whose lookup column points to ``record`` (a company's
    contacts, deals, tickets...) that ``actor`` may see, by object: {id: title}. Their
    activities show on the record's timeline too, as CRM users expect of an account."""
    found: dict[str, dict[str, str]] = {}
    role = actor.role if actor else None
    for other in objects_for_tenant():
        if other.api_name in ("activities", obj.api_name):
            continue
        lookups = [
            spec
            for spec in other.fields.values()
            if spec.type == "lookup" and spec.options.get("target") == obj.api_name and spec.column
        ]
        if not lookups:
            continue
        hidden = records.hidden_fields(other, role)
        columns = [getattr(other.model, s.column) for s in lookups if s.api_name not in hidden]
        if not columns:
            continue
        rights = rights_of(role, other.api_name) if actor else {"read": True, "visibility": "all"}
        if not rights["read"]:
            continue
        query = select(other.model).where(
            or_(*(column == record.id for column in columns)), other.model.deleted_at.is_(None)
        )
        condition = visibility_condition(
            other.model, actor, rights["visibility"], rights.get("party_roles")
        )
        if condition is not None:
            query = query.where(condition)
        query = query.order_by(other.model.updated_at.desc()).limit(TIMELINE_RELATED_LIMIT)
        rows = db.session.scalars(query).all()
        if rows:
            found[other.api_name] = {str(row.id): other.title(row) for row in rows}
    return found


def record_timeline(
    object_name: str,
    record_id,
    *,
    actor: User | None,
    limit: int = 50,
    cursor: str | None = None,
) -> tuple[list[dict], str | None]:
    """A page of the record's timeline, newest first: the activities related to it (those
    ``actor`` may see) and its audit trail, merged; with the cursor of the next page.

    Each item is {"type": "activity", "at", "activity": <record JSON>} or
    {"type": "change", "at", "action", "actor_id", "changes"}.
    """
    obj = object_for_tenant(object_name)
    record = records.get_record(obj.api_name, record_id, actor=actor)
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_TIMELINE_PAGE:
        raise ValidationFailed(f"Ask for 1 to {MAX_TIMELINE_PAGE} items.", field="limit")
    position = _decode_cursor(cursor) if cursor else None
    role = actor.role if actor else None

    activities: list[Activity] = []
    activity_obj = object_for_tenant("activities")
    rights = rights_of(role, "activities") if actor else {"read": True, "visibility": "all"}
    about: dict[str, dict[str, str]] = {}  # object -> {record id: title}, beyond the record
    if rights["read"]:
        about = _records_pointing_to(obj, record, actor)
        query = select(Activity).where(
            or_(
                and_(
                    Activity.related_object == obj.api_name,
                    Activity.related_id == str(record.id),
                ),
                *(
                    and_(Activity.related_object == name, Activity.related_id.in_(list(ids)))
                    for name, ids in about.items()
                ),
            ),
            Activity.deleted_at.is_(None),
        )
        condition = visibility_condition(Activity, actor, rights["visibility"])
        if condition is not None:
            query = query.where(condition)
        after = _before(Activity.created_at, Activity.id, position)
        if after is not None:
            query = query.where(after)
        query = query.order_by(Activity.created_at.desc(), Activity.id.desc()).limit(limit + 1)
        activities = list(db.session.scalars(query))

    query = select(AuditEntry).where(
        AuditEntry.object_name == obj.api_name, AuditEntry.record_id == record.id
    )
    after = _before(AuditEntry.at, AuditEntry.id, position)
    if after is not None:
        query = query.where(after)
    query = query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit + 1)
    entries = list(db.session.scalars(query))

    merged = [(a.created_at, a.id, a) for a in activities] + [(e.at, e.id, e) for e in entries]
    merged.sort(key=lambda item: (item[0], item[1]), reverse=True)
    page, rest = merged[:limit], merged[limit:]
    next_cursor = _encode_cursor(page[-1][0], page[-1][1]) if rest else None

    hidden = records.hidden_fields(obj, role)
    shown = [item for _, _, item in page if isinstance(item, Activity)]
    rows = {row["id"]: row for row in records.to_api_many(activity_obj, shown, role=role)}
    items = []
    for at, _kind, item in page:
        moment = at.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
        if isinstance(item, Activity):
            entry = {"type": "activity", "at": moment, "activity": rows[str(item.id)]}
            if item.related_object != obj.api_name or item.related_id != str(record.id):
                entry["about"] = {
                    "object": item.related_object,
                    "id": item.related_id,
                    "title": about.get(item.related_object, {}).get(item.related_id),
                }
            items.append(entry)
        else:
            items.append(
                {
                    "type": "change",
                    "at": moment,
                    "action": item.action,
                    "actor_id": str(item.actor_id) if item.actor_id else None,
                    "changes": {k: v for k, v in item.changes.items() if k not in hidden},
                }
            )
    return items, next_cursor
