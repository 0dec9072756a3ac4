"""The objects in the top bar: every object of the workspace the user's role may read,
the everyday ones in the bar itself and the others under "More"; internal objects (child
and junction rows such as price book entries) in neither."""

from __future__ import annotations

from dataclasses import dataclass

from flask import url_for
from sqlalchemy import select

from core.objects.models import CustomObjectDefinition
from core.objects.registry import MENU_BAR, MENU_MORE, MENU_NONE, standard_objects
from saas.auth.models import User
from saas.auth.permissions import ObjectPermission
from saas.auth.roles import ADMIN
from saas.db import db


@dataclass(frozen=True)
class MenuEntry:
    api_name: str
    label: str
    primary: bool
    opens_on: str = "list"  # the page the menu opens: "list" or "board"

    @property
    def url(self) -> str:
        endpoint = "records.board" if self.opens_on == "board" else "records.index"
        return url_for(endpoint, object_name=self.api_name)


def objects_in_menu(user: User) -> list[MenuEntry]:
    """Standard objects in registry order, then custom objects by label; two queries."""
    names = [
        (name, spec.label_plural, spec.menu, spec.opens_on)
        for name, spec in standard_objects().items()
        if spec.menu != MENU_NONE
    ]
    names += [
        (name, label, MENU_MORE, "list")
        for name, label in db.session.execute(
            select(CustomObjectDefinition.api_name, CustomObjectDefinition.label_plural)
            .where(CustomObjectDefinition.retired_at.is_(None))
            .order_by(CustomObjectDefinition.label)
        )
    ]
    denied: set[str] = set()
    if user.role != ADMIN:
        denied = set(
            db.session.scalars(
                select(ObjectPermission.object_name).where(
                    ObjectPermission.role == user.role, ObjectPermission.can_read.is_(False)
                )
            )
        )
    return [
        MenuEntry(name, label, place == MENU_BAR, opens_on)
        for name, label, place, opens_on in names
        if name not in denied
    ]
