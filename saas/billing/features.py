"""What the workspace's plan includes, enforced: what the plan sells is what the tenant gets.

Every surface asks here before it offers a feature a plan may leave out (the REST API,
custom objects, campaigns, single sign-on, workflows and plugins when they come): a view
shows the notice, a service raises :class:`FeatureNotInPlan` (HTTP 402, ``not_in_plan``)
with a message that names the plan, the plans that include it and where to upgrade.

The plan is the one the workspace has *now*, from ``services.summarize``: during a trial
the trial's plan (so a new workspace tries everything), after a lapsed trial or a canceled
subscription Free. Data made with a feature is never deleted when the plan loses it: it
stays readable and exportable, and comes back to life with a plan that includes it.
"""

from __future__ import annotations

import uuid

from flask import g, has_request_context

from saas.billing.plans import FEATURE_LABELS, Plan, all_plans
from saas.errors import UserError
from saas.i18n import _
from tenants.scoping import require_tenant_id


class FeatureNotInPlan(UserError):
    status = 402
    code = "not_in_plan"


def current_plan(tenant_id: uuid.UUID | None = None) -> Plan:
    """The plan the workspace is on now (read once per request)."""
    from saas.billing import services

    tenant_id = tenant_id or require_tenant_id()
    cache = g.setdefault("trellis_plans", {}) if has_request_context() else {}
    if tenant_id not in cache:
        cache[tenant_id] = services.summarize(services.get_account(tenant_id)).plan
    return cache[tenant_id]


def includes(feature: str, tenant_id: uuid.UUID | None = None) -> bool:
    return current_plan(tenant_id).has(feature)


def missing_message(feature: str, plan: Plan) -> str:
    """ "Custom objects are not included in the Free plan. They come with Starter and Pro: an
    admin can choose a plan on the Billing page." """
    label = str(FEATURE_LABELS.get(feature, feature))
    with_it = [p.label for p in all_plans().values() if p.has(feature)]
    where = (
        _(
            "It comes with %(plans)s: an admin can choose a plan on the Billing page.",
            plans=_and(with_it),
        )
        if with_it
        else _("No plan includes it.")
    )
    if label.endswith("s"):
        head = _(
            "%(feature)s are not included in the %(plan)s plan.", feature=label, plan=plan.label
        )
    else:
        head = _(
            "%(feature)s is not included in the %(plan)s plan.", feature=label, plan=plan.label
        )
    return _("%(sentence)s %(more)s", sentence=head, more=where)


def notice(feature: str) -> str | None:
    """For templates: the upgrade message when the request's workspace lacks ``feature``."""
    if g.get("tenant") is None:
        return None
    plan = current_plan(g.tenant.id)
    return None if plan.has(feature) else missing_message(feature, plan)


def require_feature(feature: str, tenant_id: uuid.UUID | None = None) -> None:
    """Refuse, with the upgrade message, when the workspace's plan lacks ``feature``."""
    plan = current_plan(tenant_id)
    if not plan.has(feature):
        raise FeatureNotInPlan(missing_message(feature, plan))


def _and(names: list[str]) -> str:
    if len(names) == 1:
        return names[0]
    return _("%(first)s and %(last)s", first=_(", ").join(names[:-1]), last=names[-1])
