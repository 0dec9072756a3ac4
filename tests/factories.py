"""Factories for the common objects, built through the services the app uses.

Each factory takes the tenant explicitly (the plain dict of ``make_tenant`` or
``TenantFactory``), opens its own app context in that tenant's scope, calls the service
(``create_tenant``, ``create_user``, ``records.create_record``), commits, and returns plain
values, never ORM objects: a record comes back as the API would answer it (the JSON of
``GET /api/v1/objects/<object>/<id>``), so a test that used to build its data over HTTP
switches to a factory without changing its assertions. Building through the services keeps
every rule (validation, defaults, the audit trail, plan checks) that HTTP would apply, at a
fraction of the cost::

    acme = TenantFactory(app=app)                # or the ``tenant`` fixture
    bob = UserFactory(tenant=acme, role="member")
    initech = CompanyFactory(tenant=acme, name="Initech")
    deal = DealFactory(tenant=acme, company_id=initech["id"], amount="1200")

``app`` is optional inside the suite: the session's app (the ``app`` fixture) is used when
none is given. ``actor`` is the id of the user who creates a record (the tenant's admin by
default, ``None`` for the system). ``Factory.build(...)`` gives the values without writing.
"""

from __future__ import annotations

import json

import factory
from flask import Flask

from saas.db import db

_session_app: Flask | None = None


def use_app(app: Flask | None) -> None:
    """The app factories use when the caller gives none (the ``app`` fixture sets it)."""
    global _session_app
    _session_app = app


def _app(app: Flask | None) -> Flask:
    if app is not None:
        return app
    if _session_app is None:
        raise RuntimeError("no app: pass app=..., or use the app fixture in the test")
    return _session_app


def _plain(app: Flask, values: dict) -> dict:
    """What the API's JSON would carry (dates and decimals as strings)."""
    return json.loads(app.json.dumps(values))


# Keyword arguments that say where and by whom an object is made, not what it holds.
_CONTEXT = ("app", "tenant", "actor")


class _ServiceFactory(factory.Factory):
    """Builds a dict of values; ``create`` hands it to the service (see ``_create``)."""

    class Meta:
        model = dict
        abstract = True

    @classmethod
    def _build(cls, model_class, *args, **kwargs):
        for key in (*_CONTEXT, "object_name"):
            kwargs.pop(key, None)
        return kwargs


class TenantFactory(_ServiceFactory):
    """A workspace with its first admin (``tenants.provisioning.create_tenant``); the plain
    dict of ``make_tenant`` (``id``, ``slug``, ``admin_id``, ``admin_email``, ``password``,
    ``host``). ``plan="free"`` starts it on that plan instead of the sign-up trial."""

    slug = factory.Sequence(lambda n: f"tenant{n}")
    name = factory.LazyAttribute(lambda o: o.slug.title() + " Ltd")
    email = factory.LazyAttribute(lambda o: f"admin@{o.slug}.example.com")
    password = "correct horse battery"
    plan = None

    @classmethod
    def _create(cls, model_class, *args, app=None, **kwargs):
        from tests.conftest import make_tenant

        return make_tenant(_app(app), **kwargs)


class UserFactory(_ServiceFactory):
    """A user of ``tenant`` with a role (``saas.auth.services.create_user``).

    Returns ``{"id", "email", "password", "role", "name", "tenant"}``: enough to sign in
    with ``login_as(user["tenant"], user["email"], user["password"])``.
    """

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    name = factory.LazyAttribute(lambda o: o.email.split("@")[0].title())
    role = "member"
    password = "member password 1"

    @classmethod
    def _create(cls, model_class, *args, app=None, tenant=None, **kwargs):
        from tests.conftest import add_user

        if tenant is None:
            raise TypeError("UserFactory needs tenant=")
        user_id = add_user(_app(app), tenant, **kwargs)
        return {"id": user_id, "tenant": tenant, **kwargs}


class RecordFactory(_ServiceFactory):
    """A record of ``object_name`` in ``tenant`` (``core.objects.records.create_record``).

    Subclasses name the object and its usual values; extra keyword arguments are field
    values as the API takes them (``company_id=..., amount="12000"``). ``actor``: the id of
    the user who creates it (the tenant's admin by default; ``None``: the system).
    """

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, app=None, tenant=None, actor="admin", **values):
        from core.objects import records
        from core.objects.registry import object_for_tenant
        from saas.auth.models import User
        from tenants.scoping import tenant_scope

        if tenant is None:
            raise TypeError(f"{cls.__name__} needs tenant=")
        application = _app(app)
        object_name = values.pop("object_name")
        with application.app_context(), tenant_scope(tenant["id"]):
            actor_id = tenant["admin_id"] if actor == "admin" else actor
            user = db.session.get(User, (tenant["id"], actor_id)) if actor_id else None
            record = records.create_record(object_name, values, actor=user)
            row = records.to_api(
                object_for_tenant(object_name), record, role=user.role if user else None
            )
            db.session.commit()
            return _plain(application, row)


class CompanyFactory(RecordFactory):
    object_name = "companies"
    name = factory.Sequence(lambda n: f"Company {n}")


class ContactFactory(RecordFactory):
    object_name = "contacts"
    first_name = factory.Sequence(lambda n: f"Ada{n}")
    last_name = "Lovelace"


class DealFactory(RecordFactory):
    object_name = "deals"
    name = factory.Sequence(lambda n: f"Deal {n}")


class TicketFactory(RecordFactory):
    object_name = "tickets"
    subject = factory.Sequence(lambda n: f"Ticket {n}")


class ProductFactory(RecordFactory):
    object_name = "products"
    name = factory.Sequence(lambda n: f"Product {n}")
    code = factory.Sequence(lambda n: f"P-{n}")
    unit_price = "10.00"
