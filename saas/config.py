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


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key() -> str:
    """Use SECRET_KEY; in development keep a generated one in instance/ across restarts."""
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    path = INSTANCE_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


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
    database_url = os.environ.get(
        "DATABASE_URL", f"sqlite:///{(INSTANCE_DIR / 'trellis.db').as_posix()}"
    )
    return {
        "SECRET_KEY": _secret_key(),
        # The application's own role: owns no table, has no BYPASSRLS.
        "SQLALCHEMY_DATABASE_URI": database_url,
        # The role that owns the tables and runs the migrations.
        "DATABASE_OWNER_URL": os.environ.get("DATABASE_OWNER_URL", database_url),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        # Tenants live at <slug>.<base domain>; the base domain serves sign-up.
        "TRELLIS_BASE_DOMAIN": os.environ.get("TRELLIS_BASE_DOMAIN", "localhost"),
        "TRELLIS_BASE_URL": os.environ.get("TRELLIS_BASE_URL", "http://localhost:5000"),
        "REDIS_URL": os.environ.get("REDIS_URL") or None,
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
        "SESSION_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE", False),
        "PERMANENT_SESSION_LIFETIME": int(os.environ.get("SESSION_LIFETIME_SECONDS", "1209600")),
        "WTF_CSRF_TIME_LIMIT": None,
        # Login throttling (OWASP ASVS 2.2.1).
        "LOGIN_FAILURES_PER_ACCOUNT": 10,
        "LOGIN_FAILURES_PER_IP": 30,
        "LOGIN_FAILURE_WINDOW_SECONDS": 15 * 60,
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
    }
