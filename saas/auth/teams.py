"""Teams: a user belongs to at most one, and record visibility "team" means records owned
by someone of the user's team (core/objects/permissions.py). Services flush, never commit."""

from __future__ import annotations

import uuid

from sqlalchemy import ForeignKeyConstraint, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column

from saas import security_log
from saas.auth.models import User
from saas.db import db
from saas.errors import Conflict, NotFound, ValidationFailed
from tenants.scoping import TenantScoped, require_tenant_id


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


def team_of(user: User) -> uuid.UUID | None:
    membership = db.session.get(TeamMembership, (require_tenant_id(), user.id))
    return membership.team_id if membership else None


def create_team(*, name: str) -> Team:
    name = " ".join((name if isinstance(name, str) else "").split())
    if not name or len(name) > 100:
        raise ValidationFailed("Give the team a name of at most 100 characters.", field="name")
    if db.session.scalar(select(Team).where(Team.name == name)) is not None:
        raise Conflict("A team with this name exists.", field="name")
    team = Team(name=name)
    db.session.add(team)
    db.session.flush()
    security_log.record("team.created", target=name, details={"team_id": team.id})
    return team


def list_teams() -> list[Team]:
    return list(db.session.scalars(select(Team).order_by(Team.name)))


def set_team(*, user: User, team_id: uuid.UUID | str | None) -> None:
    membership = db.session.get(TeamMembership, (require_tenant_id(), user.id))
    previous = (
        db.session.get(Team, (require_tenant_id(), membership.team_id)) if membership else None
    )
    if team_id in (None, ""):
        if membership is not None:
            db.session.delete(membership)
        db.session.flush()
        _log_team_change(user, previous, None)
        return
    try:
        key = uuid.UUID(str(team_id))
    except ValueError:
        raise NotFound("No such team.") from None
    team = db.session.get(Team, (require_tenant_id(), key))
    if team is None:
        raise NotFound("No such team.")
    if membership is None:
        db.session.add(TeamMembership(id=user.id, team_id=key))
    else:
        membership.team_id = key
    db.session.flush()
    _log_team_change(user, previous, team)


def _log_team_change(user: User, previous: Team | None, team: Team | None) -> None:
    if (previous and previous.id) != (team and team.id):
        security_log.record(
            "user.team_changed",
            target=user.email,
            details={
                "from": previous.name if previous else None,
                "to": team.name if team else None,
            },
        )


def team_memberships() -> dict[uuid.UUID, uuid.UUID]:
    """Every user's team, {user id: team id}, in one query (users without a team are absent)."""
    return {m.id: m.team_id for m in db.session.scalars(select(TeamMembership))}
