"""``trellis doctor``: check a deployment's whole configuration, one line per check.

It works when ``create_app`` refuses to start: it reads the configuration itself
(``saas.config``) and reports every problem it finds, not only the first. Each check is
OK, WARN or FAIL with what to do; a FAIL means the deployment is unsafe or broken.
"""

from __future__ import annotations

import os
import smtplib
from dataclasses import asdict, dataclass
from urllib.parse import urlparse

from sqlalchemy import create_engine, pool, text
from sqlalchemy.engine import make_url

from saas import config as config_module

OK, WARN, FAIL = "OK", "WARN", "FAIL"
# The development SECRET_KEY placeholders seen in examples and compose files.
KNOWN_WEAK_KEYS = {"dev", "development", "secret", "changeme", "change-me", "test"}
TIMEOUT_SECONDS = 3


@dataclass(frozen=True)
class Check:
    name: str
    status: str
    message: str

    def line(self) -> str:
        return f"{self.status:<4}  {self.name}: {self.message}"


def _check_environment() -> tuple[list[Check], dict | None]:
    try:
        env = config_module.environment()
    except config_module.ConfigurationError as error:
        return [Check("TRELLIS_ENV", FAIL, str(error))], None
    try:
        cfg = config_module.load_config()
    except Exception as error:  # a bad integer or JSON setting: say which
        return [Check("configuration", FAIL, f"cannot read the settings: {error}")], None
    if env == "production":
        checks = [Check("TRELLIS_ENV", OK, "production (HSTS on, secrets required)")]
    else:
        checks = [
            Check(
                "TRELLIS_ENV",
                WARN,
                "development: set TRELLIS_ENV=production on a server (turns on HSTS and "
                "refuses a missing SECRET_KEY)",
            )
        ]
    return checks, cfg


def _check_secret_key(cfg: dict) -> Check:
    production = cfg["TRELLIS_ENV"] == "production"
    key = (cfg.get("SECRET_KEY") or "").strip()
    minimum = config_module.MIN_SECRET_KEY_LENGTH
    how = 'e.g. python -c "import secrets; print(secrets.token_urlsafe(48))"'
    if not os.environ.get("SECRET_KEY"):
        if production:
            return Check(
                "SECRET_KEY",
                FAIL,
                f"SECRET_KEY is not set: in production set it to a random value of at least "
                f"{minimum} characters, the same for every process, {how}",
            )
        return Check("SECRET_KEY", OK, "development key generated in instance/secret_key")
    if key.lower() in KNOWN_WEAK_KEYS or len(key) < minimum:
        return Check(
            "SECRET_KEY",
            FAIL if production else WARN,
            f"SECRET_KEY has {len(key)} characters or is a placeholder: use a random value "
            f"of at least {minimum} characters, {how}",
        )
    return Check("SECRET_KEY", OK, f"set ({len(key)} characters)")


def _check_urls(cfg: dict) -> list[Check]:
    production = cfg["TRELLIS_ENV"] == "production"
    checks = []
    base_url = cfg["TRELLIS_BASE_URL"]
    parsed = urlparse(base_url)
    if parsed.scheme not in {"http", "https"} or not parsed.hostname:
        checks.append(
            Check(
                "TRELLIS_BASE_URL",
                FAIL,
                f"{base_url!r} is not an http(s) URL: set e.g. https://crm.example.com",
            )
        )
    elif production and parsed.scheme != "https":
        checks.append(
            Check(
                "TRELLIS_BASE_URL",
                FAIL,
                f"{base_url} is http in production: serve over TLS and set an https:// URL",
            )
        )
    else:
        checks.append(Check("TRELLIS_BASE_URL", OK, base_url))
    domain = cfg["TRELLIS_BASE_DOMAIN"]
    if production and domain in {"localhost", ""}:
        checks.append(
            Check(
                "TRELLIS_BASE_DOMAIN",
                FAIL,
                f"{domain!r} in production: set the domain whose subdomains are the "
                "workspaces (wildcard DNS *.<domain> to the proxy)",
            )
        )
    elif parsed.hostname and not (
        parsed.hostname == domain or parsed.hostname.endswith("." + domain)
    ):
        checks.append(
            Check(
                "TRELLIS_BASE_DOMAIN",
                WARN,
                f"{domain} is not the host of TRELLIS_BASE_URL ({parsed.hostname}): links "
                "in e-mails would point elsewhere than the workspaces",
            )
        )
    else:
        checks.append(Check("TRELLIS_BASE_DOMAIN", OK, f"workspaces at <slug>.{domain}"))
    return checks


def _role_facts(connection) -> dict:
    row = connection.execute(
        text(
            "SELECT current_user AS name, rolsuper, rolbypassrls FROM pg_roles "
            "WHERE rolname = current_user"
        )
    ).one()
    owned = connection.scalars(
        text(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') "
            "AND pg_get_userbyid(c.relowner) = current_user ORDER BY 1"
        )
    ).all()
    return {
        "name": row.name,
        "superuser": row.rolsuper,
        "bypassrls": row.rolbypassrls,
        "owned": list(owned),
    }


def _connect(url: str):
    options = {}
    if make_url(url).get_backend_name() == "postgresql":
        options["connect_args"] = {"connect_timeout": TIMEOUT_SECONDS}
    return create_engine(url, poolclass=pool.NullPool, **options)


def _safe_url(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def _check_database(cfg: dict, *, runtime: bool = False) -> list[Check]:
    production = cfg["TRELLIS_ENV"] == "production"
    url = cfg["SQLALCHEMY_DATABASE_URI"]
    owner_url = cfg["DATABASE_OWNER_URL"]
    checks = []
    try:
        backend = make_url(url).get_backend_name()
    except Exception as error:
        return [Check("DATABASE_URL", FAIL, f"cannot parse DATABASE_URL: {error}")]
    if backend != "postgresql":
        status = FAIL if production else OK
        hint = (
            ": production needs PostgreSQL (row-level security keeps tenants apart)"
            if production
            else " (development; row-level security needs PostgreSQL)"
        )
        checks.append(Check("DATABASE_URL", status, f"{backend}{hint}"))
    try:
        engine = _connect(url)
        with engine.connect() as connection:
            facts = _role_facts(connection) if backend == "postgresql" else None
        engine.dispose()
    except Exception as error:
        checks.append(
            Check(
                "DATABASE_URL",
                FAIL,
                f"cannot connect to {_safe_url(url)}: {str(error).splitlines()[0]}",
            )
        )
        return checks
    if backend == "postgresql":
        checks.append(Check("DATABASE_URL", OK, f"connected to {_safe_url(url)}"))
        problems = []
        if facts["superuser"]:
            problems.append("is a superuser")
        if facts["bypassrls"]:
            problems.append("has BYPASSRLS")
        if facts["owned"]:
            shown = ", ".join(facts["owned"][:5]) + (" ..." if len(facts["owned"]) > 5 else "")
            problems.append(f"owns {len(facts['owned'])} table(s) ({shown})")
        if problems:
            checks.append(
                Check(
                    "app role",
                    FAIL,
                    f"{facts['name']} {', '.join(problems)}: row-level security does not "
                    "apply to it. Give DATABASE_URL a role with NOSUPERUSER NOBYPASSRLS that "
                    "owns no table, and DATABASE_OWNER_URL the owner (docs/deployment.md)",
                )
            )
        else:
            checks.append(
                Check("app role", OK, f"{facts['name']}: not owner, not superuser, NOBYPASSRLS")
            )
    checks.extend(_check_owner(url, owner_url, backend, runtime=runtime))
    return checks


def _check_owner(url: str, owner_url: str, backend: str, *, runtime: bool) -> list[Check]:
    from saas.migrate import alembic_config, current_revisions

    checks = []
    if runtime and backend == "postgresql" and owner_url == url:
        # A web, worker or scheduler pod: it is rightly not given the owner's credentials,
        # and the app role can read the schema's version and the catalogue's RLS flags.
        checks.append(
            Check(
                "DATABASE_OWNER_URL",
                OK,
                "not given to this process (--runtime): migrations and row-level security "
                "are read as the app role",
            )
        )
    elif backend == "postgresql" and owner_url == url:
        checks.append(
            Check(
                "DATABASE_OWNER_URL",
                FAIL,
                "not set (the app role would run the migrations and own the tables): set "
                "it to the owner role that runs `trellis db upgrade`",
            )
        )
        return checks
    try:
        current = current_revisions(owner_url)
    except Exception as error:
        checks.append(
            Check(
                "DATABASE_OWNER_URL",
                FAIL,
                f"cannot connect to {_safe_url(owner_url)}: {str(error).splitlines()[0]}",
            )
        )
        return checks
    if owner_url != url:
        checks.append(Check("DATABASE_OWNER_URL", OK, f"connected to {_safe_url(owner_url)}"))
    from alembic.script import ScriptDirectory

    heads = tuple(sorted(ScriptDirectory.from_config(alembic_config()).get_heads()))
    if not current:
        checks.append(
            Check("migrations", FAIL, "the database has no schema: run `trellis db upgrade`")
        )
    elif set(current) != set(heads):
        checks.append(
            Check(
                "migrations",
                FAIL,
                f"at {', '.join(current)}, the code is at {', '.join(heads)}: run "
                "`trellis db upgrade` (as the owner, DATABASE_OWNER_URL)",
            )
        )
    else:
        checks.append(Check("migrations", OK, f"at head ({', '.join(heads)})"))
        if backend == "postgresql":
            checks.append(_check_rls(owner_url))
    return checks


def _check_rls(owner_url: str) -> Check:
    """Every table with a tenant_id column has row-level security enabled and forced."""
    engine = _connect(owner_url)
    try:
        with engine.connect() as connection:
            missing = connection.scalars(
                text(
                    "SELECT c.relname FROM pg_class c "
                    "JOIN pg_namespace n ON n.oid = c.relnamespace "
                    "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id' "
                    "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') "
                    "AND NOT (c.relrowsecurity AND c.relforcerowsecurity) ORDER BY 1"
                )
            ).all()
    finally:
        engine.dispose()
    if missing:
        return Check(
            "row-level security",
            FAIL,
            f"not forced on {', '.join(missing)}: the migrations were changed by hand; "
            "run tenants.rls.enable_tenant_rls for them (as the owner)",
        )
    return Check("row-level security", OK, "forced on every table with a tenant_id")


def _check_redis(cfg: dict) -> list[Check]:
    production = cfg["TRELLIS_ENV"] == "production"
    url = cfg.get("REDIS_URL")
    if not url:
        return [
            Check(
                "jobs",
                WARN if production else OK,
                "in-process (no REDIS_URL): jobs run inside the web process and nothing "
                "runs on a schedule; set REDIS_URL and run `trellis worker` and "
                "`trellis scheduler`",
            )
        ]
    from redis import Redis

    try:
        client = Redis.from_url(
            url, socket_connect_timeout=TIMEOUT_SECONDS, socket_timeout=TIMEOUT_SECONDS
        )
        client.ping()
        workers = client.scard("rq:workers")
        client.close()
    except Exception as error:
        return [Check("REDIS_URL", FAIL, f"cannot reach Redis at {_safe_redis(url)}: {error}")]
    checks = [Check("REDIS_URL", OK, f"reachable at {_safe_redis(url)}")]
    if workers:
        checks.append(Check("jobs", OK, f"Redis queue, {workers} RQ worker(s) registered"))
    else:
        checks.append(
            Check(
                "jobs",
                WARN,
                "Redis queue but no RQ worker is registered: run `trellis worker` (and one "
                "`trellis scheduler` for the periodic work)",
            )
        )
    return checks


def _safe_redis(url: str) -> str:
    parsed = urlparse(url)
    if parsed.password:
        return url.replace(f":{parsed.password}@", ":***@")
    return url


def _check_mail(cfg: dict) -> Check:
    production = cfg["TRELLIS_ENV"] == "production"
    backend = cfg["MAIL_BACKEND"]
    if backend != "smtp":
        return Check(
            "mail",
            WARN if production else OK,
            f"MAIL_BACKEND={backend}: messages stay in the outbox / console, none is sent; "
            "set MAIL_BACKEND=smtp and SMTP_HOST",
        )
    host, port = cfg["SMTP_HOST"], cfg["SMTP_PORT"]
    try:
        with smtplib.SMTP(host, port, timeout=TIMEOUT_SECONDS) as smtp:
            smtp.ehlo()
            if cfg["SMTP_STARTTLS"]:
                smtp.starttls()
            if cfg["SMTP_USERNAME"]:
                smtp.login(cfg["SMTP_USERNAME"], cfg["SMTP_PASSWORD"] or "")
    except (OSError, smtplib.SMTPException) as error:
        return Check("mail", FAIL, f"cannot use SMTP at {host}:{port}: {error}")
    return Check("mail", OK, f"SMTP at {host}:{port} answers (from {cfg['MAIL_FROM']})")


def _check_billing(cfg: dict) -> Check:
    production = cfg["TRELLIS_ENV"] == "production"
    backend = cfg["BILLING_BACKEND"]
    if backend != "stripe":
        return Check(
            "billing",
            OK,
            f"{backend}: no payment provider (set STRIPE_API_KEY to bill with Stripe)",
        )
    key = cfg.get("STRIPE_API_KEY") or ""
    if not key:
        return Check("billing", FAIL, "BILLING_BACKEND=stripe without STRIPE_API_KEY")
    if not cfg.get("STRIPE_WEBHOOK_SECRET"):
        return Check(
            "billing",
            FAIL,
            "Stripe without STRIPE_WEBHOOK_SECRET: webhooks cannot be verified; set it "
            "from the Stripe dashboard's endpoint",
        )
    if key.startswith(("sk_live_", "rk_live_")):
        return Check("billing", OK, "Stripe live keys, webhook secret set")
    return Check(
        "billing",
        WARN if production else OK,
        "Stripe test keys: no real payment is taken",
    )


def _check_proxy(cfg: dict) -> Check:
    production = cfg["TRELLIS_ENV"] == "production"
    count = cfg["TRELLIS_PROXY_COUNT"]
    https = cfg["TRELLIS_BASE_URL"].lower().startswith("https://")
    if count < 0:
        return Check("TRELLIS_PROXY_COUNT", FAIL, f"{count}: must be 0 or more")
    if production and https and count == 0:
        return Check(
            "TRELLIS_PROXY_COUNT",
            WARN,
            "0 with an https base URL: if a proxy ends TLS in front of gunicorn, set "
            "TRELLIS_PROXY_COUNT=1 (the number of proxies) or client addresses and the "
            "scheme are the proxy's",
        )
    return Check("TRELLIS_PROXY_COUNT", OK, f"{count} proxy(ies) trusted")


def _check_cookie(cfg: dict) -> Check:
    production = cfg["TRELLIS_ENV"] == "production"
    if cfg["SESSION_COOKIE_SECURE"]:
        return Check("session cookie", OK, "Secure")
    return Check(
        "session cookie",
        FAIL if production else OK,
        "not Secure"
        + (
            ": use an https TRELLIS_BASE_URL (or SESSION_COOKIE_SECURE=true)"
            if production
            else " (development over http)"
        ),
    )


def run_checks(*, runtime: bool = False) -> list[Check]:
    """Every check of the configuration in the environment, in the order of the recipe.

    ``runtime``: the checks of a running process (a web, worker or scheduler pod, e.g. as
    its init container), which has the app role's DATABASE_URL and not the owner's: a
    missing DATABASE_OWNER_URL is then expected, and the schema's version and row-level
    security are read with the app role."""
    checks, cfg = _check_environment()
    if cfg is None:
        return checks
    checks.append(_check_secret_key(cfg))
    checks.extend(_check_urls(cfg))
    checks.extend(_check_database(cfg, runtime=runtime))
    checks.extend(_check_redis(cfg))
    checks.append(_check_mail(cfg))
    checks.append(_check_billing(cfg))
    checks.append(_check_proxy(cfg))
    checks.append(_check_cookie(cfg))
    return checks


def failed(checks: list[Check]) -> bool:
    return any(check.status == FAIL for check in checks)


def as_dicts(checks: list[Check]) -> list[dict]:
    return [asdict(check) for check in checks]
