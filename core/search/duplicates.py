"""Search before create: the existing records that a new one probably duplicates.

Staff type a name or an e-mail on a new company or contact form and see the likely matches
at once; the create form checks again on submit. The rules come from the registry: the
object's search fields. A record matches when

- every significant word typed in the text fields (a company's name, a contact's first and
  last name) appears in the same field, legal forms such as "Ltd" or "GmbH" left out; or
- its e-mail address is the one typed; or
- its website is on the host typed (``acme.com`` matches ``https://www.acme.com``).

Only records the user may see are returned.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from sqlalchemy import and_, or_

from core.objects.records import hidden_fields
from core.objects.registry import ObjectSpec, object_for_tenant
from core.objects.types import FieldValueError
from core.search.services import like_pattern, visible_records_query
from saas.auth.models import User
from saas.db import db
from saas.errors import Forbidden

# The objects whose new records are checked (people and organisations).
CHECKED_OBJECTS = frozenset({"companies", "contacts", "leads"})
LEGAL_FORMS = frozenset(
    "ab ag bv co company corp corporation gmbh inc incorporated kg limited llc llp ltd nv "
    "oy plc pty sa sarl sas spa srl the".split()
)
MAX_MATCHES = 5


def checks_duplicates(obj: ObjectSpec) -> bool:
    return obj.api_name in CHECKED_OBJECTS


def duplicate_fields(obj: ObjectSpec, role: str | None) -> list[str]:
    """The fields whose values are compared (the form sends these as the person types)."""
    if not checks_duplicates(obj):
        return []
    hidden = hidden_fields(obj, role)
    return [
        name
        for name in obj.search_fields
        if name in obj.fields
        and name not in hidden
        and obj.fields[name].type in ("text", "email", "url")
        and obj.fields[name].sort_column
    ]


def significant_words(text: str) -> list[str]:
    words = re.findall(r"[^\W_]+", text.lower())
    return [word for word in words if word not in LEGAL_FORMS]


def _host(text: str) -> str | None:
    text = text.strip().lower()
    if "://" not in text:
        text = "https://" + text
    try:
        host = urlsplit(text).hostname or ""
    except ValueError:
        return None
    host = host.removeprefix("www.")
    return host if "." in host else None


def find_duplicates(
    object_name: str, values: dict, *, actor: User, limit: int = MAX_MATCHES
) -> list:
    """The records of ``object_name`` that a record with ``values`` probably duplicates."""
    obj = object_for_tenant(object_name)
    name_conditions, other_conditions = [], []
    typed_letters = 0
    for name in duplicate_fields(obj, actor.role):
        raw = values.get(name)
        if not isinstance(raw, str) or not raw.strip():
            continue
        spec = obj.fields[name]
        column = getattr(obj.model, spec.sort_column)
        if spec.type == "text":
            words = significant_words(raw)
            typed_letters += sum(len(word) for word in words)
            name_conditions += [column.ilike(like_pattern(word), escape="\\") for word in words]
        elif spec.type == "email":
            try:
                other_conditions.append(column == spec.field_type.clean(raw, spec.options))
            except FieldValueError:
                continue  # not a whole address yet
        elif (host := _host(raw)) is not None:
            other_conditions.append(column.ilike(like_pattern(host), escape="\\"))
    if typed_letters >= 3:
        other_conditions.append(and_(*name_conditions))
    if not other_conditions:
        return []
    try:
        query = visible_records_query(obj, actor)
    except Forbidden:
        return []
    query = (
        query.where(or_(*other_conditions))
        .order_by(obj.model.updated_at.desc(), obj.model.id)
        .limit(limit)
    )
    return list(db.session.scalars(query))
