"""The objects in the top bar: every object of the workspace the user's role may read."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from core.objects.models import CustomObjectDefinition
from core.objects.registry import standard_objects
from saas.auth.models import User
from saas.auth.permissions import ObjectPermission
from saas.auth.roles import ADMIN
from saas.db import db

# Shown in the bar itself; the other objects are under "More".
PRIMARY_OBJECTS = ("companies", "contacts")


@dataclass(frozen=True)
class MenuEntry:
    api_name: str
    label: str
    primary: bool


def objects_in_menu(user: User) -> list[MenuEntry]:
    """Standard objects in registry order, then custom objects by label; two queries."""
    names = [(name, spec.label_plural) for name, spec in standard_objects().items()]
    names += db.session.execute(
        select(CustomObjectDefinition.api_name, CustomObjectDefinition.label_plural)
        .where(CustomObjectDefinition.retired_at.is_(None))
        .order_by(CustomObjectDefinition.label)
    ).all()
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
        MenuEntry(name, label, name in PRIMARY_OBJECTS)
        for name, label in names
        if name not in denied
    ]
