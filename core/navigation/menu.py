"""The objects in the top bar: every object of the workspace the user's role may read,
those of the role's bar (Setup → Navigation; by default the everyday ones) in the bar itself
in the chosen order, the others under "More"; internal objects (child and junction rows
such as price book entries) in neither."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from flask import url_for
from sqlalchemy import select

from core.navigation.services import items_for_role, menu_objects
from core.objects.permissions import ObjectPermission
from saas.auth.models import User
from saas.auth.roles import ADMIN
from saas.db import db


@dataclass(frozen=True)
class MenuEntry:
    api_name: str
    label: str
    primary: bool
    opens_on: str = "list"  # the page the menu opens: "list", "board" or "view"
    view_id: uuid.UUID | None = None

    @property
    def url(self) -> str:
        if self.opens_on == "view" and self.view_id is not None:
            return url_for(
                "saved_views.open_view", object_name=self.api_name, view_id=str(self.view_id)
            )
        endpoint = "records.board" if self.opens_on == "board" else "records.index"
        return url_for(endpoint, object_name=self.api_name)


def unreadable_objects(role: str) -> set[str]:
    """The objects ``role`` may not read (one query; admins read everything)."""
    if role == ADMIN:
        return set()
    return set(
        db.session.scalars(
            select(ObjectPermission.object_name).where(
                ObjectPermission.role == role, ObjectPermission.can_read.is_(False)
            )
        )
    )


def objects_in_menu(user: User) -> list[MenuEntry]:
    """The role's bar in its order, then the other objects ("More") in registry order and
    custom objects by label; a few small queries."""
    objects = menu_objects()
    denied = unreadable_objects(user.role)
    labels = {o.api_name: o.label for o in objects}
    bar = [
        MenuEntry(item.object_name, labels[item.object_name], True, item.opens, item.view_id)
        for item in items_for_role(user.role, objects)
        if item.object_name not in denied
    ]
    in_bar = {entry.api_name for entry in bar}
    more = [
        MenuEntry(o.api_name, o.label, False, o.opens_on)
        for o in objects
        if o.api_name not in in_bar and o.api_name not in denied
    ]
    return bar + more
