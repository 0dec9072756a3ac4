"""Menu items contributed through the ``register_menu_items`` hook: the top bar's own links
(before the objects), the admins' Setup menu and the account menu.

The objects of the top bar are not menu items: they come from the object registry and each
role's navigation setting (core/navigation). Items are collected once per plugin manager
(per app), stamped with their owner and sorted by ``order``; the templates ask for one
menu's items as the signed-in user may see them (``menu_items("setup")``).
"""

from __future__ import annotations

import dataclasses
import weakref
from dataclasses import dataclass

from flask import current_app, request

# Where an item shows: the top bar before the objects, the admins' Setup menu, the user's
# account menu.
MAIN, SETUP, ACCOUNT = "main", "setup", "account"
MENUS = (MAIN, SETUP, ACCOUNT)


def _matches(patterns: tuple[str, ...], endpoint: str | None) -> bool:
    """``endpoint`` matches an exact name, a ``prefix*`` or a ``*suffix`` pattern."""
    if not endpoint:
        return False
    for pattern in patterns:
        if pattern.startswith("*"):
            if endpoint.endswith(pattern[1:]):
                return True
        elif pattern.endswith("*"):
            if endpoint.startswith(pattern[:-1]):
                return True
        elif endpoint == pattern:
            return True
    return False


@dataclass(frozen=True)
class MenuItem:
    """One link of a menu.

    - ``menu``: MAIN, SETUP (admins only) or ACCOUNT; ``label``: what people read;
      ``endpoint``: the page (``url_for(endpoint)``, no arguments).
    - ``order``: lower first (ties keep registration order, core first); core's items are
      spaced by ten.
    - ``current``: the endpoints on which the link is the current page (``aria-current``):
      exact names, ``prefix*`` or ``*suffix``; default: its own endpoint.
    - ``section``: more endpoints that mark the menu (not the link) as where the user is,
      such as the other pages of the same setup area.
    - ``roles``: the roles that see it (None: every signed-in user; SETUP is admins only).
    - ``palette``: offered by the command palette too (SETUP items, as "Setting").
    - ``owner``: set by the collector: "core", or the plugin's name.
    """

    menu: str
    label: str
    endpoint: str
    order: int = 1000
    current: tuple[str, ...] = ()
    section: tuple[str, ...] = ()
    roles: tuple[str, ...] | None = None
    palette: bool = True
    owner: str = "core"

    def __post_init__(self) -> None:
        if self.menu not in MENUS:
            raise ValueError(f"{self.label}: menu must be one of {MENUS}")

    def is_current(self, endpoint: str | None) -> bool:
        return _matches(self.current or (self.endpoint,), endpoint)

    def in_section(self, endpoint: str | None) -> bool:
        return self.is_current(endpoint) or _matches(self.section, endpoint)


_COLLECTED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def collect_menu_items(pm) -> dict[str, tuple[MenuItem, ...]]:
    """Every item the hooks contribute, per menu, ordered and owned (kept per manager)."""
    collected = _COLLECTED.get(pm)
    if collected is not None:
        return collected
    from saas.plugins.manager import contributions

    items = []
    for owner, item in contributions(pm, "register_menu_items"):
        if not isinstance(item, MenuItem):
            raise TypeError(f"register_menu_items must return MenuItem objects, got {item!r}")
        items.append(dataclasses.replace(item, owner=owner) if item.owner != owner else item)
    ranked = sorted(enumerate(items), key=lambda pair: (pair[1].order, pair[0]))
    collected = {menu: tuple(i for _n, i in ranked if i.menu == menu) for menu in MENUS}
    _COLLECTED[pm] = collected
    return collected


def menu_items(menu: str, user) -> list[MenuItem]:
    """The items of ``menu`` that ``user`` sees in the running app (pages that are not
    registered, such as those of a plugin that is not there, are left out)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    if menu == SETUP and not user.is_admin:
        return []
    from saas.plugins.tenant import active_hooks

    items = collect_menu_items(active_hooks())[menu]
    views = current_app.view_functions
    return [
        item
        for item in items
        if item.endpoint in views and (item.roles is None or user.role in item.roles)
    ]


def template_helpers() -> dict:
    """``menu_items(menu)`` and ``menu_is_current(items)`` for the page templates."""
    from flask_login import current_user

    def items(menu: str) -> list[MenuItem]:
        return menu_items(menu, current_user)

    def is_current(items: list[MenuItem]) -> bool:
        return any(item.in_section(request.endpoint) for item in items)

    return {"menu_items": items, "menu_is_current": is_current}
