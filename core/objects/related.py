"""What a record page shows around a record: the titles of the records and users its lookups
point to, its related lists (the records of other objects whose lookups point to it) and
its field history; and what the inputs of lookup fields offer.

Everything goes through the record services with the acting user, so object rights, field
access and record visibility apply: a related record the user may not see is not listed,
and a lookup to it shows no title.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from flask import g, has_request_context

from core.objects.choices import Choice, ChoiceGroup, metadata_choices
from core.objects.permissions import rights_of
from core.objects.records import (
    Filter,
    get_record,
    get_records_by_ids,
    hidden_fields,
    list_records,
    read_only_fields,
    record_history,
    to_api,
)
from core.objects.registry import (
    FieldSpec,
    ObjectSpec,
    metadata_lookup_target,
    object_for_tenant,
    objects_for_tenant,
)
from saas.auth import services as accounts
from saas.auth.models import User
from saas.errors import Forbidden, NotFound, ValidationFailed

RELATED_LIMIT = 5


def is_record_lookup(spec: FieldSpec) -> bool:
    """A lookup to another object's records (not to metadata such as a pipeline's stages)."""
    return spec.type == "lookup" and metadata_lookup_target(spec.options["target"]) is None


def lookup_titles(
    obj: ObjectSpec, rows: list[dict], *, actor: User, fields: list[str] | None = None
) -> dict[str, str]:
    """{id: title} for every record and user the lookups of ``rows`` point to and ``actor``
    may see; one query per target object and one for users, whatever the number of rows."""
    hidden = hidden_fields(obj, actor.role)
    wanted = [
        spec
        for name, spec in obj.fields.items()
        if spec.type in ("lookup", "user")
        and name not in hidden
        and (fields is None or name in fields)
    ]
    ids_by_target: dict[str, set[str]] = defaultdict(set)
    user_ids: set[str] = set()
    titles: dict[str, str] = {}
    for spec in wanted:
        if spec.type == "lookup" and not is_record_lookup(spec):
            choices = metadata_choices(spec.options["target"])
            titles.update(choices.titles() if choices else {})
            continue
        for row in rows:
            value = row.get(spec.api_name)
            if not value:
                continue
            if spec.type == "user":
                user_ids.add(value)
            else:
                ids_by_target[spec.options["target"]].add(value)
    for target_name, ids in ids_by_target.items():
        try:
            target = object_for_tenant(target_name)
            records = get_records_by_ids(target.api_name, sorted(ids), actor=actor)
        except (Forbidden, NotFound):
            continue  # the user may not read that object: no titles, no links
        titles.update({str(record.id): target.title(record) for record in records})
    if user_ids:
        names = _user_names()
        titles.update({key: names[key] for key in user_ids if key in names})
    return titles


@dataclass(frozen=True)
class RelatedList:
    obj: ObjectSpec
    via: str | None  # the label of the lookup, when it says more than the object's name
    values: dict[str, str]  # the field values that tie a record to this one (for links)
    records: list
    more: bool
    can_create: bool
    panel: object = None  # what the object's RelatedPanel loaded; None: a list of titles


# Objects whose records attach to one record of any object (activities) name it in these
# two fields: the object's API name and the record's id.
POLYMORPHIC_FIELDS = ("related_object", "related_id")


def _ties(obj: ObjectSpec, other: ObjectSpec, record_id) -> list[tuple[str | None, dict]]:
    """The ways records of ``other`` can point to a record of ``obj``, as (label, values)."""
    ties = []
    for spec in other.fields.values():
        # (A custom lookup that is not filterable cannot be queried: it has no list.)
        if (
            spec.type == "lookup"
            and spec.options.get("target") == obj.api_name
            and spec.sort_column is not None
        ):
            label = None if spec.label == obj.label else spec.label
            ties.append((label, {spec.api_name: str(record_id)}))
    polymorphic = [other.fields.get(name) for name in POLYMORPHIC_FIELDS]
    if all(spec is not None and spec.sort_column for spec in polymorphic):
        ties.append(
            (None, dict(zip(POLYMORPHIC_FIELDS, (obj.api_name, str(record_id)), strict=True)))
        )
    return ties


def related_lists(obj: ObjectSpec, record_id, *, actor: User) -> list[RelatedList]:
    """The most recently updated records of other objects that point to ``record_id`` (by a
    filterable lookup, or as the record an activity is about) and that ``actor`` may see."""
    lists = []
    for other in objects_for_tenant():
        ties = _ties(obj, other, record_id)
        if ties and other.related_panel is not None:
            try:
                panel = other.related_panel.load(obj.api_name, record_id, actor)
            except Forbidden:
                continue
            lists.append(
                RelatedList(
                    other, None, ties[0][1], [], False, _can_create(other, ties[0][1], actor), panel
                )
            )
            continue
        for via, values in ties:
            try:
                records, next_cursor = list_records(
                    other.api_name,
                    filters=[Filter(name, "eq", value) for name, value in values.items()],
                    sort="-updated_at",
                    limit=RELATED_LIMIT,
                    actor=actor,
                )
            except (Forbidden, ValidationFailed):
                continue  # no right to read that object, or the lookup is hidden from them
            lists.append(
                RelatedList(
                    other,
                    via,
                    values,
                    records,
                    next_cursor is not None,
                    _can_create(other, values, actor),
                )
            )
    return lists


def _can_create(other: ObjectSpec, values: dict, actor: User) -> bool:
    """Whether ``actor`` may add a record of ``other`` with ``values`` filled in."""
    locked = read_only_fields(other, actor.role)
    return rights_of(actor.role, other.api_name)["create"] and not (set(values) & locked)


# Lookup inputs -------------------------------------------------------------------------

LOOKUP_OPTIONS = 100


@dataclass(frozen=True)
class LookupOptions:
    groups: list[ChoiceGroup]
    searchable: bool = False  # more records than listed: the script offers a search box
    restricted: bool = False  # the user may not read the target object


def _user_names() -> dict[str, str]:
    if not has_request_context():
        return {str(user.id): user.name for user in accounts.list_users()}
    if "trellis_user_names" not in g:
        g.trellis_user_names = {str(user.id): user.name for user in accounts.list_users()}
    return g.trellis_user_names


def lookup_options(fields: list[FieldSpec], raw: dict, *, actor: User) -> dict[str, LookupOptions]:
    """What the select of each lookup and user field in ``fields`` offers: the first records
    of the target by title (and the current value), the users, or the metadata's choices."""
    options = {}
    for spec in fields:
        current = raw.get(spec.api_name) or None
        if spec.type == "user":
            users = [u for u in accounts.list_users() if u.is_active or str(u.id) == current]
            choices = [Choice(str(user.id), user.name) for user in users]
            options[spec.api_name] = LookupOptions([ChoiceGroup(None, "", choices)])
        elif spec.type == "lookup" and not is_record_lookup(spec):
            metadata = metadata_choices(spec.options["target"])
            options[spec.api_name] = LookupOptions(metadata.groups if metadata else [])
        elif spec.type == "lookup":
            options[spec.api_name] = _record_options(spec.options["target"], current, actor)
    return options


def _record_options(target_name: str, current: str | None, actor: User) -> LookupOptions:
    from core.objects.forms import title_sort_field

    try:
        target = object_for_tenant(target_name)
        records, next_cursor = list_records(
            target.api_name, sort=title_sort_field(target), limit=LOOKUP_OPTIONS, actor=actor
        )
    except (Forbidden, NotFound):
        kept = [Choice(current, "A record you cannot see")] if current else []
        return LookupOptions([ChoiceGroup(None, "", kept)], restricted=True)
    choices = [Choice(str(record.id), target.title(record)) for record in records]
    if current and current not in {choice.id for choice in choices}:
        try:
            extra = get_records_by_ids(target.api_name, [current], actor=actor)
        except ValueError:
            extra = []  # not an id: the service says so on submit
        choices += [Choice(str(record.id), target.title(record)) for record in extra]
    return LookupOptions([ChoiceGroup(None, "", choices)], searchable=next_cursor is not None)


# The record page -----------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    field: FieldSpec | None  # None: a field retired since
    label: str
    old: object
    new: object


@dataclass(frozen=True)
class HistoryEntry:
    action: str
    at: object
    actor: str | None
    changes: list[Change]


@dataclass(frozen=True)
class RecordPage:
    record: object
    row: dict
    title: str
    titles: dict[str, str]
    history: list[HistoryEntry]
    related: list[RelatedList]


def load_record_page(object_name: str, record_id, *, actor: User) -> RecordPage:
    """A record as ``actor`` may see it, with its field history (hidden fields left out),
    the titles its lookups point to and its related lists; NotFound when they may not."""
    obj = object_for_tenant(object_name)
    record = get_record(obj.api_name, record_id, actor=actor)
    row = to_api(obj, record, role=actor.role)
    hidden = hidden_fields(obj, actor.role)
    users = _user_names()
    history, old_and_new = [], []
    for entry in record_history(obj.api_name, record.id, actor=actor):
        changes = []
        for name, (old, new) in (entry.changes or {}).items():
            if name in hidden:
                continue
            spec = obj.fields.get(name)
            if spec is None and name in obj.children:
                # Child rows are audited as lists of one-line summaries.
                label = obj.children[name].label
                old, new = ("; ".join(map(str, value or [])) or "—" for value in (old, new))
                changes.append(Change(None, label, old, new))
                continue
            changes.append(Change(spec, spec.label if spec else name, old, new))
            old_and_new += [{name: old}, {name: new}]
        actor_name = users.get(str(entry.actor_id)) if entry.actor_id else None
        history.append(HistoryEntry(entry.action, entry.at, actor_name, changes))
    return RecordPage(
        record=record,
        row=row,
        title=obj.title(record),
        titles=lookup_titles(obj, [row, *old_and_new], actor=actor),
        history=history,
        related=related_lists(obj, record.id, actor=actor),
    )
