"""Kanban boards, written once for every object: a column per value of a picklist field, or
per choice of a lookup to metadata (a deal's stages, one pipeline at a time), with the
records that hold it. Moving a card is an ordinary update of that field, so every rule of
the object (a lost deal needs a reason) and every right applies.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from core.objects.choices import Choice, ChoiceGroup, metadata_choices, picklist_choices
from core.objects.records import (
    Filter,
    group_totals,
    hidden_fields,
    list_records,
    read_only_fields,
)
from core.objects.registry import FieldSpec, ObjectSpec, object_for_tenant
from saas.auth.models import User
from saas.errors import ValidationFailed

CARDS_PER_COLUMN = 50


@dataclass(frozen=True)
class ColumnSum:
    currency: str
    amount: Decimal
    weighted: Decimal | None  # None: the object has no weight (a probability)


@dataclass(frozen=True)
class BoardColumn:
    choice: Choice | None  # None: the records without a value
    records: list
    more: bool  # more records than the column shows
    count: int = 0  # every record of the column, not only those shown
    sums: tuple[ColumnSum, ...] = ()  # per currency

    @property
    def collapsed(self) -> bool:
        """End states (won, lost, closed) start folded, so the open work fits the screen."""
        return self.choice is not None and self.choice.closed


@dataclass(frozen=True)
class Board:
    obj: ObjectSpec
    field: FieldSpec
    groups: list[ChoiceGroup]  # the pipelines, for a board of stages
    group: ChoiceGroup | None
    group_field: FieldSpec | None  # the field that holds the group (a deal's pipeline)
    columns: list[BoardColumn]
    movable: bool  # the user may change the field
    amount_field: FieldSpec | None = None  # what the columns total
    weight_field: FieldSpec | None = None  # what weighs the total (a probability)


def board_fields(obj: ObjectSpec, role: str | None) -> list[FieldSpec]:
    """The fields a board can be drawn on: filterable picklists and metadata lookups."""
    hidden = hidden_fields(obj, role)
    fields = []
    for name, spec in obj.fields.items():
        if name in hidden or spec.sort_column is None:
            continue
        if spec.type == "picklist" or (
            spec.type == "lookup" and metadata_choices(spec.options.get("target", ""))
        ):
            fields.append(spec)
    return fields


def default_board_field(obj: ObjectSpec, role: str | None) -> FieldSpec | None:
    """The field a board is drawn on when none is asked for, or None.

    An object that names its board field gets it (deals by stage, tickets and leads by
    status). Other standard objects have no obvious board (contacts by marital status help
    nobody) unless an admin added a picklist of their own. For the rest: one the user may
    change, a grouped metadata lookup (a deal's stage, within its pipeline) before other
    lookups and picklists."""
    fields = board_fields(obj, role)
    if obj.board_field is not None:
        return next((spec for spec in fields if spec.api_name == obj.board_field), None)
    if obj.standard:
        fields = [spec for spec in fields if spec.custom]
    locked = read_only_fields(obj, role)

    def preference(spec: FieldSpec) -> tuple:
        metadata = metadata_choices(spec.options["target"]) if spec.type == "lookup" else None
        grouped = metadata is not None and metadata.group_field is not None
        return (spec.api_name in locked, not grouped, spec.type != "lookup")

    fields = sorted(fields, key=preference)
    return fields[0] if fields else None


def totals_fields(obj: ObjectSpec, role: str | None) -> tuple[FieldSpec | None, FieldSpec | None]:
    """The amount a board's columns total and its weight, among the fields ``role`` sees: the
    object's own (a deal's amount and probability), else its first currency field that can
    be summed."""
    hidden = hidden_fields(obj, role)
    visible = {name: spec for name, spec in obj.fields.items() if name not in hidden}
    amount = visible.get(obj.amount_field or "")
    if amount is None and obj.amount_field is None:
        amount = next((s for s in visible.values() if s.type == "currency" and s.sort_column), None)
    weight = visible.get(obj.weight_field or "") if amount is not None else None
    return amount, weight


def load_board(
    object_name: str,
    field_name: str,
    *,
    group_id: str | None = None,
    filters: list[Filter] = (),
    actor: User,
) -> Board:
    """The board of ``object_name`` on ``field_name`` with the records ``actor`` may see;
    ``filters`` narrow every column; one query per column."""
    obj = object_for_tenant(object_name)
    spec = next((f for f in board_fields(obj, actor.role) if f.api_name == field_name), None)
    if spec is None:
        raise ValidationFailed(
            "Choose a picklist field that can be filtered for the board.", field="field"
        )
    groups: list[ChoiceGroup] = []
    group = group_field = None
    base_filters = list(filters)
    if spec.type == "picklist":
        choices = picklist_choices(spec.options)
    else:
        metadata = metadata_choices(spec.options["target"])
        groups = metadata.groups
        group = next((g for g in groups if g.id == group_id), groups[0] if groups else None)
        choices = group.choices if group else []
        if metadata.group_field and group is not None:
            group_field = obj.fields.get(metadata.group_field)
            base_filters.append(Filter(metadata.group_field, "eq", group.id))
    amount, weight = totals_fields(obj, actor.role)
    totals = group_totals(
        obj.api_name,
        spec.api_name,
        filters=base_filters,
        amount_field=amount.api_name if amount else None,
        weight_field=weight.api_name if weight else None,
        actor=actor,
    )
    columns = []
    # Retired picklist values cannot be filtered on (nor chosen): their records show in the
    # list view only.
    for choice in [*(c for c in choices if c.active), None]:
        value_filter = (
            Filter(spec.api_name, "is_null", "true")
            if choice is None
            else Filter(spec.api_name, "eq", choice.id)
        )
        records, next_cursor = list_records(
            obj.api_name,
            filters=[*base_filters, value_filter],
            sort="-updated_at",
            limit=CARDS_PER_COLUMN,
            actor=actor,
        )
        # The column of records without a value only while there are some.
        if records or choice is not None:
            total = totals.get(choice.id if choice else None)
            sums = tuple(
                ColumnSum(currency, value, weighted)
                for currency, (value, weighted) in sorted((total.sums if total else {}).items())
            )
            count = total.count if total else len(records)
            columns.append(BoardColumn(choice, records, next_cursor is not None, count, sums))
    movable = spec.api_name not in read_only_fields(obj, actor.role)
    return Board(obj, spec, groups, group, group_field, columns, movable, amount, weight)
