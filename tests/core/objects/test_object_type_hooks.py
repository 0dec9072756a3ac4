"""Object types come from the register_object_types hook: a new area's (or a plugin's)
hooks.py adds an object with no list edited, owned and ordered, and the order people see
stays core's."""

from __future__ import annotations

import pytest

from core.objects.registry import (
    FieldSpec,
    LookupTarget,
    ObjectSpec,
    build_registry,
    registry_for,
    standard_objects,
)
from saas.plugins import hookimpl
from saas.plugins.manager import build_manager
from tests.conftest import test_config
from tests.core.objects.conftest import token_for
from tests.saas.plugins.fake_area import app_with, fake_area

CORE_ORDER = [
    "companies",
    "contacts",
    "leads",
    "deals",
    "activities",
    "products",
    "price_books",
    "price_book_entries",
    "quotes",
    "orders",
    "tickets",
    "campaigns",
    "campaign_members",
    "relationships",
]

FAKE_HOOKS = """
    from core.companies.models import Company
    from core.objects.registry import FieldSpec, ObjectSpec
    from saas.plugins import hookimpl

    THINGS = ObjectSpec(
        api_name="zz_things",
        label="Thing",
        label_plural="Things",
        model=Company,
        title=lambda record: record.name,
        fields={"name": FieldSpec("name", "Name", "text", required=True, column="name")},
        order=25,
    )


    @hookimpl
    def register_object_types():
        return [THINGS]
"""


def _spec(name: str, **kwargs) -> ObjectSpec:
    from core.companies.models import Company

    fields = {"name": FieldSpec("name", "Name", "text", column="name")}
    return ObjectSpec(name, name.title(), name.title(), Company, str, fields, **kwargs)


class Plugin:
    def __init__(self, *specs, targets=()):
        self.specs, self.targets = specs, targets

    @hookimpl
    def register_object_types(self):
        return list(self.specs)

    @hookimpl
    def register_lookup_targets(self):
        return list(self.targets)


def test_core_objects_keep_the_order_people_know_and_are_owned_by_core():
    registry = build_registry(build_manager())
    assert list(registry.objects) == CORE_ORDER
    assert {spec.owner for spec in registry.objects.values()} == {"core"}
    assert set(registry.lookup_targets) == {"pipelines", "pipeline_stages", "relationship_types"}
    assert list(standard_objects()) == CORE_ORDER  # outside an app: core's manager


def test_a_plugins_object_is_owned_by_the_plugin_and_slots_in_by_its_order():
    pm = build_manager()
    pm.register(Plugin(_spec("courses", order=15), _spec("rooms")), name="school")
    registry = build_registry(pm)
    names = list(registry.objects)
    assert names[:3] == ["companies", "courses", "contacts"]
    assert names[-1] == "rooms"  # no order: after core's
    assert registry.objects["courses"].owner == "school"
    assert registry.objects["companies"].owner == "core"


def test_an_object_or_target_registered_twice_is_refused():
    pm = build_manager()
    pm.register(Plugin(_spec("deals")), name="copycat")
    with pytest.raises(ValueError, match="'deals' is registered twice"):
        build_registry(pm)
    pm = build_manager()
    pm.register(Plugin(targets=[LookupTarget("pipelines", lambda key: True)]), name="copycat")
    with pytest.raises(ValueError, match="'pipelines' is registered twice"):
        build_registry(pm)


def test_a_spec_naming_no_field_or_not_a_spec_is_refused():
    pm = build_manager()
    pm.register(Plugin(_spec("rooms", list_columns=("nope",))), name="school")
    with pytest.raises(ValueError, match="no such fields"):
        build_registry(pm)
    pm = build_manager()
    pm.register(Plugin("rooms"), name="school")
    with pytest.raises(TypeError, match="must return ObjectSpec"):
        build_registry(pm)


def test_the_registry_is_built_once_per_manager():
    pm = build_manager()
    assert registry_for(pm) is registry_for(pm)
    assert registry_for(pm) is not registry_for(build_manager())


def test_a_new_areas_object_appears_in_the_app_and_its_api(
    tmp_path, monkeypatch, database_urls, app, tenant
):
    with (
        fake_area(tmp_path, monkeypatch, FAKE_HOOKS),
        app_with(test_config(*database_urls)) as fake,
    ):
        with fake.app_context():
            names = list(standard_objects())
            assert names[:3] == ["companies", "contacts", "zz_things"]
            assert standard_objects()["zz_things"].owner == "core"
        token = token_for(fake, tenant, tenant["admin_id"])
        response = fake.test_client().get(
            "/api/v1/schema/objects",
            base_url=tenant["host"],
            headers={"Authorization": f"Bearer {token}"},
        )
        assert response.status_code == 200, response.get_data(as_text=True)
        listed = [item["name"] for item in response.get_json()["data"]]
        assert listed.index("contacts") < listed.index("zz_things") < listed.index("leads")
    # The real app never saw it.
    with app.app_context():
        assert "zz_things" not in standard_objects()


def test_party_roles_come_from_the_objects_own_field():
    """Rights may limit an object to some party roles when its spec names the field that
    holds them (companies and contacts), so the engine knows no area's roles."""
    from core.companies.models import PARTY_ROLES

    objects = standard_objects()
    assert objects["companies"].party_roles == PARTY_ROLES
    assert objects["contacts"].party_roles == PARTY_ROLES
    assert {name for name, spec in objects.items() if spec.party_roles} == {"companies", "contacts"}
