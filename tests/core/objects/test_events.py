"""The record services emit typed events (saas/events.py, core/objects/events.py) at the one
choke point every write of every object passes, inside the write's transaction."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.objects import records
from core.objects.audit import AuditEntry
from core.objects.events import RecordCreated, RecordDeleted, RecordRestored, RecordUpdated
from core.objects.registry import object_for_tenant
from saas.auth.actors import SYSTEM
from saas.auth.models import User
from saas.db import db
from saas.errors import ValidationFailed
from saas.plugins import hookimpl
from tenants.scoping import tenant_scope


class Listener:
    """A plugin that keeps what it is told and can be made to fail."""

    def __init__(self):
        self.events = []
        self.fail_on = None

    @hookimpl
    def event_emitted(self, event):
        self.events.append(event)
        if self.fail_on and event.name == self.fail_on:
            raise ValidationFailed("the listener refuses this change")


@pytest.fixture
def listener(app):
    pm = app.extensions["trellis_plugins"]
    plugin = Listener()
    pm.register(plugin, name="test_event_listener")
    yield plugin
    pm.unregister(name="test_event_listener")


def _admin(tenant):
    return db.session.get(User, (tenant["id"], tenant["admin_id"]))


def test_every_write_emits_its_event_with_what_changed(app, tenant, listener):
    with app.app_context(), tenant_scope(tenant["id"]):
        admin = _admin(tenant)
        company = records.create_record("companies", {"name": "Acme Tools"}, actor=admin)
        records.update_record("companies", company.id, {"name": "Acme Tools Ltd"}, actor=admin)
        records.update_record("companies", company.id, {"name": "Acme Tools Ltd"}, actor=admin)
        records.delete_record("companies", company.id, actor=admin)
        records.restore_record("companies", company.id, actor=admin)
        company_id = company.id
        db.session.commit()
    created, updated, deleted, restored = listener.events  # an update changing nothing: none
    assert isinstance(created, RecordCreated) and created.name == "record.created"
    assert created.values["name"] == "Acme Tools" and created.object_name == "companies"
    assert isinstance(updated, RecordUpdated)
    assert updated.changes == {"name": ("Acme Tools", "Acme Tools Ltd")}
    assert updated.changed("name") and not updated.changed("website")
    assert isinstance(deleted, RecordDeleted) and isinstance(restored, RecordRestored)
    for event in listener.events:
        assert event.tenant_id == tenant["id"] and event.actor_id == tenant["admin_id"]
        assert event.record_id == company_id and event.audit_id is not None
    assert created.job_args() == ("record.created", "companies", str(company_id))


def test_custom_objects_and_the_system_emit_the_same_events(app, tenant, listener):
    with app.app_context(), tenant_scope(tenant["id"]):
        records.create_record("contacts", {"first_name": "Ada", "last_name": "L"}, actor=SYSTEM)
        db.session.commit()
    (event,) = listener.events
    assert event.actor_id is None and event.object_name == "contacts"


def test_a_hook_that_raises_rolls_the_whole_write_back(app, tenant, listener):
    listener.fail_on = "record.created"
    with app.app_context(), tenant_scope(tenant["id"]):
        with pytest.raises(ValidationFailed, match="the listener refuses"):
            records.create_record("companies", {"name": "Refused Co"}, actor=_admin(tenant))
        db.session.rollback()
        model = object_for_tenant("companies").model
        names = db.session.scalars(select(model.name)).all()
        assert "Refused Co" not in names
        history = db.session.scalars(select(AuditEntry.object_name)).all()
        assert "companies" not in history  # nor its history entry


HEARD: list[tuple] = []


def _heard_job(tenant_id, event_name, object_name, record_id):
    HEARD.append((tenant_id, event_name, object_name, record_id))


class Subscriber:
    """A plugin whose job runs after each deal update commits."""

    @hookimpl
    def register_jobs(self):
        return {"test_events.heard": _heard_job}

    @hookimpl
    def register_event_jobs(self):
        return [("record.updated", _heard_job)]


@pytest.fixture
def subscriber(app):
    pm = app.extensions["trellis_plugins"]
    pm.register(Subscriber(), name="test_event_subscriber")
    HEARD.clear()
    yield
    pm.unregister(name="test_event_subscriber")
    HEARD.clear()


def test_a_subscribed_job_gets_an_outbox_row_with_ids_only_and_runs_after_commit(
    app, tenant, subscriber
):
    from saas.jobs import dispatch_outbox
    from saas.jobs.models import OutboxJob

    with app.app_context():
        with tenant_scope(tenant["id"]):
            admin = _admin(tenant)
            company = records.create_record("companies", {"name": "Old"}, actor=admin)
            company_id = company.id
            db.session.commit()
            assert db.session.scalars(select(OutboxJob.job_name)).all() == []  # created: none
            records.update_record("companies", company_id, {"name": "New"}, actor=admin)
            (row,) = db.session.scalars(select(OutboxJob)).all()
            assert row.job_name == "test_events.heard"
            assert row.args == ["record.updated", "companies", str(company_id)]  # no values
            db.session.rollback()  # the change is given up: so is its job
            assert db.session.scalars(select(OutboxJob)).all() == []
            records.update_record("companies", company_id, {"name": "Newer"}, actor=admin)
            db.session.commit()
        assert HEARD == []  # nothing ran inside the transaction
        dispatch_outbox()
    assert [(tenant["id"], "record.updated", "companies", str(company_id))] == HEARD
