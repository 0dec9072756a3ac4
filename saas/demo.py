"""The demo tenant: a small sales team with a known admin login, for trying Trellis out."""

from __future__ import annotations

from saas.auth import services as accounts
from saas.auth.roles import MANAGER, MEMBER
from tenants.models import Tenant
from tenants.provisioning import create_tenant, get_tenant_by_slug
from tenants.scoping import tenant_scope

DEMO_SLUG = "demo"
DEMO_EMAIL = "admin@demo.example"
DEMO_PASSWORD = "trellis-demo"

DEMO_TEAM = [
    ("Maria Okafor", "maria@demo.example", MANAGER),
    ("Jonas Weber", "jonas@demo.example", MEMBER),
    ("Aiko Tanaka", "aiko@demo.example", MEMBER),
    ("Luis Ferreira", "luis@demo.example", MEMBER),
]


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
    return tenant
