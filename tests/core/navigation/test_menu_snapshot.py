"""The navigation each role sees, as it is: the top bar (Home, the bar's objects, More,
Setup), the account menu and the command palette, with the entry marked current. Menu
items come from the register_menu_items hook; this snapshot proves the move changed
nothing a user sees, item for item and in order."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from core.objects import permissions
from core.objects import schema as schema_service
from tests.conftest import add_user, run_as_admin


class _Menus(HTMLParser):
    """The header's links as "menu: label -> href", a "*" marking the current one."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []
        self._area: str | None = None  # "main" or "account"
        self._menu: str | None = None  # the summary of the open <details>
        self._in_summary = False
        self._summary_current = False
        self._link: tuple[str, bool] | None = None
        self._text = ""
        self._depth = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "nav" and attrs.get("id") == "main-nav":
            self._area, self._menu = "main", "bar"
        elif tag == "details" and "usermenu" in (attrs.get("class") or ""):
            self._area, self._menu = "account", "account"
        elif tag == "summary" and self._area == "main":
            self._in_summary, self._text = True, ""
            self._summary_current = "current" in (attrs.get("class") or "")
        elif tag == "a" and self._area:
            self._link, self._text = (attrs.get("href"), attrs.get("aria-current") == "page"), ""
        elif tag == "button" and self._area == "account":
            self._link, self._text = ("(post)", False), ""

    def handle_endtag(self, tag):
        if tag == "summary" and self._in_summary:
            self._in_summary = False
            self._menu = self._text.strip()
            mark = " *" if self._summary_current else ""
            self.lines.append(f"menu {self._menu}{mark}")
        elif tag in ("a", "button") and self._link is not None:
            href, current = self._link
            mark = " *" if current else ""
            self.lines.append(f"{self._menu}: {' '.join(self._text.split())} -> {href}{mark}")
            self._link = None
        elif tag == "details" and self._area == "main":
            self._menu = "bar"
        elif tag == "nav" and self._area == "main" or tag == "details" and self._area == "account":
            self._area = None

    def handle_data(self, data):
        if self._in_summary or self._link is not None:
            self._text += data


def _menus(html: str) -> list[str]:
    parser = _Menus()
    parser.feed(html)
    return parser.lines


@pytest.fixture
def people(app, tenant, login_as):
    """One signed-in client per role, with a custom object in the workspace and tickets
    unreadable for members."""

    def prepare(admin):
        schema_service.create_custom_object(name="vehicles", label="Vehicle")
        permissions.set_rights(role="member", object_name="tickets", rights={"read": False})

    run_as_admin(app, tenant, prepare)
    clients = {"admin": login_as(tenant, tenant["admin_email"], tenant["password"])}
    for role in ("manager", "member", "viewer"):
        email = f"{role}@acme.example.com"
        add_user(app, tenant, email=email, role=role, password="a long password 1")
        clients[role] = login_as(tenant, email, "a long password 1")
    return clients


def _snapshot(clients) -> dict:
    pages = {"home": "/", "deals": "/o/deals", "vehicles": "/o/vehicles", "users": "/admin/users/"}
    result = {}
    for role, client in clients.items():
        for page, path in pages.items():
            if page == "users" and role != "admin":
                continue
            response = client.get(path)
            assert response.status_code == 200, (role, path, response.status_code)
            result[(role, page)] = _menus(response.get_data(as_text=True))
        commands = client.get("/commands").get_json()["commands"]
        result[(role, "commands")] = [f"{c['kind']}: {c['label']} -> {c['url']}" for c in commands]
    return result


def test_every_roles_navigation_is_unchanged(people):
    snapshot = _snapshot(people)
    assert snapshot == EXPECTED


# The navigation as it was when menu items moved to the hooks (2026-12-04), with the
# Security log offered by the command palette since, and Workflows after Relationship types.
EXPECTED = {
    ("admin", "home"): [
        "bar: Home -> / *",
        "bar: Companies -> /o/companies",
        "bar: Contacts -> /o/contacts",
        "bar: Leads -> /o/leads",
        "bar: Deals -> /o/deals/board",
        "bar: Activities -> /o/activities",
        "bar: Tickets -> /o/tickets",
        "menu More",
        "More: Products -> /o/products",
        "More: Price books -> /o/price_books",
        "More: Quotes -> /o/quotes",
        "More: Orders -> /o/orders",
        "More: Campaigns -> /o/campaigns",
        "More: Vehicles -> /o/vehicles",
        "menu Setup",
        "Setup: Users -> /admin/users/",
        "Setup: Workspace -> /admin/workspace/",
        "Setup: Currencies -> /admin/currencies/",
        "Setup: Billing -> /admin/billing/",
        "Setup: Objects and fields -> /admin/objects",
        "Setup: Navigation -> /admin/navigation",
        "Setup: Permissions -> /admin/permissions",
        "Setup: Teams -> /admin/teams",
        "Setup: SLA targets -> /admin/sla",
        "Setup: Relationship types -> /admin/relationship-types",
        "Setup: Workflows -> /admin/workflows/",
        "Setup: Single sign-on -> /admin/sso/",
        "Setup: Security (two-factor sign-in) -> /admin/security/",
        "Setup: API tokens -> /admin/tokens/",
        "Setup: Plugins -> /admin/plugins/",
        "Setup: Security log -> /admin/security-log/",
        "Setup: Sales (credit check, numbering) -> /admin/sales",
        "account: Your preferences -> /settings/preferences/",
        "account: Two-factor sign-in -> /settings/two-factor/",
        "account: API tokens -> /settings/tokens/",
        "account: Sign out -> (post)",
    ],
    ("admin", "deals"): [
        "bar: Home -> /",
        "bar: Companies -> /o/companies",
        "bar: Contacts -> /o/contacts",
        "bar: Leads -> /o/leads",
        "bar: Deals -> /o/deals/board *",
        "bar: Activities -> /o/activities",
        "bar: Tickets -> /o/tickets",
        "menu More",
        "More: Products -> /o/products",
        "More: Price books -> /o/price_books",
        "More: Quotes -> /o/quotes",
        "More: Orders -> /o/orders",
        "More: Campaigns -> /o/campaigns",
        "More: Vehicles -> /o/vehicles",
        "menu Setup",
        "Setup: Users -> /admin/users/",
        "Setup: Workspace -> /admin/workspace/",
        "Setup: Currencies -> /admin/currencies/",
        "Setup: Billing -> /admin/billing/",
        "Setup: Objects and fields -> /admin/objects",
        "Setup: Navigation -> /admin/navigation",
        "Setup: Permissions -> /admin/permissions",
        "Setup: Teams -> /admin/teams",
        "Setup: SLA targets -> /admin/sla",
        "Setup: Relationship types -> /admin/relationship-types",
        "Setup: Workflows -> /admin/workflows/",
        "Setup: Single sign-on -> /admin/sso/",
        "Setup: Security (two-factor sign-in) -> /admin/security/",
        "Setup: API tokens -> /admin/tokens/",
        "Setup: Plugins -> /admin/plugins/",
        "Setup: Security log -> /admin/security-log/",
        "Setup: Sales (credit check, numbering) -> /admin/sales",
        "account: Your preferences -> /settings/preferences/",
        "account: Two-factor sign-in -> /settings/two-factor/",
        "account: API tokens -> /settings/tokens/",
        "account: Sign out -> (post)",
    ],
    ("admin", "vehicles"): [
        "bar: Home -> /",
        "bar: Companies -> /o/companies",
        "bar: Contacts -> /o/contacts",
        "bar: Leads -> /o/leads",
        "bar: Deals -> /o/deals/board",
        "bar: Activities -> /o/activities",
        "bar: Tickets -> /o/tickets",
        "menu More *",
        "More: Products -> /o/products",
        "More: Price books -> /o/price_books",
        "More: Quotes -> /o/quotes",
        "More: Orders -> /o/orders",
        "More: Campaigns -> /o/campaigns",
        "More: Vehicles -> /o/vehicles *",
        "menu Setup",
        "Setup: Users -> /admin/users/",
        "Setup: Workspace -> /admin/workspace/",
        "Setup: Currencies -> /admin/currencies/",
        "Setup: Billing -> /admin/billing/",
        "Setup: Objects and fields -> /admin/objects",
        "Setup: Navigation -> /admin/navigation",
        "Setup: Permissions -> /admin/permissions",
        "Setup: Teams -> /admin/teams",
        "Setup: SLA targets -> /admin/sla",
        "Setup: Relationship types -> /admin/relationship-types",
        "Setup: Workflows -> /admin/workflows/",
        "Setup: Single sign-on -> /admin/sso/",
        "Setup: Security (two-factor sign-in) -> /admin/security/",
        "Setup: API tokens -> /admin/tokens/",
        "Setup: Plugins -> /admin/plugins/",
        "Setup: Security log -> /admin/security-log/",
        "Setup: Sales (credit check, numbering) -> /admin/sales",
        "account: Your preferences -> /settings/preferences/",
        "account: Two-factor sign-in -> /settings/two-factor/",
        "account: API tokens -> /settings/tokens/",
        "account: Sign out -> (post)",
    ],
    ("admin", "users"): [
        "bar: Home -> /",
        "bar: Companies -> /o/companies",
        "bar: Contacts -> /o/contacts",
        "bar: Leads -> /o/leads",
        "bar: Deals -> /o/deals/board",
        "bar: Activities -> /o/activities",
        "bar: Tickets -> /o/tickets",
        "menu More",
        "More: Products -> /o/products",
        "More: Price books -> /o/price_books",
        "More: Quotes -> /o/quotes",
        "More: Orders -> /o/orders",
        "More: Campaigns -> /o/campaigns",
        "More: Vehicles -> /o/vehicles",
        "menu Setup *",
        "Setup: Users -> /admin/users/ *",
        "Setup: Workspace -> /admin/workspace/",
        "Setup: Currencies -> /admin/currencies/",
        "Setup: Billing -> /admin/billing/",
        "Setup: Objects and fields -> /admin/objects",
        "Setup: Navigation -> /admin/navigation",
        "Setup: Permissions -> /admin/permissions",
        "Setup: Teams -> /admin/teams",
        "Setup: SLA targets -> /admin/sla",
        "Setup: Relationship types -> /admin/relationship-types",
        "Setup: Workflows -> /admin/workflows/",
        "Setup: Single sign-on -> /admin/sso/",
        "Setup: Security (two-factor sign-in) -> /admin/security/",
        "Setup: API tokens -> /admin/tokens/",
        "Setup: Plugins -> /admin/plugins/",
        "Setup: Security log -> /admin/security-log/",
        "Setup: Sales (credit check, numbering) -> /admin/sales",
        "account: Your preferences -> /settings/preferences/",
        "account: Two-factor sign-in -> /settings/two-factor/",
        "account: API tokens -> /settings/tokens/",
        "account: Sign out -> (post)",
    ],
    ("admin", "commands"): [
        "Go to: Companies -> /o/companies",
        "Create: New company -> /o/companies/new",
        "Go to: Contacts -> /o/contacts",
        "Create: New contact -> /o/contacts/new",
        "Go to: Leads -> /o/leads",
        "Create: New lead -> /o/leads/new",
        "Go to: Deals -> /o/deals/board",
        "Create: New deal -> /o/deals/new",
        "Go to: Activities -> /o/activities",
        "Create: New activity -> /o/activities/new",
        "Go to: Tickets -> /o/tickets",
        "Create: New ticket -> /o/tickets/new",
        "Go to: Products -> /o/products",
        "Create: New product -> /o/products/new",
        "Go to: Price books -> /o/price_books",
        "Create: New price book -> /o/price_books/new",
        "Go to: Quotes -> /o/quotes",
        "Create: New quote -> /o/quotes/new",
        "Go to: Orders -> /o/orders",
        "Create: New order -> /o/orders/new",
        "Go to: Campaigns -> /o/campaigns",
        "Create: New campaign -> /o/campaigns/new",
        "Go to: Vehicles -> /o/vehicles",
        "Create: New vehicle -> /o/vehicles/new",
        "Setting: Users -> /admin/users/",
        "Setting: Workspace -> /admin/workspace/",
        "Setting: Currencies -> /admin/currencies/",
        "Setting: Billing -> /admin/billing/",
        "Setting: Objects and fields -> /admin/objects",
        "Setting: Navigation -> /admin/navigation",
        "Setting: Permissions -> /admin/permissions",
        "Setting: Teams -> /admin/teams",
        "Setting: SLA targets -> /admin/sla",
        "Setting: Relationship types -> /admin/relationship-types",
        "Setting: Workflows -> /admin/workflows/",
        "Setting: Single sign-on -> /admin/sso/",
        "Setting: Security (two-factor sign-in) -> /admin/security/",
        "Setting: API tokens -> /admin/tokens/",
        "Setting: Plugins -> /admin/plugins/",
        "Setting: Security log -> /admin/security-log/",
        "Setting: Sales (credit check, numbering) -> /admin/sales",
    ],
    ("manager", "home"): [
        "bar: Home -> / *",
        "bar: Companies -> /o/companies",
        "bar: Contacts -> /o/contacts",
        "bar: Leads -> /o/leads",
        "bar: Deals -> /o/deals/board",
        "bar: Activities -> /o/activities",
        "bar: Tickets -> /o/tickets",
        "menu More",
        "More: Products -> /o/products",
        "More: Price books -> /o/price_books",
        "More: Quotes -> /o/quotes",
        "More: Orders -> /o/orders",
        "More: Campaigns -> /o/campaigns",
        "More: Vehicles -> /o/vehicles",
        "account: Your preferences -> /settings/preferences/",
        "account: Two-factor sign-in -> /settings/two-factor/",
        "account: API tokens -> /settings/tokens/",
        "account: Sign out -> (post)",
    ],
    ("manager", "deals"): [
        "bar: Home -> /",
        "bar: Companies -> /o/companies",
        "bar: Contacts -> /o/contacts",
        "bar: Leads -> /o/leads",
        "bar: Deals -> /o/deals/board *",
        "bar: Activities -> /o/activities",
        "bar: Tickets -> /o/tickets",
        "menu More",
        "More: Products -> /o/products",
        "More: Price books -> /o/price_books",
        "More: Quotes -> /o/quotes",
        "More: Orders -> /o/orders",
        "More: Campaigns -> /o/campaigns",
        "More: Vehicles -> /o/vehicles",
        "account: Your preferences -> /settings/preferences/",
        "account: Two-factor sign-in -> /settings/two-factor/",
        "account: API tokens -> /settings/tokens/",
        "account: Sign out -> (post)",
    ],
    ("manager", "vehicles"): [
        "bar: Home -> /",
        "bar: Companies -> /o/companies",
        "bar: Contacts -> /o/contacts",
        "bar: Leads -> /o/leads",
        "bar: Deals -> /o/deals/board",
        "bar: Activities -> /o/activities",
        "bar: Tickets -> /o/tickets",
        "menu More *",
        "More: Products -> /o/products",
        "More: Price books -> /o/price_books",
        "More: Quotes -> /o/quotes",
        "More: Orders -> /o/orders",
        "More: Campaigns -> /o/campaigns",
        "More: Vehicles -> /o/vehicles *",
        "account: Your preferences -> /settings/preferences/",
        "account: Two-factor sign-in -> /settings/two-factor/",
        "account: API tokens -> /settings/tokens/",
        "account: Sign out -> (post)",
    ],
    ("manager", "commands"): [
        "Go to: Companies -> /o/companies",
        "Create: New company -> /o/companies/new",
        "Go to: Contacts -> /o/contacts",
        "Create: New contact -> /o/contacts/new",
        "Go to: Leads -> /o/leads",
        "Create: New lead -> /o/leads/new",
        "Go to: Deals -> /o/deals/board",
        "Create: New deal -> /o/deals/new",
        "Go to: Activities -> /o/activities",
        "Create: New activity -> /o/activities/new",
        "Go to: Tickets -> /o/tickets",
        "Create: New ticket -> /o/tickets/new",
        "Go to: Products -> /o/products",
        "Create: New product -> /o/products/new",
        "Go to: Price books -> /o/price_books",
        "Create: New price book -> /o/price_books/new",
        "Go to: Quotes -> /o/quotes",
        "Create: New quote -> /o/quotes/new",
        "Go to: Orders -> /o/orders",
        "Create: New order -> /o/orders/new",
        "Go to: Campaigns -> /o/campaigns",
        "Create: New campaign -> /o/campaigns/new",
        "Go to: Vehicles -> /o/vehicles",
        "Create: New vehicle -> /o/vehicles/new",
    ],
    ("member", "home"): [
        "bar: Home -> / *",
        "bar: Companies -> /o/companies",
        "bar: Contacts -> /o/contacts",
        "bar: Leads -> /o/leads",
        "bar: Deals -> /o/deals/board",
        "bar: Activities -> /o/activities",
        "menu More",
        "More: Products -> /o/products",
        "More: Price books -> /o/price_books",
        "More: Quotes -> /o/quotes",
        "More: Orders -> /o/orders",
        "More: Campaigns -> /o/campaigns",
        "More: Vehicles -> /o/vehicles",
        "account: Your preferences -> /settings/preferences/",
        "account: Two-factor sign-in -> /settings/two-factor/",
        "account: API tokens -> /settings/tokens/",
        "account: Sign out -> (post)",
    ],
    ("member", "deals"): [
        "bar: Home -> /",
        "bar: Companies -> /o/companies",
        "bar: Contacts -> /o/contacts",
        "bar: Leads -> /o/leads",
        "bar: Deals -> /o/deals/board *",
        "bar: Activities -> /o/activities",
        "menu More",
        "More: Products -> /o/products",
        "More: Price books -> /o/price_books",
        "More: Quotes -> /o/quotes",
        "More: Orders -> /o/orders",
        "More: Campaigns -> /o/campaigns",
        "More: Vehicles -> /o/vehicles",
        "account: Your preferences -> /settings/preferences/",
        "account: Two-factor sign-in -> /settings/two-factor/",
        "account: API tokens -> /settings/tokens/",
        "account: Sign out -> (post)",
    ],
    ("member", "vehicles"): [
        "bar: Home -> /",
        "bar: Companies -> /o/companies",
        "bar: Contacts -> /o/contacts",
        "bar: Leads -> /o/leads",
        "bar: Deals -> /o/deals/board",
        "bar: Activities -> /o/activities",
        "menu More *",
        "More: Products -> /o/products",
        "More: Price books -> /o/price_books",
        "More: Quotes -> /o/quotes",
        "More: Orders -> /o/orders",
        "More: Campaigns -> /o/campaigns",
        "More: Vehicles -> /o/vehicles *",
        "account: Your preferences -> /settings/preferences/",
        "account: Two-factor sign-in -> /settings/two-factor/",
        "account: API tokens -> /settings/tokens/",
        "account: Sign out -> (post)",
    ],
    ("member", "commands"): [
        "Go to: Companies -> /o/companies",
        "Create: New company -> /o/companies/new",
        "Go to: Contacts -> /o/contacts",
        "Create: New contact -> /o/contacts/new",
        "Go to: Leads -> /o/leads",
        "Create: New lead -> /o/leads/new",
        "Go to: Deals -> /o/deals/board",
        "Create: New deal -> /o/deals/new",
        "Go to: Activities -> /o/activities",
        "Create: New activity -> /o/activities/new",
        "Go to: Products -> /o/products",
        "Create: New product -> /o/products/new",
        "Go to: Price books -> /o/price_books",
        "Create: New price book -> /o/price_books/new",
        "Go to: Quotes -> /o/quotes",
        "Create: New quote -> /o/quotes/new",
        "Go to: Orders -> /o/orders",
        "Create: New order -> /o/orders/new",
        "Go to: Campaigns -> /o/campaigns",
        "Create: New campaign -> /o/campaigns/new",
        "Go to: Vehicles -> /o/vehicles",
        "Create: New vehicle -> /o/vehicles/new",
    ],
    ("viewer", "home"): [
        "bar: Home -> / *",
        "bar: Companies -> /o/companies",
        "bar: Contacts -> /o/contacts",
        "bar: Leads -> /o/leads",
        "bar: Deals -> /o/deals/board",
        "bar: Activities -> /o/activities",
        "bar: Tickets -> /o/tickets",
        "menu More",
        "More: Products -> /o/products",
        "More: Price books -> /o/price_books",
        "More: Quotes -> /o/quotes",
        "More: Orders -> /o/orders",
        "More: Campaigns -> /o/campaigns",
        "More: Vehicles -> /o/vehicles",
        "account: Your preferences -> /settings/preferences/",
        "account: Two-factor sign-in -> /settings/two-factor/",
        "account: API tokens -> /settings/tokens/",
        "account: Sign out -> (post)",
    ],
    ("viewer", "deals"): [
        "bar: Home -> /",
        "bar: Companies -> /o/companies",
        "bar: Contacts -> /o/contacts",
        "bar: Leads -> /o/leads",
        "bar: Deals -> /o/deals/board *",
        "bar: Activities -> /o/activities",
        "bar: Tickets -> /o/tickets",
        "menu More",
        "More: Products -> /o/products",
        "More: Price books -> /o/price_books",
        "More: Quotes -> /o/quotes",
        "More: Orders -> /o/orders",
        "More: Campaigns -> /o/campaigns",
        "More: Vehicles -> /o/vehicles",
        "account: Your preferences -> /settings/preferences/",
        "account: Two-factor sign-in -> /settings/two-factor/",
        "account: API tokens -> /settings/tokens/",
        "account: Sign out -> (post)",
    ],
    ("viewer", "vehicles"): [
        "bar: Home -> /",
        "bar: Companies -> /o/companies",
        "bar: Contacts -> /o/contacts",
        "bar: Leads -> /o/leads",
        "bar: Deals -> /o/deals/board",
        "bar: Activities -> /o/activities",
        "bar: Tickets -> /o/tickets",
        "menu More *",
        "More: Products -> /o/products",
        "More: Price books -> /o/price_books",
        "More: Quotes -> /o/quotes",
        "More: Orders -> /o/orders",
        "More: Campaigns -> /o/campaigns",
        "More: Vehicles -> /o/vehicles *",
        "account: Your preferences -> /settings/preferences/",
        "account: Two-factor sign-in -> /settings/two-factor/",
        "account: API tokens -> /settings/tokens/",
        "account: Sign out -> (post)",
    ],
    ("viewer", "commands"): [
        "Go to: Companies -> /o/companies",
        "Go to: Contacts -> /o/contacts",
        "Go to: Leads -> /o/leads",
        "Go to: Deals -> /o/deals/board",
        "Go to: Activities -> /o/activities",
        "Go to: Tickets -> /o/tickets",
        "Go to: Products -> /o/products",
        "Go to: Price books -> /o/price_books",
        "Go to: Quotes -> /o/quotes",
        "Go to: Orders -> /o/orders",
        "Go to: Campaigns -> /o/campaigns",
        "Go to: Vehicles -> /o/vehicles",
    ],
}
