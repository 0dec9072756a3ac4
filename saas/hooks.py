"""The platform's own contributions (accounts, billing, jobs, mail, security log, tenants),
registered through the plugin manager before any core area."""

from __future__ import annotations

from saas.plugins import hookimpl


@hookimpl
def register_models():
    import saas.auth.directory
    import saas.auth.models
    import saas.auth.teams
    import saas.billing.models
    import saas.capacity.models
    import saas.jobs.models
    import saas.mail
    import saas.plugins.models
    import saas.security_log.models
    import tenants.counters
    import tenants.models

    return [
        saas.auth.directory,
        saas.auth.models,
        saas.auth.teams,
        saas.billing.models,
        saas.capacity.models,
        saas.jobs.models,
        saas.mail,
        saas.plugins.models,
        saas.security_log.models,
        tenants.counters,
        tenants.models,
    ]


@hookimpl
def register_blueprints():
    from saas.auth.preferences_views import bp as preferences
    from saas.auth.sso import bp as sso
    from saas.auth.tokens_views import bp as tokens
    from saas.auth.two_factor_views import bp as two_factor
    from saas.auth.views import bp as auth
    from saas.billing.views import bp as billing
    from saas.health import bp as health
    from saas.i18n import bp as language
    from tenants.views import bp as signup

    return [health, signup, auth, sso, tokens, two_factor, preferences, billing, language]


@hookimpl
def register_api_blueprints():
    from saas.api import bp as account
    from saas.billing.views import api_bp as billing
    from saas.plugins.views import api_bp as plugins
    from saas.security_log.api import bp as security_log

    return [account, billing, security_log, plugins]


@hookimpl
def register_openapi_paths(json, ref, errors):
    from saas.api.openapi import account_paths
    from saas.billing.openapi import billing_paths
    from saas.plugins.views import plugin_paths
    from saas.security_log.openapi import security_log_paths

    return [
        account_paths(json, ref, errors),
        billing_paths(json, ref, errors),
        security_log_paths(json, ref, errors),
        plugin_paths(json, ref, errors),
    ]


@hookimpl
def register_menu_items():
    from saas.plugins.menus import ACCOUNT, MenuItem

    return [
        MenuItem(ACCOUNT, "Your preferences", "preferences.index", 5, current=("preferences*",)),
        MenuItem(ACCOUNT, "Two-factor sign-in", "two_factor.index", 10, current=("two_factor*",)),
        MenuItem(ACCOUNT, "API tokens", "tokens.index", 20, current=("tokens*",)),
    ]


@hookimpl
def register_jobs():
    from saas.billing.jobs import reconcile_billing_job, sync_seats_job
    from saas.mail import deliver_outbox_job

    return {
        "billing.sync_seats": sync_seats_job,
        "billing.reconcile": reconcile_billing_job,
        "mail.deliver_outbox": deliver_outbox_job,
    }


@hookimpl
def register_periodic_tasks():
    from saas.billing.jobs import enqueue_reconciliation
    from saas.jobs import PeriodicTask, dispatch_outbox

    return [
        # Lost or delayed jobs (a worker died, Redis lost them) are dispatched again.
        PeriodicTask("jobs.sweep_outbox", dispatch_outbox, interval=30),
        # Nightly at 03:17 UTC: each tenant's billing reconciled by its own job.
        PeriodicTask("billing.reconcile_nightly", enqueue_reconciliation, cron="17 3 * * *"),
    ]


@hookimpl
def register_tenant_settings():
    from saas.auth import two_factor
    from tenants.settings import TenantSetting

    return [
        TenantSetting(
            two_factor.SETTING,
            two_factor.NOBODY,
            "choice",
            choices=two_factor.REQUIREMENTS,
            description="Who must use two-factor sign-in: nobody, admins or everyone.",
        )
    ]
