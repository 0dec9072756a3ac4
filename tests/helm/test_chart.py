"""The Helm chart (helm/trellis), rendered and linted by Helm's own engine.

Helm's Go SDK comes from the PyPI package ``helm-python-sdk`` (a shared library in the
wheel: no helm binary, no network), and every rendered manifest is checked against the
Kubernetes schemas shipped by ``kubernetes-validate``. Without those packages the tests
skip, except in CI (``CI=true``), where they fail.
"""

from __future__ import annotations

import ast
import base64
import copy
import importlib
import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHART = ROOT / "helm" / "trellis"
IN_CI = os.environ.get("CI") == "true"

RELEASE = "trellis"
NAMESPACE = "crm"
DOMAIN = "crm.example.com"

# The oldest Kubernetes the chart supports (Chart.yaml kubeVersion) and the newest one whose
# schemas kubernetes-validate ships.
KUBE_VERSIONS = ["1.27.0", "latest"]

APP_URL = "postgresql+psycopg://trellis_app:app-password-123@db.internal:5432/trellis"
OWNER_URL = "postgresql+psycopg://trellis_owner:owner-password-456@db.internal:5432/trellis"
SECRET_VALUES = {
    "databaseUrl": APP_URL,
    "databaseOwnerUrl": OWNER_URL,
    "secretKey": "s3cret-key-" + "x" * 40,
    "redisUrl": "redis://:redis-password-789@redis.internal:6379/0",
    "smtpPassword": "smtp-password-abc",
    "stripeApiKey": "sk_test_stripe-key-def",
    "stripeWebhookSecret": "whsec_stripe-hook-ghi",
}
# What an operator sets at least: the base domain and the chart-created Secret's values.
MINIMAL = {"baseDomain": DOMAIN, "secrets": SECRET_VALUES}
EXISTING = {
    "baseDomain": DOMAIN,
    "secrets": {"existingSecret": "trellis-credentials"},
}

# Scenarios rendered and checked against the Kubernetes schemas.
SCENARIOS = {
    "minimal": MINIMAL,
    "existing-secret-with-worker": {**EXISTING, "worker": {"enabled": True, "replicaCount": 2}},
    "no-autoscaling-no-tls": {
        **MINIMAL,
        "web": {
            "autoscaling": {"enabled": False},
            "replicaCount": 3,
            "podDisruptionBudget": {"minAvailable": "50%", "maxUnavailable": None},
        },
        "ingress": {"className": "nginx", "tls": {"enabled": False}},
    },
    "everything-on": {
        **MINIMAL,
        "worker": {"enabled": True},
        "scheduler": {"enabled": True},
        "imagePullSecrets": [{"name": "regcred"}],
        "serviceAccountName": "trellis",
        "config": {"smtpUsername": "mailer", "extraEnv": {"SESSION_LIFETIME_SECONDS": 86400}},
        "web": {"autoscaling": {"targetMemoryUtilizationPercentage": 80}},
        "ingress": {
            "annotations": {"cert-manager.io/cluster-issuer": "letsencrypt-dns"},
            "tls": {"secretName": "wildcard-crm"},
        },
    },
    "no-ingress-no-migrations-no-pdb": {
        **MINIMAL,
        "ingress": {"enabled": False},
        "migrations": {"enabled": False},
        "web": {"podDisruptionBudget": {"enabled": False}},
    },
}

# Environment variables the chart sets that the app does not read yet, and why.
NOT_READ_BY_THE_APP_YET: dict[str, str] = {}


def _require(module: str):
    """Import a test dependency: a missing one skips, or fails in CI."""
    try:
        return importlib.import_module(module)
    # Also HelmLibraryError, raised on import when the wheel's shared library cannot load.
    except Exception as exc:
        message = f"{module} is not usable ({type(exc).__name__}: {exc}); pip install -e '.[dev]'"
        if IN_CI:
            pytest.fail(message, pytrace=False)
        pytest.skip(message)


@pytest.fixture(scope="session")
def helm():
    return _require("helm_python")


@pytest.fixture(scope="session")
def kubernetes_validate():
    return _require("kubernetes_validate")


@pytest.fixture(scope="session")
def yaml():
    return _require("yaml")


@pytest.fixture(scope="session")
def chart(helm):
    loaded = helm.Chart.load(CHART)
    yield loaded
    loaded.close()


@pytest.fixture(scope="session")
def render_text(chart):
    """Render with ``values``: a mapping of template path to rendered text."""

    def render_text(values: dict) -> dict[str, str]:
        return chart.render(copy.deepcopy(values), name=RELEASE, namespace=NAMESPACE)

    return render_text


@pytest.fixture(scope="session")
def render(render_text, yaml):
    """Render with ``values``: the Kubernetes objects, in template order."""

    def render(values: dict) -> list[dict]:
        objects = []
        for path, text in sorted(render_text(values).items()):
            if not path.endswith(".yaml"):
                continue
            objects.extend(doc for doc in yaml.safe_load_all(text) if doc)
        return objects

    return render


def find(objects: list[dict], kind: str, name: str | None = None) -> list[dict]:
    return [
        obj
        for obj in objects
        if obj["kind"] == kind and (name is None or obj["metadata"]["name"] == name)
    ]


def one(objects: list[dict], kind: str, name: str) -> dict:
    found = find(objects, kind, name)
    assert len(found) == 1, f"expected one {kind} {name}, got {len(found)}"
    return found[0]


def container(obj: dict) -> dict:
    containers = obj["spec"]["template"]["spec"]["containers"]
    assert len(containers) == 1
    return containers[0]


def env_of(obj: dict) -> dict[str, dict]:
    return {entry["name"]: entry for entry in container(obj).get("env", [])}


def pod_workloads(objects: list[dict]) -> list[dict]:
    return [obj for obj in objects if obj["kind"] in {"Deployment", "Job"}]


def hook_annotations(obj: dict) -> dict[str, str]:
    annotations = obj["metadata"].get("annotations", {})
    return {key: value for key, value in annotations.items() if key.startswith("helm.sh/hook")}


# --- Helm's own checks -----------------------------------------------------------------


@pytest.mark.parametrize(
    "values", [None, MINIMAL, EXISTING], ids=["defaults", "minimal", "existing"]
)
def test_lint_passes(helm, values):
    """`helm lint --strict`: no error and no warning (an INFO such as the icon is fine)."""
    for kube_version in (None, "v1.27.0"):
        report = helm.lint(CHART, values, strict=True, kube_version=kube_version)
        problems = [m for m in report["messages"] if m["severity"] >= 2]
        assert report["total_charts_linted"] == 1
        assert problems == [] and report["errors"] == [], report


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"web": {"replicaCount": "abc"}}, "/web/replicaCount"),
        ({"web": {"replicaCount": 0}}, "/web/replicaCount"),
        ({"ingres": {"enabled": False}}, "ingres"),
        ({"baseDomain": "https://crm.example.com/"}, "/baseDomain"),
        ({"config": {"mailBackend": "sendmail"}}, "/config/mailBackend"),
        ({"config": {"smtpPort": "587"}}, "/config/smtpPort"),
        ({"migrations": {"hookDeletePolicy": "never"}}, "/migrations/hookDeletePolicy"),
        ({"web": {"podDisruptionBudget": {"maxUnavailable": "half"}}}, "maxUnavailable"),
        ({"image": {"pullPolicy": "Sometimes"}}, "/image/pullPolicy"),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_schema_refuses_bad_values(helm, chart, render_text, values, message):
    bad = {**MINIMAL, **values}
    with pytest.raises(helm.HelmValuesError, match=re.escape(message)):
        chart.validate_schema(bad)
    with pytest.raises(helm.HelmValuesError, match=re.escape(message)):
        render_text(bad)
    report = helm.lint(CHART, bad, strict=True)
    assert any(message in error for error in report["errors"]), report


def test_schema_accepts_the_chart_defaults_and_the_scenarios(chart):
    chart.validate_schema(None)
    for values in SCENARIOS.values():
        chart.validate_schema(copy.deepcopy(values))


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"secrets": SECRET_VALUES}, "baseDomain is required"),
        ({"baseDomain": DOMAIN}, "is required unless secrets.existingSecret"),
        (
            {"baseDomain": DOMAIN, "secrets": {**SECRET_VALUES, "databaseOwnerUrl": ""}},
            "secrets.databaseOwnerUrl (DATABASE_OWNER_URL) is required",
        ),
        (
            {**MINIMAL, "secrets": {**SECRET_VALUES, "redisUrl": ""}, "worker": {"enabled": True}},
            "secrets.redisUrl (REDIS_URL) is required when worker.enabled",
        ),
        (
            {**MINIMAL, "web": {"podDisruptionBudget": {"minAvailable": 1}}},
            "set exactly one of minAvailable and maxUnavailable",
        ),
        (
            {
                **MINIMAL,
                "secrets": {**SECRET_VALUES, "stripeApiKey": ""},
                "config": {"billing": {"backend": "stripe"}},
            },
            "secrets.stripeApiKey (STRIPE_API_KEY) is required when config.billing.backend",
        ),
        (
            {
                **MINIMAL,
                "secrets": {**SECRET_VALUES, "redisUrl": ""},
                "scheduler": {"enabled": True},
            },
            "secrets.redisUrl (REDIS_URL) is required when scheduler.enabled",
        ),
        (
            {**MINIMAL, "secrets": {**SECRET_VALUES, "secretKey": "too-short"}},
            "secrets.secretKey (SECRET_KEY) must have at least 32 characters",
        ),
    ],
    ids=[
        "no-base-domain",
        "no-secrets",
        "no-owner-url",
        "worker-without-redis",
        "pdb-both",
        "stripe-without-key",
        "scheduler-without-redis",
        "short-secret-key",
    ],
)
def test_missing_required_values_are_refused(helm, render_text, values, message):
    with pytest.raises(helm.HelmRenderError, match=re.escape(message)):
        render_text(values)


# --- Kubernetes' schemas ---------------------------------------------------------------


@pytest.mark.parametrize("kube_version", KUBE_VERSIONS)
@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_every_manifest_is_valid_kubernetes(render, kubernetes_validate, scenario, kube_version):
    if kube_version == "latest":
        kube_version = kubernetes_validate.utils.latest_version()
    objects = render(SCENARIOS[scenario])
    assert objects
    for obj in objects:
        # strict: a field Kubernetes does not know (a typo, a misplaced key) is an error.
        kubernetes_validate.validate(obj, kube_version, strict=True)
        assert obj["metadata"]["labels"]["app.kubernetes.io/instance"] == RELEASE


def test_the_expected_objects_are_rendered(render):
    kinds = sorted((obj["kind"], obj["metadata"]["name"]) for obj in render(MINIMAL))
    assert kinds == [
        ("ConfigMap", "trellis"),
        ("Deployment", "trellis-web"),
        ("HorizontalPodAutoscaler", "trellis-web"),
        ("Ingress", "trellis"),
        ("Job", "trellis-migrate"),
        ("PodDisruptionBudget", "trellis-web"),
        ("Secret", "trellis"),
        ("Secret", "trellis-migrate"),
        ("Service", "trellis"),
    ]


# --- Migrations: a hook, as the owner role -------------------------------------------


@pytest.mark.parametrize("values", [MINIMAL, EXISTING], ids=["chart-secret", "existing-secret"])
def test_migration_job_is_a_pre_install_pre_upgrade_hook_with_the_owner_url(render, values):
    objects = render(values)
    job = one(objects, "Job", "trellis-migrate")
    hooks = hook_annotations(job)
    assert set(hooks["helm.sh/hook"].split(",")) == {"pre-install", "pre-upgrade"}
    assert "before-hook-creation" in hooks["helm.sh/hook-delete-policy"]
    assert container(job)["command"] == ["trellis", "db", "upgrade"]
    assert job["spec"]["template"]["spec"]["restartPolicy"] == "Never"
    env = env_of(job)
    secret_name = values["secrets"].get("existingSecret") or "trellis-migrate"
    for name in ("DATABASE_OWNER_URL", "DATABASE_URL", "SECRET_KEY"):
        ref = env[name]["valueFrom"]["secretKeyRef"]
        assert ref["name"] == secret_name and ref["key"] == name
        assert not ref.get("optional")
    # A pre-install hook runs before the release's ConfigMap exists: its settings are inline.
    assert env["TRELLIS_BASE_DOMAIN"]["value"] == DOMAIN
    assert "envFrom" not in container(job)


def test_the_migration_secret_is_a_hook_created_before_the_job_and_then_deleted(render):
    objects = render(MINIMAL)
    job = one(objects, "Job", "trellis-migrate")
    secret = one(objects, "Secret", "trellis-migrate")
    hooks = hook_annotations(secret)
    assert hooks["helm.sh/hook"] == hook_annotations(job)["helm.sh/hook"]
    assert int(hooks["helm.sh/hook-weight"]) < int(hook_annotations(job)["helm.sh/hook-weight"])
    assert "hook-succeeded" in hooks["helm.sh/hook-delete-policy"]
    assert set(secret["data"]) == {"DATABASE_URL", "DATABASE_OWNER_URL", "SECRET_KEY"} | {
        # the migration needs no more, but the chart's hook Secret carries every setting given
        "REDIS_URL",
        "SMTP_PASSWORD",
        "STRIPE_API_KEY",
        "STRIPE_WEBHOOK_SECRET",
    }


def test_the_migration_command_exists():
    from saas.cli import db_group

    assert "upgrade" in db_group.commands


def test_no_pod_but_the_migration_gets_the_owner_url(render):
    objects = render(SCENARIOS["everything-on"])
    for obj in pod_workloads(objects):
        has_owner_url = "DATABASE_OWNER_URL" in env_of(obj)
        assert has_owner_url == (obj["kind"] == "Job"), obj["metadata"]["name"]
    pods_secret = one(objects, "Secret", "trellis")
    assert "DATABASE_OWNER_URL" not in pods_secret["data"]
    assert not hook_annotations(pods_secret)


def test_web_pods_check_their_configuration_with_the_doctor_before_serving(render):
    from saas.cli import main

    for scenario in ("minimal", "existing-secret-with-worker", "everything-on"):
        web = one(render(SCENARIOS[scenario]), "Deployment", "trellis-web")
        spec = web["spec"]["template"]["spec"]
        (doctor,) = spec["initContainers"]
        served = container(web)
        assert doctor["command"] == ["trellis", "doctor", "--runtime"]
        assert doctor["image"] == served["image"]
        # exactly the environment gunicorn gets: the doctor checks what will run
        assert doctor["env"] == served["env"] and doctor["envFrom"] == served["envFrom"]
        assert "DATABASE_OWNER_URL" not in {entry["name"] for entry in doctor["env"]}
        assert doctor["securityContext"] == served["securityContext"]
        assert doctor["volumeMounts"] == served["volumeMounts"]  # a writable /tmp
    options = {option.name for option in main.commands["doctor"].params}
    assert "runtime" in options  # the command the init container runs exists


def test_the_doctor_init_container_can_be_turned_off(render):
    web = one(
        render({**MINIMAL, "web": {"doctor": {"enabled": False}}}), "Deployment", "trellis-web"
    )
    assert "initContainers" not in web["spec"]["template"]["spec"]


def test_migrations_can_be_turned_off(render):
    objects = render({**MINIMAL, "migrations": {"enabled": False}})
    assert find(objects, "Job") == []
    assert find(objects, "Secret", "trellis-migrate") == []


# --- The web pods ---------------------------------------------------------------------


def test_web_pods_have_liveness_on_healthz_and_readiness_on_readyz(render):
    web = container(one(render(MINIMAL), "Deployment", "trellis-web"))
    assert web["ports"] == [{"name": "http", "containerPort": 8000, "protocol": "TCP"}]
    assert web["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
    assert web["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}
    assert web["startupProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}


def test_web_runs_gunicorn_with_saas_wsgi_app_on_port_8000(render):
    from gunicorn.config import Config

    web = container(one(render(MINIMAL), "Deployment", "trellis-web"))
    assert web["command"] == ["gunicorn"]
    parsed = Config().parser().parse_args(web["args"])  # what gunicorn makes of the arguments
    assert parsed.args == ["saas.wsgi:app"]
    assert parsed.bind == ["0.0.0.0:8000"]
    assert parsed.worker_tmp_dir == "/tmp"
    wsgi = ast.parse((ROOT / "saas" / "wsgi.py").read_text())
    assigned = {
        target.id
        for node in wsgi.body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    assert "app" in assigned


def test_every_pod_runs_as_non_root_on_a_read_only_root_file_system(render):
    for obj in pod_workloads(render(SCENARIOS["everything-on"])):
        pod = obj["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True
        assert pod["securityContext"]["runAsUser"] != 0
        assert pod["automountServiceAccountToken"] is False
        security = container(obj)["securityContext"]
        assert security["readOnlyRootFilesystem"] is True
        assert security["allowPrivilegeEscalation"] is False
        assert security["capabilities"]["drop"] == ["ALL"]
        # The only writable place: /tmp, where TRELLIS_INSTANCE_DIR and HOME point.
        assert container(obj)["volumeMounts"] == [{"name": "tmp", "mountPath": "/tmp"}]
        assert "emptyDir" in pod["volumes"][0]
        assert container(obj)["resources"]["requests"]["memory"]
        assert container(obj)["resources"]["limits"]["memory"]


def test_the_hpa_owns_the_web_replicas_unless_autoscaling_is_off(render):
    objects = render(MINIMAL)
    hpa = one(objects, "HorizontalPodAutoscaler", "trellis-web")
    assert hpa["apiVersion"] == "autoscaling/v2"
    assert hpa["spec"]["scaleTargetRef"] == {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "name": "trellis-web",
    }
    assert "replicas" not in one(objects, "Deployment", "trellis-web")["spec"]

    objects = render(SCENARIOS["no-autoscaling-no-tls"])
    assert find(objects, "HorizontalPodAutoscaler") == []
    assert one(objects, "Deployment", "trellis-web")["spec"]["replicas"] == 3


def test_the_pdb_and_the_service_select_the_web_pods(render):
    objects = render(MINIMAL)
    web_labels = one(objects, "Deployment", "trellis-web")["spec"]["template"]["metadata"]
    pdb = one(objects, "PodDisruptionBudget", "trellis-web")
    service = one(objects, "Service", "trellis")
    assert pdb["spec"]["maxUnavailable"] == 1
    for selector in (pdb["spec"]["selector"]["matchLabels"], service["spec"]["selector"]):
        assert selector.items() <= web_labels["labels"].items()
        assert selector["app.kubernetes.io/component"] == "web"
    assert service["spec"]["ports"][0]["targetPort"] == "http"


def test_pods_roll_when_the_configuration_changes(render):
    def annotations(values):
        deployment = one(render(values), "Deployment", "trellis-web")
        return deployment["spec"]["template"]["metadata"]["annotations"]

    before = annotations(MINIMAL)
    changed_config = annotations({**MINIMAL, "config": {"smtpHost": "smtp.internal"}})
    changed_secret = annotations({**MINIMAL, "secrets": {**SECRET_VALUES, "secretKey": "y" * 48}})
    assert changed_config["checksum/config"] != before["checksum/config"]
    assert changed_secret["checksum/secret"] != before["checksum/secret"]


# --- Ingress --------------------------------------------------------------------------


def test_the_ingress_serves_the_base_domain_and_every_workspace(render):
    ingress = one(render(MINIMAL), "Ingress", "trellis")
    hosts = [rule["host"] for rule in ingress["spec"]["rules"]]
    assert hosts == [DOMAIN, f"*.{DOMAIN}"]
    for rule in ingress["spec"]["rules"]:
        (path,) = rule["http"]["paths"]
        assert path["path"] == "/" and path["pathType"] == "Prefix"
        assert path["backend"]["service"] == {"name": "trellis", "port": {"name": "http"}}
    assert ingress["spec"]["tls"] == [{"hosts": hosts, "secretName": "trellis-tls"}]


def test_the_ingress_tls_secret_and_class_are_configurable(render):
    ingress = one(render(SCENARIOS["everything-on"]), "Ingress", "trellis")
    assert ingress["spec"]["tls"][0]["secretName"] == "wildcard-crm"
    assert ingress["metadata"]["annotations"] == {
        "cert-manager.io/cluster-issuer": "letsencrypt-dns"
    }
    plain = one(render(SCENARIOS["no-autoscaling-no-tls"]), "Ingress", "trellis")
    assert "tls" not in plain["spec"]
    assert plain["spec"]["ingressClassName"] == "nginx"


# --- Worker ---------------------------------------------------------------------------


def test_the_scheduler_is_one_replica_never_rolled(render):
    assert find(render(MINIMAL), "Deployment", "trellis-scheduler") == []
    objects = render(SCENARIOS["everything-on"])
    scheduler = one(objects, "Deployment", "trellis-scheduler")
    assert scheduler["spec"]["replicas"] == 1
    assert scheduler["spec"]["strategy"] == {"type": "Recreate"}
    assert container(scheduler)["command"] == ["trellis", "scheduler"]
    assert env_of(scheduler)["REDIS_URL"]["valueFrom"]["secretKeyRef"]["name"] == "trellis"


def test_stripe_billing_passes_the_backend_and_the_key(render):
    objects = render({**MINIMAL, "config": {"billing": {"backend": "stripe"}}})
    assert one(objects, "ConfigMap", "trellis")["data"]["BILLING_BACKEND"] == "stripe"
    web = one(objects, "Deployment", "trellis-web")
    assert env_of(web)["STRIPE_API_KEY"]["valueFrom"]["secretKeyRef"]["key"] == "STRIPE_API_KEY"


def test_the_worker_deployment_appears_only_when_enabled(render):
    assert find(render(MINIMAL), "Deployment", "trellis-worker") == []
    objects = render({**MINIMAL, "worker": {"enabled": True, "replicaCount": 3}})
    worker = one(objects, "Deployment", "trellis-worker")
    assert worker["spec"]["replicas"] == 3
    assert container(worker)["command"] == ["trellis", "worker"]
    assert env_of(worker)["REDIS_URL"]["valueFrom"]["secretKeyRef"]["name"] == "trellis"
    assert container(worker)["envFrom"] == [{"configMapRef": {"name": "trellis"}}]
    assert worker["spec"]["selector"]["matchLabels"]["app.kubernetes.io/component"] == "worker"


# --- Configuration and secrets --------------------------------------------------------


def test_the_configmap_holds_the_non_secret_settings(render):
    objects = render(MINIMAL)
    configmap = one(objects, "ConfigMap", "trellis")
    assert configmap["data"] == {
        "TRELLIS_ENV": "production",
        "TRELLIS_BASE_DOMAIN": DOMAIN,
        "TRELLIS_BASE_URL": f"https://{DOMAIN}",
        "MAIL_BACKEND": "smtp",
        "MAIL_FROM": f"Trellis <no-reply@{DOMAIN}>",
        "SMTP_HOST": "localhost",
        "SMTP_PORT": "587",
        "SMTP_STARTTLS": "true",
        "TRELLIS_PROXY_COUNT": "1",
        "SESSION_COOKIE_SECURE": "true",
        "TRELLIS_INSTANCE_DIR": "/tmp/trellis",
        "BILLING_BACKEND": "offline",
        "BILLING_TRIAL_DAYS": "14",
        "BILLING_TRIAL_PLAN": "pro",
        "BILLING_GRACE_DAYS": "7",
        "BILLING_SEAT_SYNC_SECONDS": "60",
    }
    web = container(one(objects, "Deployment", "trellis-web"))
    assert web["envFrom"] == [{"configMapRef": {"name": "trellis"}}]


def test_existing_secret_is_referenced_and_nothing_secret_is_rendered(render_text, render):
    values = {
        **EXISTING,
        "worker": {"enabled": True},
        "secrets": {
            **EXISTING["secrets"],
            "existingSecretKeys": {"databaseOwnerUrl": "owner-url", "secretKey": "flask-key"},
            # Given by mistake alongside existingSecret: must be ignored, never rendered.
            **{key: value for key, value in SECRET_VALUES.items()},
        },
    }
    objects = render(values)
    assert find(objects, "Secret") == []
    text = "\n".join(render_text(values).values())
    for secret in SECRET_VALUES.values():
        assert secret not in text
    keys = {
        "DATABASE_URL": "DATABASE_URL",
        "DATABASE_OWNER_URL": "owner-url",
        "SECRET_KEY": "flask-key",
        "REDIS_URL": "REDIS_URL",
        "SMTP_PASSWORD": "SMTP_PASSWORD",
        "STRIPE_API_KEY": "STRIPE_API_KEY",
        "STRIPE_WEBHOOK_SECRET": "STRIPE_WEBHOOK_SECRET",
    }
    for obj in pod_workloads(objects):
        for name, entry in env_of(obj).items():
            if name in keys:
                assert "value" not in entry
                assert entry["valueFrom"]["secretKeyRef"]["name"] == "trellis-credentials"
                assert entry["valueFrom"]["secretKeyRef"]["key"] == keys[name]
        assert "checksum/secret" not in obj["spec"]["template"]["metadata"].get("annotations", {})
    web_env = env_of(one(objects, "Deployment", "trellis-web"))
    assert set(keys) - set(web_env) == {"DATABASE_OWNER_URL"}
    for optional in ("REDIS_URL", "SMTP_PASSWORD", "STRIPE_API_KEY", "STRIPE_WEBHOOK_SECRET"):
        assert web_env[optional]["valueFrom"]["secretKeyRef"]["optional"] is True


def test_the_chart_secret_holds_the_values_given(render):
    pods_secret = one(render(MINIMAL), "Secret", "trellis")
    decoded = {key: base64.b64decode(value).decode() for key, value in pods_secret["data"].items()}
    assert decoded == {
        "DATABASE_URL": APP_URL,
        "SECRET_KEY": SECRET_VALUES["secretKey"],
        "REDIS_URL": SECRET_VALUES["redisUrl"],
        "SMTP_PASSWORD": SECRET_VALUES["smtpPassword"],
        "STRIPE_API_KEY": SECRET_VALUES["stripeApiKey"],
        "STRIPE_WEBHOOK_SECRET": SECRET_VALUES["stripeWebhookSecret"],
    }
    required_only = {
        key: SECRET_VALUES[key] for key in ("databaseUrl", "databaseOwnerUrl", "secretKey")
    }
    pods_secret = one(render({**MINIMAL, "secrets": required_only}), "Secret", "trellis")
    assert set(pods_secret["data"]) == {"DATABASE_URL", "SECRET_KEY"}


def _environment_names_read_by_the_app() -> set[str]:
    pattern = re.compile(r"""(?:environ\.get|getenv|environ\[|_bool)\(?\s*["']([A-Z0-9_]+)["']""")
    names: set[str] = set()
    for package in ("saas", "tenants", "core", "admin", "plugins"):
        for path in (ROOT / package).rglob("*.py"):
            names.update(pattern.findall(path.read_text()))
    return names


def test_every_setting_the_chart_passes_is_one_the_app_reads(render):
    objects = render(SCENARIOS["everything-on"])
    given = set(one(objects, "ConfigMap", "trellis")["data"])
    for obj in pod_workloads(objects):
        given |= {
            name
            for name, entry in env_of(obj).items()
            if "secretKeyRef" in entry.get("valueFrom", {})
        }
    unread = given - _environment_names_read_by_the_app()
    assert unread <= set(NOT_READ_BY_THE_APP_YET), sorted(unread - set(NOT_READ_BY_THE_APP_YET))


def test_the_values_documented_in_docs_deployment_render(chart, render, yaml, kubernetes_validate):
    text = (ROOT / "docs" / "deployment.md").read_text()
    blocks = re.findall(r"```yaml\n(.*?)```", text, flags=re.DOTALL)
    documented = next(yaml.safe_load(block) for block in blocks if "baseDomain:" in block)
    chart.validate_schema(documented)
    objects = render(documented)
    for obj in objects:
        kubernetes_validate.validate(obj, "1.27.0", strict=True)
    web = container(one(objects, "Deployment", "trellis-web"))
    assert web["image"] == "registry.example.com/trellis:0.1.0"
