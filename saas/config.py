"""Configuration read from the environment.

Every setting has a development default so that ``make run`` works on a fresh machine:
SQLite in ``instance/``, in-process jobs, console e-mail and offline billing.
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

INSTANCE_DIR = Path(os.environ.get("TRELLIS_INSTANCE_DIR", Path.cwd() / "instance"))

ENVIRONMENTS = ("development", "production")
# A key shorter than this is guessable or a placeholder (ASVS 5.0 V11: 128 bits or more).
MIN_SECRET_KEY_LENGTH = 32


class ConfigurationError(RuntimeError):
    """The configuration cannot run: the message says what to set (no traceback needed)."""


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def environment() -> str:
    """``TRELLIS_ENV``: ``development`` (the default) or ``production``."""
    value = os.environ.get("TRELLIS_ENV", "development").strip().lower() or "development"
    if value not in ENVIRONMENTS:
        raise ConfigurationError(
            f"TRELLIS_ENV is {value!r}: it must be one of {', '.join(ENVIRONMENTS)}."
        )
    return value


def _secret_key(production: bool) -> str | None:
    """SECRET_KEY; in development a key generated once into instance/ when it is unset.

    Production never gets a generated key (each host and pod would sign with its own, and
    a key written next to the code ends up in backups and images): ``check_config``
    refuses to start without one.
    """
    key = os.environ.get("SECRET_KEY")
    if key or production:
        return key or None
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    path = INSTANCE_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def check_config(config) -> None:
    """Refuse to start a production app that would be unsafe; the message says what to set.

    Only what makes the app unsafe to serve at all is refused here; ``trellis doctor``
    checks the rest of a deployment and explains it.
    """
    if config.get("TRELLIS_ENV") != "production":
        return
    key = config.get("SECRET_KEY") or ""
    if len(key.strip()) < MIN_SECRET_KEY_LENGTH:
        state = "is not set" if not key else f"has {len(key.strip())} characters"
        raise ConfigurationError(
            f"SECRET_KEY {state}: in production (TRELLIS_ENV=production) set it to a random "
            f"value of at least {MIN_SECRET_KEY_LENGTH} characters, the same for every "
            'process, e.g. python -c "import secrets; print(secrets.token_urlsafe(48))".'
        )


def _json_setting(name: str) -> dict | None:
    """A JSON object from the environment variable ``name`` (or the file it names)."""
    value = os.environ.get(name, "").strip()
    if not value:
        return None
    if not value.startswith("{"):
        value = Path(value).read_text()
    return json.loads(value)


def load_config() -> dict:
    """The configuration mapping given to Flask, from environment variables."""
    env = environment()
    production = env == "production"
    base_url = os.environ.get("TRELLIS_BASE_URL", "http://localhost:5000")
    database_url = os.environ.get(
        "DATABASE_URL", f"sqlite:///{(INSTANCE_DIR / 'trellis.db').as_posix()}"
    )
    return {
        # development (the default) or production: see docs/operations.md.
        "TRELLIS_ENV": env,
        "SECRET_KEY": _secret_key(production),
        # The application's own role: owns no table, has no BYPASSRLS.
        "SQLALCHEMY_DATABASE_URI": database_url,
        # The role that owns the tables and runs the migrations.
        "DATABASE_OWNER_URL": os.environ.get("DATABASE_OWNER_URL", database_url),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        # Tenants live at <slug>.<base domain>; the base domain serves sign-up.
        "TRELLIS_BASE_DOMAIN": os.environ.get("TRELLIS_BASE_DOMAIN", "localhost"),
        "TRELLIS_BASE_URL": base_url,
        "REDIS_URL": os.environ.get("REDIS_URL") or None,
        # Rate-limit counters (saas/ratelimit.py): this, else REDIS_URL, else memory.
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI") or None,
        # New workspaces per client address and hour (successful sign-ups only).
        "SIGNUPS_PER_IP_PER_HOUR": int(os.environ.get("TRELLIS_SIGNUPS_PER_IP_PER_HOUR", "5")),
        "FIND_WORKSPACE_PER_IP_PER_HOUR": int(
            os.environ.get("TRELLIS_FIND_WORKSPACE_PER_IP_PER_HOUR", "10")
        ),
        "FIND_WORKSPACE_PER_EMAIL_PER_HOUR": int(
            os.environ.get("TRELLIS_FIND_WORKSPACE_PER_EMAIL_PER_HOUR", "3")
        ),
        # SSO issuers on private or loopback addresses (a Keycloak on the LAN, development).
        "TRELLIS_SSO_ALLOW_PRIVATE_ISSUERS": _bool("TRELLIS_SSO_ALLOW_PRIVATE_ISSUERS", False),
        # How many reverse proxies sit in front (their X-Forwarded-* headers are trusted).
        "TRELLIS_PROXY_COUNT": int(os.environ.get("TRELLIS_PROXY_COUNT", "0")),
        "MAIL_BACKEND": os.environ.get("MAIL_BACKEND", "console"),
        "MAIL_FROM": os.environ.get("MAIL_FROM", "Trellis <no-reply@localhost>"),
        "SMTP_HOST": os.environ.get("SMTP_HOST", "localhost"),
        "SMTP_PORT": int(os.environ.get("SMTP_PORT", "25")),
        "SMTP_USERNAME": os.environ.get("SMTP_USERNAME") or None,
        "SMTP_PASSWORD": os.environ.get("SMTP_PASSWORD") or None,
        "SMTP_STARTTLS": _bool("SMTP_STARTTLS", False),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        # Secure cookies by default when the site is served over https.
        "SESSION_COOKIE_SECURE": _bool(
            "SESSION_COOKIE_SECURE", base_url.lower().startswith("https://")
        ),
        "PERMANENT_SESSION_LIFETIME": int(os.environ.get("SESSION_LIFETIME_SECONDS", "1209600")),
        "WTF_CSRF_TIME_LIMIT": None,
        # Login throttling (OWASP ASVS 2.2.1).
        "LOGIN_FAILURES_PER_ACCOUNT": 10,
        "LOGIN_FAILURES_PER_IP": 30,
        "LOGIN_FAILURE_WINDOW_SECONDS": 15 * 60,
        # A browser that signed in before (device cookie) has its own limit and skips the
        # per-IP and per-account ones (docs/decisions/0004-login-throttling.md).
        "LOGIN_FAILURES_PER_DEVICE": 10,
        "DEVICE_COOKIE_MAX_AGE_SECONDS": 90 * 24 * 60 * 60,
        # Two-factor sign-in (docs/decisions/0017-two-factor-sign-in.md): wrong codes at the
        # second step for one account, from every address and browser, before it is refused;
        # and how long the second step waits after the password.
        "LOGIN_SECOND_FACTOR_FAILURES_PER_ACCOUNT": 10,
        "TWO_FACTOR_STEP_SECONDS": 5 * 60,
        # Lifetimes of the one-time links sent by e-mail.
        "PASSWORD_RESET_TTL_SECONDS": 60 * 60,
        "INVITATION_TTL_SECONDS": 7 * 24 * 60 * 60,
        "HANDOFF_TTL_SECONDS": 120,
        # Argon2id parameters (OWASP: m = 46 MiB, t = 1, p = 1).
        "ARGON2_MEMORY_KIB": int(os.environ.get("ARGON2_MEMORY_KIB", "47104")),
        "ARGON2_TIME_COST": int(os.environ.get("ARGON2_TIME_COST", "1")),
        "ARGON2_PARALLELISM": 1,
        "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
        # Billing (docs/billing.md): offline by default, Stripe when given a key.
        "BILLING_BACKEND": os.environ.get(
            "BILLING_BACKEND", "stripe" if os.environ.get("STRIPE_API_KEY") else "offline"
        ),
        "BILLING_PLANS": _json_setting("TRELLIS_BILLING_PLANS"),
        "BILLING_TRIAL_DAYS": int(os.environ.get("BILLING_TRIAL_DAYS", "14")),
        "BILLING_TRIAL_PLAN": os.environ.get("BILLING_TRIAL_PLAN", "pro"),
        "BILLING_GRACE_DAYS": int(os.environ.get("BILLING_GRACE_DAYS", "7")),
        # At most one quantity update per subscription per this many seconds.
        "BILLING_SEAT_SYNC_SECONDS": int(os.environ.get("BILLING_SEAT_SYNC_SECONDS", "60")),
        "STRIPE_API_KEY": os.environ.get("STRIPE_API_KEY") or None,
        "STRIPE_WEBHOOK_SECRET": os.environ.get("STRIPE_WEBHOOK_SECRET") or None,
        "STRIPE_API_BASE": os.environ.get("STRIPE_API_BASE") or None,
        # {"starter:month": "price_...", ...}; without it prices are found by lookup key.
        "STRIPE_PRICES": _json_setting("STRIPE_PRICES"),
        "STRIPE_MAX_NETWORK_RETRIES": int(os.environ.get("STRIPE_MAX_NETWORK_RETRIES", "2")),
        # The platform operator console (/operator/) is off unless this is set.
        "TRELLIS_OPERATOR_TOKEN": os.environ.get("TRELLIS_OPERATOR_TOKEN") or None,
        # Workflows' outbound webhooks may call http:// and private, loopback or link-local
        # addresses (development only: in production they must be public https).
        "WEBHOOKS_ALLOW_PRIVATE": _bool("TRELLIS_WEBHOOKS_ALLOW_PRIVATE", not production),
    }
