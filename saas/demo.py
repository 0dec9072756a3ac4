"""The demo tenant: a small sales team with a known admin login and a few weeks of sample
work, for trying Trellis out. This module only orchestrates: it creates the workspace and
its team, then runs every area's demo data (``register_demo_data``: companies, contacts,
leads, deals with their activities, products, quotes and orders, tickets, a campaign) in
an order that respects what each part needs. The sample records go through the record
services, as a user's would: they are validated, audited and owned by the team. Each part
is seeded once: running it again changes nothing, and a demo workspace made before a part
existed gets that part."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from saas.auth import services as accounts
from saas.auth.roles import MANAGER, MEMBER
from saas.plugins.manager import current_manager
from tenants.models import Tenant
from tenants.provisioning import create_tenant, get_tenant_by_slug
from tenants.scoping import tenant_scope
from tenants.settings import workspace_today

DEMO_SLUG = "demo"
DEMO_EMAIL = "admin@demo.example"
DEMO_PASSWORD = "trellis-demo"

DEMO_TEAM = [
    ("Maria Okafor", "maria@demo.example", MANAGER),
    ("Jonas Weber", "jonas@demo.example", MEMBER),
    ("Aiko Tanaka", "aiko@demo.example", MEMBER),
    ("Luis Ferreira", "luis@demo.example", MEMBER),
]


@dataclass(frozen=True)
class DemoData:
    """One part of the demo workspace (``register_demo_data``).

    ``seed(team=..., today=...)`` creates the part's records unless the workspace already
    has them; ``team`` is the admin who signs in followed by ``DEMO_TEAM``'s users, and
    ``today`` the workspace's date. ``after`` names the parts whose records it needs.
    """

    name: str
    seed: Callable[..., None]
    after: tuple[str, ...] = field(default=())


def ensure_demo_tenant() -> Tenant:
    """Create the demo tenant once; running it again changes nothing."""
    tenant = get_tenant_by_slug(DEMO_SLUG)
    if tenant is None:
        tenant, _ = create_tenant(
            slug=DEMO_SLUG,
            name="Northwind Trading (demo)",
            admin_email=DEMO_EMAIL,
            admin_name="Dana Demo",
            admin_password=DEMO_PASSWORD,
        )
    with tenant_scope(tenant.id):
        for name, email, role in DEMO_TEAM:
            if accounts.find_user_by_email(email) is None:
                accounts.create_user(email=email, name=name, role=role, password=DEMO_PASSWORD)
        today = workspace_today()
        team = _team()
        for part in in_order(demo_data_parts()):
            part.seed(team=team, today=today)
    return tenant


def _team() -> list:
    """The admin, then the team in the order of DEMO_TEAM."""
    return [accounts.find_user_by_email(DEMO_EMAIL)] + [
        accounts.find_user_by_email(email) for _, email, _ in DEMO_TEAM
    ]


def demo_data_parts() -> list[DemoData]:
    """Every part the hooks register, in registration order (core first)."""
    from saas.plugins.manager import demo_data

    return demo_data(current_manager())


def in_order(parts: Iterable[DemoData]) -> list[DemoData]:
    """The parts with each after the ones it names, otherwise in registration order; a
    part named twice, a missing part or a cycle is refused with the names involved."""
    parts = list(parts)
    by_name: dict[str, DemoData] = {}
    for part in parts:
        if part.name in by_name:
            raise ValueError(f"demo data {part.name} is registered twice")
        by_name[part.name] = part
    for part in parts:
        missing = [name for name in part.after if name not in by_name]
        if missing:
            raise ValueError(f"demo data {part.name} needs {', '.join(missing)}: not registered")
    done: list[DemoData] = []
    seeded: set[str] = set()
    waiting = list(parts)
    while waiting:
        ready = next((p for p in waiting if seeded.issuperset(p.after)), None)
        if ready is None:
            names = ", ".join(p.name for p in waiting)
            raise ValueError(f"demo data {names}: their 'after' form a cycle")
        waiting.remove(ready)
        done.append(ready)
        seeded.add(ready.name)
    return done
