"""Who may do what: object-level rights and record-level visibility per role, and teams.

Admins always have every right on every record. For managers and members, a tenant admin
sets per object: create / read / update / delete, and which records they see — their
``own`` (owner is them), their ``team``'s (owner is in their team) or ``all``. Without a
setting, both roles have every right on all records: a small business starts open and
closes what it needs to.
"""

from __future__ import annotations

import uuid

from sqlalchemy import Boolean, ForeignKeyConstraint, String, UniqueConstraint, or_, select
from sqlalchemy.orm import Mapped, mapped_column

from saas.auth.models import User
from saas.auth.roles import ADMIN, ROLES, VIEWER
from saas.db import db
from saas.errors import Conflict, Forbidden, NotFound, ValidationFailed
from tenants.scoping import TenantScoped, require_tenant_id

ACTIONS = ("create", "read", "update", "delete")
VISIBILITIES = ("own", "team", "all")


class Team(TenantScoped, db.Model):
    __tablename__ = "teams"
    __table_args__ = (UniqueConstraint("tenant_id", "name"),)

    name: Mapped[str] = mapped_column(String(100))


class TeamMembership(TenantScoped, db.Model):
    """A user's team (at most one: the ``id`` of this row is the user's id)."""

    __tablename__ = "team_memberships"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "id"], ["users.tenant_id", "users.id"], ondelete="CASCADE"
        ),
        ForeignKeyConstraint(
            ["tenant_id", "team_id"], ["teams.tenant_id", "teams.id"], ondelete="CASCADE"
        ),
    )

    team_id: Mapped[uuid.UUID] = mapped_column()


class ObjectPermission(TenantScoped, db.Model):
    __tablename__ = "object_permissions"
    __table_args__ = (UniqueConstraint("tenant_id", "role", "object_name"),)

    role: Mapped[str] = mapped_column(String(20))
    object_name: Mapped[str] = mapped_column(String(64))
    can_create: Mapped[bool] = mapped_column(Boolean, default=True)
    can_read: Mapped[bool] = mapped_column(Boolean, default=True)
    can_update: Mapped[bool] = mapped_column(Boolean, default=True)
    can_delete: Mapped[bool] = mapped_column(Boolean, default=True)
    visibility: Mapped[str] = mapped_column(String(10), default="all")


def rights_of(role: str, object_name: str) -> dict:
    """{"create": bool, ..., "visibility": "own" | "team" | "all"} for a role on an object."""
    if role == ADMIN:
        return {**{action: True for action in ACTIONS}, "visibility": "all"}
    row = db.session.scalar(
        select(ObjectPermission).where(
            ObjectPermission.role == role, ObjectPermission.object_name == object_name
        )
    )
    if row is None:
        rights = {**{action: True for action in ACTIONS}, "visibility": "all"}
    else:
        rights = {
            "create": row.can_create,
            "read": row.can_read,
            "update": row.can_update,
            "delete": row.can_delete,
            "visibility": row.visibility,
        }
    if role == VIEWER:  # a free seat: reads, never writes, whatever the setting says
        rights.update(create=False, update=False, delete=False)
    return rights


def require_right(user: User | None, object_name: str, action: str, label: str) -> dict:
    """The user's rights on the object, or Forbidden when ``action`` is not among them."""
    if user is None:
        return {**{a: True for a in ACTIONS}, "visibility": "all"}
    rights = rights_of(user.role, object_name)
    if not rights[action] or (action != "read" and not rights["read"]):
        raise Forbidden(f"Your role cannot {action} {label}.")
    return rights


def team_of(user: User) -> uuid.UUID | None:
    membership = db.session.get(TeamMembership, (require_tenant_id(), user.id))
    return membership.team_id if membership else None


def visibility_condition(model, user: User | None, visibility: str):
    """A WHERE clause limiting ``model``'s records to those ``user`` may see, or None."""
    if user is None or visibility == "all":
        return None
    if visibility == "own":
        return model.owner_id == user.id
    team_id = team_of(user)
    if team_id is None:
        return model.owner_id == user.id
    teammates = select(TeamMembership.id).where(TeamMembership.team_id == team_id)
    return or_(model.owner_id == user.id, model.owner_id.in_(teammates))


def set_rights(*, role: str, object_name: str, rights: dict) -> ObjectPermission:
    if role not in ROLES or role == ADMIN:
        raise ValidationFailed("Set rights for the manager or member role.", field="role")
    unknown = set(rights) - {*ACTIONS, "visibility"}
    if unknown:
        raise ValidationFailed(f"Unknown rights: {', '.join(sorted(unknown))}.")
    if rights.get("visibility", "all") not in VISIBILITIES:
        raise ValidationFailed(f"Choose {', '.join(VISIBILITIES)}.", field="visibility")
    for action in ACTIONS:
        if action in rights and not isinstance(rights[action], bool):
            raise ValidationFailed("Use true or false.", field=action)
    row = db.session.scalar(
        select(ObjectPermission).where(
            ObjectPermission.role == role, ObjectPermission.object_name == object_name
        )
    )
    if row is None:
        row = ObjectPermission(role=role, object_name=object_name)
        db.session.add(row)
    current = rights_of(role, object_name)
    for action in ACTIONS:
        setattr(row, f"can_{action}", rights.get(action, current[action]))
    row.visibility = rights.get("visibility", current["visibility"])
    db.session.flush()
    return row


def create_team(*, name: str) -> Team:
    name = " ".join((name or "").split())
    if not name or len(name) > 100:
        raise ValidationFailed("Give the team a name of at most 100 characters.", field="name")
    if db.session.scalar(select(Team).where(Team.name == name)) is not None:
        raise Conflict("A team with this name exists.", field="name")
    team = Team(name=name)
    db.session.add(team)
    db.session.flush()
    return team


def list_teams() -> list[Team]:
    return list(db.session.scalars(select(Team).order_by(Team.name)))


def set_team(*, user: User, team_id: uuid.UUID | str | None) -> None:
    membership = db.session.get(TeamMembership, (require_tenant_id(), user.id))
    if team_id in (None, ""):
        if membership is not None:
            db.session.delete(membership)
        db.session.flush()
        return
    try:
        key = uuid.UUID(str(team_id))
    except ValueError:
        raise NotFound("No such team.") from None
    if db.session.get(Team, (require_tenant_id(), key)) is None:
        raise NotFound("No such team.")
    if membership is None:
        db.session.add(TeamMembership(id=user.id, team_id=key))
    else:
        membership.team_id = key
    db.session.flush()


def team_memberships() -> dict[uuid.UUID, uuid.UUID]:
    """Every user's team, {user id: team id}, in one query (users without a team are absent)."""
    return {m.id: m.team_id for m in db.session.scalars(select(TeamMembership))}
