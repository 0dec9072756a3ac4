"""Global search: the records of every object whose search fields match what was typed.

Written once from the registry (``ObjectSpec.search_fields``), so custom and plugin objects
are searched like companies. Each word typed must appear in one of an object's search
fields. Rights apply as everywhere: objects the user may not read are skipped, fields
hidden from their role are not searched, and only the records they may see are returned.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, or_

from core.objects.permissions import require_right, visibility_condition
from core.objects.records import hidden_fields, records_query
from core.objects.registry import ObjectSpec, object_for_tenant, objects_for_tenant
from saas.auth.models import User
from saas.db import db
from saas.errors import Forbidden

SEARCHABLE_TYPES = frozenset({"text", "email", "phone", "url"})
MIN_QUERY_LENGTH = 2
MAX_WORDS = 5


@dataclass(frozen=True)
class SearchGroup:
    obj: ObjectSpec
    records: list


def like_pattern(text: str) -> str:
    """``%text%`` for ILIKE, with the wildcards of the text itself escaped (escape ``\\``)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def searchable_columns(obj: ObjectSpec, role: str | None) -> list:
    """The columns of ``obj``'s search fields that ``role`` may see."""
    hidden = hidden_fields(obj, role)
    columns = []
    for name in obj.search_fields:
        spec = obj.fields.get(name)
        if spec is None or name in hidden or spec.type not in SEARCHABLE_TYPES:
            continue
        if spec.sort_column:
            columns.append(getattr(obj.model, spec.sort_column))
    return columns


def visible_records_query(obj: ObjectSpec, actor: User):
    """The live records of ``obj`` that ``actor`` may read, or Forbidden."""
    rights = require_right(actor, obj.api_name, "read", obj.label_plural.lower())
    query = records_query(obj).where(obj.model.deleted_at.is_(None))
    condition = visibility_condition(obj.model, actor, rights["visibility"], rights["party_roles"])
    return query if condition is None else query.where(condition)


def _words(text: str) -> list[str]:
    words = (text or "").split()[:MAX_WORDS]
    return words if len("".join(words)) >= MIN_QUERY_LENGTH else []


def _matches(obj: ObjectSpec, words: list[str], *, actor: User, limit: int) -> list:
    """Records of ``obj`` with every word in one of its search fields; [] when the user may
    not read the object or search none of its fields."""
    columns = searchable_columns(obj, actor.role)
    if not columns or not words:
        return []
    try:
        query = visible_records_query(obj, actor)
    except Forbidden:
        return []
    every_word = and_(
        *[
            or_(*[column.ilike(like_pattern(word), escape="\\") for column in columns])
            for word in words
        ]
    )
    query = query.where(every_word).order_by(obj.model.updated_at.desc(), obj.model.id).limit(limit)
    return list(db.session.scalars(query))


def search_records(text: str, *, actor: User, per_object: int = 10) -> list[SearchGroup]:
    """The best matches of ``text`` per object, most recently updated first; one query per
    object; objects without matches are left out."""
    words = _words(text)
    if not words:
        return []
    groups = []
    for obj in objects_for_tenant():
        records = _matches(obj, words, actor=actor, limit=per_object)
        if records:
            groups.append(SearchGroup(obj, records))
    return groups


def search_object(object_name: str, text: str, *, actor: User, limit: int = 10) -> list:
    """The records of one object matching ``text`` (a lookup's search box)."""
    return _matches(object_for_tenant(object_name), _words(text), actor=actor, limit=limit)
