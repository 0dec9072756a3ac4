"""CSV export of an object's records: the list a user sees (their filters and sort), every
page of it, with the same rights as everywhere else.

The records come through ``list_records`` with the acting user, so object rights, record
visibility and hidden fields apply as in the list view and the API. Two flavours:

- for people (the web UI): a header of field labels, lookups and users by their titles
  next to nothing else, lists joined with "; ", addresses on one line;
- for programs (the API): a header of API names and the raw values (ids for lookups).

In both, a text cell that a spreadsheet would run as a formula is defused with a leading
apostrophe (CSV injection, ``saas.csv_cells``); the API can ask for the cells as stored
(``escape_formulas=false``) when a program, not a spreadsheet, reads the file.

Exports are allowed to a read-only workspace: they write nothing.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator

from core.objects.records import MAX_PAGE_SIZE, Filter, hidden_fields, list_records, to_api_many
from core.objects.registry import ObjectSpec, object_for_tenant
from core.objects.types import ADDRESS_PARTS
from saas import security_log
from saas.auth.models import User
from saas.csv_cells import safe_cell
from saas.errors import ValidationFailed

# An export larger than this is refused with a message to narrow it by filters.
MAX_EXPORT_ROWS = 100_000
SYSTEM_COLUMNS = [("id", "ID"), ("created_at", "Created"), ("updated_at", "Last updated")]


def _columns(obj: ObjectSpec, role: str) -> list[tuple[str, str]]:
    hidden = hidden_fields(obj, role)
    fields = [(name, spec.label) for name, spec in obj.fields.items() if name not in hidden]
    return [SYSTEM_COLUMNS[0], *fields, *SYSTEM_COLUMNS[1:]]


def _records(obj: ObjectSpec, filters: list[Filter], sort: str | None, actor: User):
    """Every record of the list, a page at a time (a bounded number of rows in memory)."""
    cursor, count = None, 0
    while True:
        page, cursor = list_records(
            obj.api_name,
            filters=filters,
            sort=sort,
            limit=MAX_PAGE_SIZE,
            cursor=cursor,
            actor=actor,
        )
        count += len(page)
        if count > MAX_EXPORT_ROWS:
            raise ValidationFailed(
                f"An export holds at most {MAX_EXPORT_ROWS:,} records; narrow the list with "
                "filters and export it in parts."
            )
        yield page
        if cursor is None:
            return


def _human(value, spec, titles: dict[str, str]) -> str:
    if value is None:
        return ""
    if spec is not None and spec.type in ("lookup", "user"):
        return titles.get(str(value), str(value))
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list):
        return "; ".join(str(item) for item in value)
    if isinstance(value, dict):
        if spec is not None and spec.type == "address":
            return ", ".join(value[part] for part in ADDRESS_PARTS if value.get(part))
        if "amount" in value:
            return f"{value['amount']} {value.get('currency') or ''}".strip()
    return safe_cell(str(value))


def _raw(value, escape_formulas: bool = True) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    if isinstance(value, int | float):
        return str(value)
    return safe_cell(str(value)) if escape_formulas else str(value)


def export_csv(
    object_name: str,
    *,
    filters: list[Filter] = (),
    sort: str | None = None,
    actor: User,
    for_people: bool = True,
    escape_formulas: bool = True,
) -> Iterator[str]:
    """The CSV text of the list, in chunks. Raises before the first chunk when the user may
    not read the object or a filter is wrong, so a view can still answer with an error.
    ``escape_formulas=False`` (programs only) writes text cells exactly as stored."""
    obj = object_for_tenant(object_name)
    columns = _columns(obj, actor.role)
    pages = _records(obj, list(filters), sort, actor)
    first = next(pages)  # checks rights and filters now
    escape = escape_formulas or for_people
    logged = {
        "format": "csv",
        "filters": [f"{f.field} {f.op} {f.value}" for f in filters],
        "sort": sort,
        "columns": len(columns),
        "escape_formulas": escape,
    }
    return _chunks(obj, columns, first, pages, actor, for_people, escape, logged)


def _chunks(obj, columns, first, pages, actor, for_people, escape, logged) -> Iterator[str]:
    """The CSV text page by page; once the last row is written, the export is logged (who
    took what out of the workspace), with the number of rows."""
    from core.objects.related import lookup_titles

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([label if for_people else name for name, label in columns])
    page, count = first, 0
    while True:
        rows = to_api_many(obj, page, role=actor.role)
        count += len(rows)
        titles = lookup_titles(obj, rows, actor=actor) if for_people else {}
        for row in rows:
            if for_people:
                cells = [_human(row.get(name), obj.fields.get(name), titles) for name, _ in columns]
            else:
                cells = [_raw(row.get(name), escape) for name, _ in columns]
            writer.writerow(cells)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        page = next(pages, None)
        if page is None:
            security_log.record(
                "data.exported", actor=actor, target=obj.api_name, details={**logged, "rows": count}
            )
            return
