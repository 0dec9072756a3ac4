"""What the pages show around an object's own content, contributed through hooks: panels and
actions of the record page, panels of the list and board pages and of the record form, and
the panels of the home page's dashboards.

The object engine draws its pages for every object and knows no area: the activity timeline,
a lead's conversion, saved views, search before create and the role dashboards are items
that their areas (or plugins) declare here, exactly as a plugin would. Items are collected
once per plugin manager (per app), stamped with their owner ("core" or the plugin's name) and
sorted by ``order`` (lower first; ties keep registration order, core first); a name given
twice is refused. Each item's callables are called per request with keyword arguments, and
take only those they name (``call_with``).
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
import weakref
from collections.abc import Callable
from dataclasses import dataclass

# Where a record page panel shows: under the page head (a notice), in the main column after
# the fields, or in the side column before the history.
TOP, MAIN, ASIDE = "top", "main", "aside"
RECORD_PLACES = (TOP, MAIN, ASIDE)
# The pages a list panel shows on.
LIST, BOARD = "list", "board"


def _check_objects(item) -> None:
    if item.objects is not None and isinstance(item.objects, str):
        raise TypeError(f"{item.name}: objects must be a tuple of object names, not a string")


@dataclass(frozen=True)
class RecordPanel:
    """A panel of the record page.

    - ``name``: a stable dotted name, the area first (``activities.timeline``).
    - ``template``: the template drawn for it, with the page's ``obj``, ``record``, ``page``
      and ``rights`` and every key of what ``load`` returned.
    - ``load(obj=, record=, page=, rights=, actor=, args=, state=)``: what the template
      needs, a dict, or None when the panel does not apply (it is then left out).
      ``state`` is what a refused form of the panel left for it (see ``record_page``).
    - ``place``: TOP (a notice under the page head), MAIN (after the fields) or ASIDE (the
      side column, before the history).
    - ``objects``: the object API names it is for (None: every object).
    - ``order``: lower first; ``owner``: set by the collector.
    """

    name: str
    template: str
    load: Callable[..., dict | None]
    place: str = MAIN
    objects: tuple[str, ...] | None = None
    order: int = 1000
    owner: str = "core"

    def __post_init__(self) -> None:
        if self.place not in RECORD_PLACES:
            raise ValueError(f"{self.name}: place must be one of {RECORD_PLACES}")
        _check_objects(self)


@dataclass(frozen=True)
class RecordAction:
    """A button of the record page's head, before Edit and Delete.

    - ``label``: what the button says (mark it with ``_l``/``N_``; drawn translated).
    - ``url(obj=, record=, rights=, actor=)``: where it goes (a GET link), or None when the
      action does not apply to this record or user (it is then left out).
    - ``primary``: drawn as the page's main button (Edit then becomes a secondary one).
    - ``objects``, ``order``, ``owner``: as for ``RecordPanel``.
    """

    name: str
    label: str
    url: Callable[..., str | None]
    primary: bool = False
    objects: tuple[str, ...] | None = None
    order: int = 1000
    owner: str = "core"

    def __post_init__(self) -> None:
        _check_objects(self)


@dataclass(frozen=True)
class ListPanel:
    """A panel of the list and board pages, beside the List / Board / Recycle bin tabs.

    - ``load(obj=, layout=, actor=, args=, state=)``: a dict for the template, or None to
      leave it out. A ``columns`` key (a list of field names) chooses the columns the list
      shows (a saved view's); the template gets ``obj``, ``layout`` (LIST or BOARD),
      ``columns`` (those shown) and the rest of the dict.
    - ``opening(obj=, actor=)``: where the list goes when it is opened without any
      parameter (a default saved view), or None to show it. The first answer wins.
    - ``layouts``: the pages it shows on; ``objects``, ``order``, ``owner``: as above.
    """

    name: str
    template: str
    load: Callable[..., dict | None]
    opening: Callable[..., str | None] | None = None
    layouts: tuple[str, ...] = (LIST, BOARD)
    objects: tuple[str, ...] | None = None
    order: int = 1000
    owner: str = "core"

    def __post_init__(self) -> None:
        _check_objects(self)


@dataclass(frozen=True)
class FormPanel:
    """A panel in the side column of the record form (``has-aside``).

    - ``load(obj=, record=, actor=, state=)``: a dict for the template (which also gets
      ``obj`` and ``record``, None on a new record), or None to leave it out.
    - ``before_create(obj=, values=, actor=, form=)``: called when a new record's form is
      posted, before anything is written; a result other than None stops the creation, the
      form is shown again with 409 and that result reaches ``load`` as ``state`` (search
      before create shows the likely duplicates).
    - ``objects``, ``order``, ``owner``: as above.
    """

    name: str
    template: str
    load: Callable[..., dict | None]
    before_create: Callable[..., object] | None = None
    objects: tuple[str, ...] | None = None
    order: int = 1000
    owner: str = "core"

    def __post_init__(self) -> None:
        _check_objects(self)


@dataclass(frozen=True)
class DashboardPanel:
    """A panel of the home page's dashboards.

    - ``load(actor=, args=)``: a dict for the template, or None when the panel does not
      apply to the signed-in user (a role it is not for, an object they may not read).
    - ``section``: the heading the panel is grouped under (panels of one section are drawn
      together, sections in the order of their first panel); mark it with ``N_``.
    - ``order``, ``owner``: as above.
    """

    name: str
    template: str
    load: Callable[..., dict | None]
    section: str
    order: int = 1000
    owner: str = "core"


# The collecting hooks and the item each returns.
KINDS = {
    "register_record_panels": RecordPanel,
    "register_record_actions": RecordAction,
    "register_list_panels": ListPanel,
    "register_form_panels": FormPanel,
    "register_dashboard_panels": DashboardPanel,
}

_COLLECTED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def collect(pm, hook_name: str) -> tuple:
    """Every item of ``hook_name`` the implementations contribute, owned and ordered (kept
    per manager); a wrong kind of item or a name given twice is refused."""
    cache = _COLLECTED.setdefault(pm, {})
    if hook_name in cache:
        return cache[hook_name]
    from saas.plugins.manager import contributions

    kind = KINDS[hook_name]
    items, seen = [], {}
    for owner, item in contributions(pm, hook_name):
        if not isinstance(item, kind):
            raise TypeError(f"{hook_name} must return {kind.__name__} objects, got {item!r}")
        if item.name in seen:
            raise ValueError(
                f"{hook_name}: {item.name} is registered twice ({seen[item.name]}, {owner})"
            )
        seen[item.name] = owner
        items.append(dataclasses.replace(item, owner=owner) if item.owner != owner else item)
    ranked = sorted(enumerate(items), key=lambda pair: (pair[1].order, pair[0]))
    cache[hook_name] = tuple(item for _n, item in ranked)
    return cache[hook_name]


def for_object(items, object_name: str) -> list:
    """The items that apply to ``object_name`` (those without ``objects`` apply to all)."""
    return [i for i in items if i.objects is None or object_name in i.objects]


@functools.cache
def _accepted(func) -> tuple[frozenset[str], bool]:
    parameters = inspect.signature(func).parameters.values()
    names = frozenset(p.name for p in parameters if p.kind is not p.VAR_KEYWORD)
    return names, any(p.kind is p.VAR_KEYWORD for p in parameters)


def call_with(func: Callable, /, **context):
    """``func`` called with the keyword arguments of ``context`` that it names (all of them
    when it takes ``**kwargs``), like a hook implementation."""
    names, takes_all = _accepted(func)
    if takes_all:
        return func(**context)
    return func(**{name: value for name, value in context.items() if name in names})
