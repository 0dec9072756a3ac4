"""Activities: the calls, meetings, e-mails, tasks and notes of the team, each optionally
attached to one record of any object (``related_object`` + ``related_id``), so that every
interaction shows on that record's timeline.

The reference to the related record is polymorphic, so the database cannot check it with a
foreign key: ``core.activities.services.apply_activity_rules`` checks that the record
exists, in the same tenant, and that the writer may see it.
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import Boolean, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.companies.models import picklist
from core.objects.models import RecordMixin, record_table_args
from core.objects.registry import MENU_BAR, FieldSpec, ObjectSpec, owner_field
from saas.db import JSONType, UTCDateTime, db
from saas.i18n import N_

ACTIVITY_TYPES = ("call", "meeting", "email", "task", "note")


class Activity(RecordMixin, db.Model):
    __tablename__ = "activities"
    __table_args__ = record_table_args(
        "activities",
        Index("ix_activities_related", "tenant_id", "related_object", "related_id", "created_at"),
        Index("ix_activities_assignee_due", "tenant_id", "assignee_id", "done", "due_at"),
        Index("ix_activities_reminder", "tenant_id", "reminder_at"),
    )

    type: Mapped[str] = mapped_column(String(20))
    subject: Mapped[str] = mapped_column(String(255))
    body: Mapped[str | None] = mapped_column(Text)
    due_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    reminder_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    done: Mapped[bool] = mapped_column(Boolean, default=False)
    completed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    assignee_id: Mapped[uuid.UUID | None] = mapped_column()
    related_object: Mapped[str | None] = mapped_column(String(64))
    related_id: Mapped[str | None] = mapped_column(String(36))
    # The ids (strings) of the users mentioned as @e-mail in the body, in order of mention.
    mentions: Mapped[list | None] = mapped_column(JSONType)


def _activity_rules(record, cleaned: dict, actor) -> None:
    from core.activities.services import apply_activity_rules

    apply_activity_rules(record, cleaned, actor)


ACTIVITY = ObjectSpec(
    api_name="activities",
    order=50,
    label=N_("Activity"),
    label_plural=N_("Activities"),
    menu=MENU_BAR,
    list_columns=("type", "due_at", "done", "assignee_id", "updated_at"),
    list_sort="-updated_at",
    model=Activity,
    title=lambda record: record.subject,
    search_fields=("subject",),
    before_write=_activity_rules,
    fields={
        f.api_name: f
        for f in (
            FieldSpec(
                "type",
                "Type",
                "picklist",
                picklist(ACTIVITY_TYPES),
                required=True,
                default="task",
                column="type",
            ),
            FieldSpec("subject", "Subject", "text", required=True, column="subject"),
            FieldSpec(
                "body",
                "Details",
                "long_text",
                column="body",
                filterable=False,
                help_text=N_("Mention a colleague with @ and their e-mail: @ann@example.com."),
            ),
            FieldSpec("due_at", "Due", "datetime", column="due_at"),
            FieldSpec("reminder_at", "Reminder", "datetime", column="reminder_at"),
            FieldSpec("done", "Done", "boolean", default=False, column="done"),
            FieldSpec(
                "completed_at", "Completed at", "datetime", column="completed_at", system=True
            ),
            FieldSpec("assignee_id", "Assigned to", "user", column="assignee_id"),
            FieldSpec(
                "related_object",
                "Related object",
                "text",
                {"max_length": 64},
                column="related_object",
                help_text=N_("The object of the related record, such as companies or deals."),
            ),
            FieldSpec(
                "related_id",
                "Related record",
                "text",
                {"max_length": 36},
                column="related_id",
            ),
            FieldSpec(
                "mentions",
                "Mentioned users",
                "multi_picklist",
                column="mentions",
                filterable=False,
                system=True,
                help_text=N_("The users mentioned in the details, by id."),
            ),
            owner_field(),
        )
    },
)
