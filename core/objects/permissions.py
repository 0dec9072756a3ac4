"""Who may do what: object-level rights and record-level visibility per role (teams are
saas/auth/teams.py).

Admins always have every right on every record. For managers and members, a tenant admin
sets per object: create / read / update / delete, and which records they see — their
``own`` (owner is them), their ``team``'s (owner is in their team) or ``all``. Without a
setting, both roles have every right on all records: a small business starts open and
closes what it needs to.

On parties (objects with a ``party_roles_field``: companies and contacts), visibility can
also be limited to parties holding one of some party roles (``party_roles: ["supplier"]``:
purchasing sees suppliers only), on top of own / team / all. See
docs/decisions/0012-party-roles-in-permissions.md.

Field-level access: per role, a field can be ``hidden`` or ``read_only``. Custom fields
keep theirs on their definition (``FieldDefinition.access``); standard fields in
``field_access`` rows, which the registry folds into each FieldSpec's ``access`` so that
``hidden_fields`` / ``read_only_fields`` (and everything built on them) treat both alike.
``set_field_access`` writes either. Required fields (and columns that cannot be empty) stay
visible and editable for every role: a create form without them could never be saved.
"""

from __future__ import annotations

from sqlalchemy import Boolean, String, UniqueConstraint, and_, or_, select
from sqlalchemy.orm import Mapped, mapped_column

from core.objects.models import FieldDefinition
from core.objects.registry import forget_tenant_objects, object_for_tenant
from saas import security_log
from saas.auth.actors import SystemActor, is_system
from saas.auth.models import User
from saas.auth.roles import ADMIN, ROLES, VIEWER
from saas.auth.teams import TeamMembership, team_of
from saas.db import JSONType, db, json_array_has_any
from saas.errors import Forbidden, ValidationFailed
from tenants.schema_version import schema_cache
from tenants.scoping import TenantScoped, require_tenant_id

ACTIONS = ("create", "read", "update", "delete")
FIELD_ACCESS = ("editable", "read_only", "hidden")
VISIBILITIES = ("own", "team", "all")


class ObjectPermission(TenantScoped, db.Model):
    # Part of the tenant's schema: a write bumps tenants.schema_version (caches).
    __trellis_schema__ = True
    __tablename__ = "object_permissions"
    __table_args__ = (UniqueConstraint("tenant_id", "role", "object_name"),)

    role: Mapped[str] = mapped_column(String(20))
    object_name: Mapped[str] = mapped_column(String(64))
    can_create: Mapped[bool] = mapped_column(Boolean, default=True)
    can_read: Mapped[bool] = mapped_column(Boolean, default=True)
    can_update: Mapped[bool] = mapped_column(Boolean, default=True)
    can_delete: Mapped[bool] = mapped_column(Boolean, default=True)
    visibility: Mapped[str] = mapped_column(String(10), default="all")
    # Parties only: the role sees only records holding one of these party roles (None: any).
    party_roles: Mapped[list | None] = mapped_column(JSONType)


class FieldAccess(TenantScoped, db.Model):
    """A standard field hidden from, or read-only for, a role (custom fields keep theirs on
    their definition). No row: editable."""

    # Part of the tenant's schema: a write bumps tenants.schema_version (caches).
    __trellis_schema__ = True

    __tablename__ = "field_access"
    __table_args__ = (UniqueConstraint("tenant_id", "object_name", "field_name", "role"),)

    object_name: Mapped[str] = mapped_column(String(64))
    field_name: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(20))
    access: Mapped[str] = mapped_column(String(10))


def standard_field_access(object_name: str) -> dict[str, dict[str, str]]:
    """{field: {role: "hidden" | "read_only"}} of an object's standard fields."""
    access: dict[str, dict[str, str]] = {}
    for row in db.session.scalars(
        select(FieldAccess).where(FieldAccess.object_name == object_name)
    ):
        access.setdefault(row.field_name, {})[row.role] = row.access
    return access


def field_access_of(role: str, obj) -> dict[str, str]:
    """{field: "editable" | "read_only" | "hidden"} as an admin set it for ``role`` on
    ``obj`` (an ObjectSpec); calculated fields are read-only whatever the setting."""
    return {name: spec.access.get(role, "editable") for name, spec in obj.fields.items()}


def protected_field(obj, spec) -> str | None:
    """Why a field must stay visible and editable for every role, or None."""
    if spec.required:
        return "A required field stays visible and editable: every create form needs it."
    if spec.column and not spec.system and not spec.field_type.read_only:
        column = obj.model.__table__.c.get(spec.column)
        if column is not None and not column.nullable and column.default is None:
            return "This field cannot be empty, so it stays visible and editable."
    return None


def set_field_access(*, role: str, obj, access: dict) -> None:
    """Make fields of ``obj`` hidden, read-only or editable for ``role``: all or nothing,
    with one message per refused field."""
    if role not in ROLES or role == ADMIN:
        raise ValidationFailed(
            "Set field access for the manager, member or viewer role.", field="role"
        )
    if not isinstance(access, dict):
        raise ValidationFailed(
            'Give fields as {"field": "editable" | "read_only" | "hidden"}.', field="fields"
        )
    errors: dict[str, list[str]] = {}
    for name, level in access.items():
        spec = obj.fields.get(name)
        key = f"fields.{name}"
        if spec is None:
            errors[key] = ["There is no such field."]
        elif level not in FIELD_ACCESS:
            errors[key] = [f"Choose {', '.join(FIELD_ACCESS)}."]
        elif level != "editable" and protected_field(obj, spec):
            errors[key] = [protected_field(obj, spec)]
        elif level == "read_only" and spec.read_only:
            errors[key] = ["This field is calculated: it is read-only for everyone already."]
    if errors:
        raise ValidationFailed("Some fields cannot be set so.", errors=errors)
    before = field_access_of(role, obj)
    for name, level in access.items():
        spec = obj.fields[name]
        if spec.custom:
            definition = db.session.get(FieldDefinition, (require_tenant_id(), spec.definition_id))
            levels = dict(definition.access or {})
            levels.pop(role, None)
            if level != "editable":
                levels[role] = level
            definition.access = levels
            continue
        row = db.session.scalar(
            select(FieldAccess).where(
                FieldAccess.object_name == obj.api_name,
                FieldAccess.field_name == name,
                FieldAccess.role == role,
            )
        )
        if level == "editable":
            if row is not None:
                db.session.delete(row)
        elif row is None:
            db.session.add(
                FieldAccess(object_name=obj.api_name, field_name=name, role=role, access=level)
            )
        else:
            row.access = level
    db.session.flush()
    forget_tenant_objects()
    changed = security_log.changes(
        {name: before.get(name, "editable") for name in access}, dict(access)
    )
    if changed:
        security_log.record(
            "permissions.field_access_changed",
            target=f"{obj.api_name} for {role}",
            details={"changes": changed},
        )


def _role_rights() -> dict[tuple[str, str], dict]:
    """{(role, object): rights} of every row the tenant's admins set: one query, kept in
    the process's schema cache until the tenant's schema version changes."""
    shared = schema_cache()
    if shared is not None and "role_rights" in shared:
        return shared["role_rights"]
    rights = {
        (row.role, row.object_name): {
            "create": row.can_create,
            "read": row.can_read,
            "update": row.can_update,
            "delete": row.can_delete,
            "visibility": row.visibility,
            "party_roles": tuple(row.party_roles) if row.party_roles else None,
        }
        for row in db.session.scalars(select(ObjectPermission))
    }
    if shared is not None:
        shared["role_rights"] = rights
    return rights


def rights_of(role: str, object_name: str) -> dict:
    """{"create": bool, ..., "visibility": "own" | "team" | "all", "party_roles": [...] | None}
    for a role on an object."""
    if role == ADMIN:
        return {**{action: True for action in ACTIONS}, "visibility": "all", "party_roles": None}
    row = _role_rights().get((role, object_name))
    if row is None:
        rights = {**{action: True for action in ACTIONS}, "visibility": "all", "party_roles": None}
    else:
        rights = {**row, "party_roles": list(row["party_roles"]) if row["party_roles"] else None}
    if role == VIEWER:  # a free seat: reads, never writes, whatever the setting says
        rights.update(create=False, update=False, delete=False)
    return rights


def require_right(user: User | SystemActor, object_name: str, action: str, label: str) -> dict:
    """The user's rights on the object, or Forbidden when ``action`` is not among them.
    ``SYSTEM`` has every right; None is refused (``MissingActor``)."""
    if is_system(user):
        return {**{a: True for a in ACTIONS}, "visibility": "all", "party_roles": None}
    rights = rights_of(user.role, object_name)
    if not rights[action] or (action != "read" and not rights["read"]):
        raise Forbidden(f"Your role cannot {action} {label}.")
    return rights


def visibility_condition(model, user: User | SystemActor, visibility: str, party_roles=None):
    """A WHERE clause limiting ``model``'s records to those ``user`` may see, or None (every
    record: ``SYSTEM``, or visibility "all" without party roles).

    ``party_roles`` (from the user's rights) further limits parties to those holding one of
    them; it is ignored on objects without party roles.
    """
    if is_system(user):
        return None
    by_role = None
    if party_roles and hasattr(model, "roles"):
        by_role = json_array_has_any(model.roles, party_roles)
    if visibility == "all":
        return by_role
    if visibility == "own":
        by_owner = model.owner_id == user.id
    else:
        team_id = team_of(user)
        by_owner = model.owner_id == user.id
        if team_id is not None:
            teammates = select(TeamMembership.id).where(TeamMembership.team_id == team_id)
            by_owner = or_(by_owner, model.owner_id.in_(teammates))
    return by_owner if by_role is None else and_(by_owner, by_role)


def set_rights(*, role: str, object_name: str, rights: dict) -> ObjectPermission:
    if role not in ROLES or role == ADMIN:
        raise ValidationFailed("Set rights for the manager or member role.", field="role")
    unknown = set(rights) - {*ACTIONS, "visibility", "party_roles"}
    if unknown:
        raise ValidationFailed(f"Unknown rights: {', '.join(sorted(unknown))}.")
    if rights.get("visibility", "all") not in VISIBILITIES:
        raise ValidationFailed(f"Choose {', '.join(VISIBILITIES)}.", field="visibility")
    for action in ACTIONS:
        if action in rights and not isinstance(rights[action], bool):
            raise ValidationFailed("Use true or false.", field=action)
    party_roles = _clean_party_roles(object_name, rights) if "party_roles" in rights else None
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
    row.party_roles = party_roles if "party_roles" in rights else current["party_roles"]
    db.session.flush()
    changed = security_log.changes(current, rights_of(role, object_name))
    if changed:
        security_log.record(
            "permissions.changed",
            target=f"{object_name} for {role}",
            details={"changes": changed},
        )
    return row


def _clean_party_roles(object_name: str, rights: dict) -> list[str] | None:
    wanted = rights["party_roles"]
    if wanted in (None, []):
        return None
    party_roles = object_for_tenant(object_name).party_roles
    if not party_roles:
        raise ValidationFailed(
            "Party roles limit companies and contacts only.", field="party_roles"
        )
    if not isinstance(wanted, list) or any(role not in party_roles for role in wanted):
        raise ValidationFailed(
            f"Give a list of party roles among {', '.join(party_roles)}.", field="party_roles"
        )
    return [role for role in party_roles if role in wanted]
