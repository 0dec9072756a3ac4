"""A workflow's conditions: the API's filters (``field``, ``op``, ``value``; the operators of
``GET /api/v1/records/...``), grouped with AND ("all") or OR ("any"), groups nested.

They are checked against the registry when the workflow is saved (the same messages as the
API's), and evaluated in the database on the run's record, so a condition means exactly what
the same filter means on a list.
"""

from __future__ import annotations

import uuid

from sqlalchemy import and_, or_, select, true

from core.objects.records import OPERATORS, Filter, filter_condition, records_query
from core.objects.registry import ObjectSpec
from saas.db import db
from saas.errors import ValidationFailed
from saas.i18n import _

MATCHES = ("all", "any")
MAX_RULES = 50
MAX_DEPTH = 3


def empty() -> dict:
    return {"match": "all", "rules": []}


def clean_conditions(obj: ObjectSpec, conditions) -> dict:
    """The conditions to store, or ValidationFailed saying which rule is wrong."""
    if conditions in (None, "", [], {}):
        return empty()
    if isinstance(conditions, list):
        conditions = {"match": "all", "rules": conditions}
    count = [0]
    return _clean_group(obj, conditions, "conditions", 1, count)


def _clean_group(obj: ObjectSpec, group, where: str, depth: int, count: list) -> dict:
    if not isinstance(group, dict):
        raise ValidationFailed(_("Give the conditions as a group of rules."), field=where)
    unknown = set(group) - {"match", "rules"}
    if unknown:
        raise ValidationFailed(
            _("Unknown properties: %(names)s.", names=", ".join(sorted(unknown))), field=where
        )
    match = group.get("match", "all")
    if match not in MATCHES:
        raise ValidationFailed(_("Match all or any of the rules."), field=f"{where}.match")
    rules = group.get("rules", [])
    if not isinstance(rules, list):
        raise ValidationFailed(_("Give the rules as a list."), field=f"{where}.rules")
    cleaned = []
    for index, rule in enumerate(rules):
        at = f"{where}.rules[{index}]"
        if isinstance(rule, dict) and "rules" in rule:
            if depth >= MAX_DEPTH:
                raise ValidationFailed(
                    _("Nest groups at most %(num)d deep.", num=MAX_DEPTH), field=at
                )
            cleaned.append(_clean_group(obj, rule, at, depth + 1, count))
            continue
        count[0] += 1
        if count[0] > MAX_RULES:
            raise ValidationFailed(_("Use at most %(num)d rules.", num=MAX_RULES), field=at)
        cleaned.append(_clean_rule(obj, rule, at))
    return {"match": match, "rules": cleaned}


def _clean_rule(obj: ObjectSpec, rule, at: str) -> dict:
    if not isinstance(rule, dict) or not isinstance(rule.get("field"), str):
        raise ValidationFailed(_("Each rule names a field, an operator and a value."), field=at)
    unknown = set(rule) - {"field", "op", "value"}
    if unknown:
        raise ValidationFailed(
            _("Unknown properties: %(names)s.", names=", ".join(sorted(unknown))), field=at
        )
    op = rule.get("op", "eq")
    if op not in OPERATORS:
        raise ValidationFailed(
            _("Unknown operator %(op)s; use one of %(ops)s.", op=op, ops=", ".join(OPERATORS)),
            field=at,
        )
    value = rule.get("value", "")
    value = "" if value is None else value
    if isinstance(value, bool):
        value = "true" if value else "false"
    if isinstance(value, list):
        value = ",".join(str(part) for part in value)
    flt = Filter(rule["field"], op, str(value))
    try:
        filter_condition(obj, flt)  # the API's own check: field, operator and value
    except ValidationFailed as exc:
        named = " ".join((rule["field"], op))
        raise ValidationFailed(
            _("Rule %(rule)s: %(problem)s", rule=named, problem=exc.message), field=at
        ) from None
    return {"field": flt.field, "op": flt.op, "value": flt.value}


def where_clause(obj: ObjectSpec, group: dict):
    """The conditions as one WHERE clause (no rules: always true)."""
    parts = []
    for rule in group.get("rules", ()):
        if "rules" in rule:
            parts.append(where_clause(obj, rule))
        else:
            parts.append(filter_condition(obj, Filter(rule["field"], rule["op"], rule["value"])))
    if not parts:
        return true()
    return and_(*parts) if group.get("match", "all") == "all" else or_(*parts)


def record_matches(obj: ObjectSpec, record_id, group: dict) -> bool:
    """Whether the record (deleted ones included) meets the conditions now."""
    if not group or not group.get("rules"):
        return True
    key = uuid.UUID(str(record_id))
    query = records_query(obj).where(obj.model.id == key, where_clause(obj, group))
    return db.session.scalar(select(query.with_only_columns(obj.model.id).exists())) or False


def describe(group: dict) -> str:
    """The conditions as one readable line ("amount gt 10000 and status eq open")."""
    words = []
    for rule in group.get("rules", ()):
        if "rules" in rule:
            words.append(f"({describe(rule)})")
        else:
            words.append(f"{rule['field']} {rule['op']} {rule['value']}".strip())
    joiner = _(" and ") if group.get("match", "all") == "all" else _(" or ")
    return joiner.join(words)
