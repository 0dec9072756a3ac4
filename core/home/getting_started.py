"""Get started: the first steps of a new workspace, each shown until its data exists.

A step is done when the workspace has what it asks for (a contact, a colleague, a deal, a
field of its own), so the list shrinks as the team works and the card goes once every step
is done; nothing is ticked by hand. Industry plugins get no step until plugins can be
switched on per workspace (there is no catalogue to choose from yet).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import url_for
from sqlalchemy import exists, func, select

from core.contacts.models import Contact
from core.deals.models import Deal
from core.objects.models import FieldDefinition
from saas.auth.models import User
from saas.db import db
from saas.i18n import _


@dataclass(frozen=True)
class Step:
    key: str
    title: str
    text: str
    url: str


def _has(statement) -> bool:
    return bool(db.session.scalar(select(exists(statement))))


def open_steps() -> list[Step]:
    """The steps of the current workspace that are not done yet (a few EXISTS queries)."""
    steps = []
    if not _has(select(Contact.id).where(Contact.deleted_at.is_(None))):
        steps.append(
            Step(
                "contacts",
                _("Add your contacts"),
                _(
                    "There is no file import yet: add them one by one, or load a list through "
                    "the REST API with an API token."
                ),
                url_for("records.create", object_name="contacts"),
            )
        )
    colleagues = select(func.count()).select_from(User).where(User.is_active.is_(True))
    if db.session.scalar(colleagues) < 2:  # an invitation counts: its colleague is on the way
        steps.append(
            Step(
                "team",
                _("Invite your team"),
                _("Each colleague gets an e-mail to choose a password."),
                url_for("admin_users.index"),
            )
        )
    if not _has(select(Deal.id).where(Deal.deleted_at.is_(None))):
        steps.append(
            Step(
                "pipeline",
                _("Set up your pipeline"),
                _("Put your first deal on the board and move it through the stages."),
                url_for("records.board", object_name="deals"),
            )
        )
    if not _has(select(FieldDefinition.id)):
        steps.append(
            Step(
                "fields",
                _("Add the fields your team needs"),
                _("Your own fields on contacts, deals and every other object."),
                url_for("admin_objects.index"),
            )
        )
    return steps
