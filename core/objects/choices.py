"""The options a person picks from for a field: picklist colours, and the choices of lookups
that point to a tenant's metadata rather than to records (a deal's pipeline and stage).

The areas declare such targets with the ``register_lookup_targets`` hook: whether an id
exists, and the choices forms, record pages and kanban boards offer (names, order and
grouping: stages belong to a pipeline).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask import g, has_request_context

from core.objects.labels import PICKLIST
from core.objects.types import picklist_values
from saas.i18n import pgettext
from tenants.scoping import require_tenant_id

# Picklist colours the admin forms offer; the stylesheet has a class for each (chip-<name>).
PALETTE = {
    "grey": "#667085",
    "red": "#d92d20",
    "orange": "#e04f16",
    "amber": "#dc6803",
    "green": "#079455",
    "teal": "#0e9384",
    "blue": "#1570ef",
    "indigo": "#444ce7",
    "purple": "#7a5af8",
    "pink": "#dd2590",
}
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")


def palette_name(color: str | None) -> str | None:
    """The palette name of ``color`` (a name or one of the palette's hex codes), or None."""
    if not color:
        return None
    color = color.strip().lower()
    if color in PALETTE:
        return color
    return next((name for name, code in PALETTE.items() if code == color), None)


def custom_color(color: str | None) -> str | None:
    """A hex colour outside the palette (set through the API); the script paints it."""
    if color and palette_name(color) is None and _HEX.match(color.strip()):
        return color.strip()
    return None


def picklist_colors(options: dict) -> dict[str, str]:
    return {
        entry["value"]: entry["color"]
        for entry in options.get("values", [])
        if isinstance(entry, dict) and entry.get("color")
    }


@dataclass(frozen=True)
class Choice:
    id: str
    title: str
    color: str | None = None
    active: bool = True
    # An end state (a won or lost deal, a closed ticket): boards show its column collapsed.
    closed: bool = False


@dataclass(frozen=True)
class ChoiceGroup:
    id: str | None
    title: str
    choices: list[Choice]


@dataclass(frozen=True)
class MetadataChoices:
    groups: list[ChoiceGroup]
    # The field of a record that holds the group's id: a deal's stage is one of the stages
    # of the deal's pipeline (``pipeline_id``).
    group_field: str | None = None

    def titles(self) -> dict[str, str]:
        return {choice.id: choice.title for group in self.groups for choice in group.choices}


def picklist_labels(options: dict) -> dict[str, str]:
    """{value: what people read}: a value's ``label`` when it has one (the standard
    picklists: "service_request" reads "Service request"), else the value itself."""
    # A standard value's label is English, in the catalogue (core/objects/labels.py): shown in
    # the reader's language. A custom field's values have no label: shown as the admin typed.
    return {
        entry["value"]: pgettext(PICKLIST, entry["label"]) if entry.get("label") else entry["value"]
        for entry in options.get("values") or []
        if isinstance(entry, dict) and "value" in entry
    }


def picklist_choices(options: dict) -> list[Choice]:
    colors = picklist_colors(options)
    labels = picklist_labels(options)
    active = set(picklist_values(options))
    # Standard picklists name their end states (``closed_values``: a ticket's resolved and
    # closed statuses).
    closed = set(options.get("closed_values") or ())
    return [
        Choice(value, labels.get(value, value), colors.get(value), value in active, value in closed)
        for value in picklist_values(options, include_inactive=True)
    ]


def metadata_choices(target: str) -> MetadataChoices | None:
    """The choices of a metadata lookup target (cached for the request), or None."""
    from core.objects.registry import lookup_target

    registered = lookup_target(target)
    provider = registered.choices if registered is not None else None
    if provider is None:
        return None
    if not has_request_context():
        return provider()
    cache = g.setdefault("trellis_metadata_choices", {})
    key = (require_tenant_id(), target)  # a tenant's own pipelines, stages, types
    if key not in cache:
        cache[key] = provider()
    return cache[key]
