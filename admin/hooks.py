"""The admin consoles' contributions (the tenant admin's setup pages and the platform
operator's console), through the plugin manager."""

from __future__ import annotations

from saas.plugins import hookimpl


@hookimpl
def register_blueprints():
    from admin.billing import bp as billing
    from admin.objects import bp as objects
    from admin.operator import bp as operator
    from admin.plugins import bp as plugins
    from admin.security import bp as security
    from admin.security_log import bp as security_log
    from admin.service import bp as service
    from admin.sso import bp as sso
    from admin.tokens import bp as tokens
    from admin.users import bp as users
    from admin.workspace import bp as workspace

    return [
        users,
        workspace,
        sso,
        security,
        tokens,
        security_log,
        objects,
        billing,
        operator,
        service,
        plugins,
    ]


@hookimpl
def register_menu_items():
    from saas.plugins.menus import SETUP, MenuItem

    objects = ("admin_objects.*",)
    service = ("admin_service.*",)
    return [
        MenuItem(SETUP, "Users", "admin_users.index", 10, current=("admin_users*",)),
        MenuItem(SETUP, "Workspace", "admin_workspace.index", 15, current=("admin_workspace*",)),
        MenuItem(SETUP, "Billing", "admin_billing.index", 20, current=("admin_billing*",)),
        MenuItem(
            SETUP,
            "Objects and fields",
            "admin_objects.index",
            30,
            current=("admin_objects.index", "admin_objects.fields", "admin_objects.edit_field"),
            section=objects,
        ),
        # Navigation (40) is core/navigation's.
        MenuItem(SETUP, "Permissions", "admin_objects.permissions_page", 50, section=objects),
        MenuItem(SETUP, "Teams", "admin_objects.teams", 60, section=objects),
        MenuItem(
            SETUP,
            "SLA targets",
            "admin_service.sla",
            70,
            current=(
                "admin_service.sla",
                "admin_service.save_sla",
                "admin_service.save_business_hours",
                "admin_service.add_holiday",
            ),
            section=service,
        ),
        MenuItem(
            SETUP,
            "Relationship types",
            "admin_service.relationship_types",
            80,
            current=("*relationship_types",),
            section=service,
        ),
        MenuItem(SETUP, "Single sign-on", "admin_sso.index", 90, current=("admin_sso*",)),
        MenuItem(
            SETUP,
            "Security (two-factor sign-in)",
            "admin_security.index",
            100,
            current=("admin_security.*",),
        ),
        MenuItem(SETUP, "API tokens", "admin_tokens.index", 110, current=("admin_tokens*",)),
        MenuItem(
            SETUP,
            "Security log",
            "admin_security_log.index",
            120,
            current=("admin_security_log*",),
        ),
        MenuItem(SETUP, "Plugins", "admin_plugins.index", 115, current=("admin_plugins*",)),
        # Sales (130) is core/orders'.
    ]
