"""The system acts as ``SYSTEM``, explicitly: ``actor=None`` is refused by every service
that checks rights (it used to mean every right), and ``SYSTEM`` has every right, sees every
record and is written in the history as no person."""

from __future__ import annotations

import pickle

import pytest

from core.activities.services import apply_activity_rules
from core.objects import records
from core.objects.audit import AuditEntry
from saas.auth.actors import SYSTEM, MissingActor, is_system, person_id
from saas.db import db
from saas.plugins import api
from saas.plugins.services import enable_plugin
from tenants.scoping import tenant_scope
from tests.conftest import add_user
from tests.factories import CompanyFactory


@pytest.fixture
def in_tenant(app, tenant):
    with app.app_context(), tenant_scope(tenant["id"]):
        yield
        db.session.rollback()


@pytest.mark.parametrize(
    "call",
    [
        lambda: records.create_record("companies", {"name": "Initech"}, actor=None),
        lambda: records.list_records("companies", actor=None),
        lambda: records.get_records_by_ids("companies", [], actor=None),
        lambda: enable_plugin("academy", actor=None),
        lambda: is_system(None),
        lambda: person_id(None),
    ],
    ids=["create", "list", "by-ids", "enable-plugin", "is-system", "person-id"],
)
def test_none_is_not_an_actor(in_tenant, call):
    with pytest.raises(MissingActor, match="needs an actor"):
        call()


def test_none_reads_or_writes_nothing_of_an_existing_record(app, tenant):
    company = CompanyFactory(tenant=tenant, name="Initech")
    with app.app_context(), tenant_scope(tenant["id"]):
        for call in (
            lambda: records.get_record("companies", company["id"], actor=None),
            lambda: records.update_record("companies", company["id"], {"name": "X"}, actor=None),
            lambda: records.delete_record("companies", company["id"], actor=None),
        ):
            with pytest.raises(MissingActor):
                call()
        db.session.rollback()
        assert records.get_record("companies", company["id"], actor=SYSTEM).name == "Initech"


def test_the_system_sees_every_record_and_is_no_person_in_the_history(app, tenant):
    member = add_user(app, tenant, email="mia@acme.example.com", role="member")
    with app.app_context(), tenant_scope(tenant["id"]):
        from core.objects.permissions import set_rights
        from saas.auth.models import User

        set_rights(
            role="member",
            object_name="companies",
            rights={
                "create": True,
                "read": True,
                "update": True,
                "delete": True,
                "visibility": "own",
            },
        )
        made = records.create_record("companies", {"name": "Made by the system"}, actor=SYSTEM)
        assert made.owner_id is None and made.created_by_id is None  # no person owns it
        entry = db.session.query(AuditEntry).filter_by(record_id=made.id).one()
        assert entry.actor_id is None
        mia = db.session.get(User, (tenant["id"], member))
        assert records.list_records("companies", actor=mia)[0] == []  # not hers
        assert [c.name for c in records.list_records("companies", actor=SYSTEM)[0]] == [
            "Made by the system"
        ]
        db.session.rollback()


def test_a_task_the_system_creates_is_assigned_to_nobody(in_tenant):
    cleaned = {"type": "task", "subject": "Call back"}
    apply_activity_rules(None, cleaned, SYSTEM)
    assert cleaned.get("assignee_id") is None


def test_system_is_one_object_the_public_api_exports():
    assert api.SYSTEM is SYSTEM and api.is_system(SYSTEM)
    assert pickle.loads(pickle.dumps(SYSTEM)) is SYSTEM
    assert person_id(SYSTEM) is None
