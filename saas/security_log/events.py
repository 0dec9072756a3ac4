"""The events the security log knows, each with the label an admin reads.

``record()`` refuses a name that is not here, so a typo fails in the tests rather than
writing an event nobody can filter on. Add new events here, under their group.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EventType:
    name: str
    group: str
    label: str


_EVENTS: list[tuple[str, list[tuple[str, str]]]] = [
    (
        "Sign-in",
        [
            ("auth.sign_in", "Signed in"),
            ("auth.sign_in_failed", "Sign-in failed"),
            ("auth.sign_in_throttled", "Sign-in refused: too many failures"),
            ("auth.device_locked_out", "Browser locked out: too many failures"),
            ("auth.sign_out", "Signed out"),
            ("auth.password_reset_requested", "Password reset requested"),
            ("auth.password_reset", "Password reset"),
            ("auth.sso_sign_in", "Signed in with single sign-on"),
            ("auth.sso_sign_in_failed", "Single sign-on refused"),
            ("auth.two_factor_failed", "Two-factor sign-in: wrong code"),
        ],
    ),
    (
        "Two-factor sign-in",
        [
            ("two_factor.enrolled", "Two-factor sign-in turned on"),
            ("two_factor.disabled", "Two-factor sign-in turned off"),
            ("two_factor.reset", "Two-factor sign-in reset by an admin"),
            ("two_factor.recovery_code_used", "Recovery code used"),
            ("two_factor.recovery_codes_regenerated", "Recovery codes replaced"),
        ],
    ),
    (
        "Users",
        [
            ("user.invited", "User invited"),
            ("user.invitation_resent", "Invitation sent again"),
            ("user.joined", "Invitation accepted"),
            ("user.created", "User created"),
            ("user.deactivated", "User deactivated"),
            ("user.reactivated", "User reactivated"),
            ("user.role_changed", "Role changed"),
            ("user.team_changed", "Team changed"),
        ],
    ),
    (
        "Permissions",
        [
            ("team.created", "Team created"),
            ("permissions.changed", "Role rights changed"),
            ("permissions.field_access_changed", "Field access changed"),
        ],
    ),
    (
        "API tokens",
        [
            ("api_token.created", "API token created"),
            ("api_token.revoked", "API token revoked"),
            ("api_token.expired_refused", "Expired API token refused"),
        ],
    ),
    (
        "Settings",
        [
            ("settings.business_hours_changed", "Business hours changed"),
            ("settings.sla_target_changed", "SLA target changed"),
            ("settings.credit_check_changed", "Credit check changed"),
            ("settings.sales_numbering_changed", "Quote and order numbering changed"),
            ("settings.navigation_changed", "Top bar changed"),
            ("settings.relationship_type_created", "Relationship type created"),
            ("settings.relationship_type_changed", "Relationship type changed"),
            ("settings.relationship_type_deleted", "Relationship type deleted"),
            ("settings.two_factor_requirement_changed", "Two-factor requirement changed"),
            ("settings.workspace_language_changed", "Language or time zone changed"),
            ("settings.plugin_enabled", "Plugin enabled"),
            ("settings.plugin_disabled", "Plugin disabled"),
            ("settings.currencies_changed", "Currencies changed"),
            ("settings.exchange_rates_changed", "Exchange rates changed"),
        ],
    ),
    (
        "Objects and fields",
        [
            ("schema.object_created", "Custom object created"),
            ("schema.field_added", "Field added"),
            ("schema.field_changed", "Field changed"),
            ("schema.field_retired", "Field retired"),
            ("schema.fields_reordered", "Fields reordered"),
        ],
    ),
    (
        "Single sign-on",
        [
            ("sso.provider_created", "Single sign-on provider added"),
            ("sso.provider_changed", "Single sign-on provider changed"),
            ("sso.provider_deleted", "Single sign-on provider removed"),
        ],
    ),
    (
        "Billing",
        [
            ("billing.checkout_started", "Checkout started"),
            ("billing.plan_changed", "Plan changed"),
            ("billing.cancellation_scheduled", "Cancellation scheduled"),
            ("billing.cancellation_withdrawn", "Cancellation withdrawn"),
            ("billing.status_changed", "Subscription status changed"),
            ("billing.seats_changed", "Paid seats changed"),
        ],
    ),
    (
        "Data",
        [
            ("data.exported", "Data exported"),
            ("data.purged", "Recycle bin purged"),
            ("security_log.exported", "Security log exported"),
        ],
    ),
    (
        "Workspace",
        [
            ("workspace.created", "Workspace created"),
        ],
    ),
]

EVENT_TYPES: dict[str, EventType] = {
    name: EventType(name, group, label) for group, events in _EVENTS for name, label in events
}


def grouped_event_types() -> list[tuple[str, list[EventType]]]:
    """The event types by group, in the order above (for a filter's options)."""
    return [(group, [EVENT_TYPES[name] for name, _ in events]) for group, events in _EVENTS]


def label_of(name: str) -> str:
    event = EVENT_TYPES.get(name)
    return event.label if event else name
