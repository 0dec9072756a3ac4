"""The demo workspace is seeded from the hooks: saas/demo.py only orchestrates, each area's
register_demo_data gives its part, and a part runs after the parts it names."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from saas.auth.actors import SYSTEM
from saas.db import db
from saas.demo import DemoData, in_order
from saas.plugins.manager import build_manager, demo_data
from tenants.models import Tenant
from tenants.scoping import tenant_scope

FAKE_HOOKS = """
    from saas.plugins import hookimpl


    @hookimpl
    def register_demo_data():
        from core.zz_fakedemo import demo
        from saas.demo import DemoData

        return [DemoData("zz_fake", demo.seed, after=("deals",))]
"""

FAKE_DEMO = """
    from core.objects import records
    from core.objects.demo import exists, one

    CALLS = []


    def seed(*, team, today):
        CALLS.append((team[0].email, today, exists("deals")))
        if exists("leads") and one("leads", "last_name", "Fakeperson"):
            return
        records.create_record(
            "leads",
            {"first_name": "Zz", "last_name": "Fakeperson", "company_name": "Zz Fake"},
            actor=team[0],
        )
"""


def test_core_parts_come_from_the_hooks_in_an_order_that_respects_after():
    parts = in_order(demo_data(build_manager()))
    names = [part.name for part in parts]
    assert set(names) == {
        "companies",
        "contacts",
        "leads",
        "deals",
        "products",
        "quotes_and_orders",
        "tickets",
        "campaigns",
    }
    for part in parts:
        for needed in part.after:
            assert names.index(needed) < names.index(part.name), (part.name, needed)


def test_a_new_areas_demo_data_is_seeded_after_what_it_needs(make_area, build_app, app):
    make_area("zz_fakedemo", FAKE_HOOKS, demo=FAKE_DEMO)
    application = build_app()
    runner = application.test_cli_runner()
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert runner.invoke(args=["demo"]).exit_code == 0  # again: nothing new

    from core.zz_fakedemo import demo

    from core.objects import records

    assert [(email, has_deals) for email, _, has_deals in demo.CALLS] == [
        ("admin@demo.example", True),
        ("admin@demo.example", True),
    ]
    with application.app_context():
        tenant = db.session.scalar(select(Tenant).where(Tenant.slug == "demo"))
        with tenant_scope(tenant.id):
            leads, _ = records.list_records(
                "leads", filters=[records.Filter("last_name", "eq", "Fakeperson")], actor=SYSTEM
            )
            assert [lead.company_name for lead in leads] == ["Zz Fake"]


def _part(name, *after):
    return DemoData(name, lambda **_: None, after=after)


def test_in_order_keeps_registration_order_when_nothing_is_needed():
    names = [p.name for p in in_order([_part("b"), _part("a", "c"), _part("c"), _part("d")])]
    assert names == ["b", "c", "a", "d"]


@pytest.mark.parametrize(
    "parts, error",
    [
        ([_part("a"), _part("a")], "demo data a is registered twice"),
        ([_part("a", "ghost")], "demo data a needs ghost: not registered"),
        ([_part("a", "b"), _part("b", "a"), _part("c")], "demo data a, b: .* cycle"),
    ],
)
def test_in_order_refuses_what_cannot_be_seeded(parts, error):
    with pytest.raises(ValueError, match=error):
        in_order(parts)


def test_hooks_must_return_demo_data():
    from saas.plugins import hookimpl

    pm = build_manager()

    class Broken:
        @hookimpl
        def register_demo_data(self):
            return [lambda **_: None]

    pm.register(Broken(), name="broken")
    with pytest.raises(TypeError, match="register_demo_data must return DemoData objects"):
        demo_data(pm)
