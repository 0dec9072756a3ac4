"""The secret key: generated into instance/ in development, required in production."""

from __future__ import annotations

import shutil
import stat
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from saas import config
from saas.app import create_app
from saas.cli import main
from saas.config import ConfigurationError, check_config, load_config

ROOT = Path(__file__).resolve().parents[2]
GOOD_KEY = "k" * 32


@pytest.fixture
def env(monkeypatch, tmp_path):
    """A clean environment: no SECRET_KEY, the instance directory in tmp_path."""
    for name in ("SECRET_KEY", "TRELLIS_ENV", "DATABASE_URL", "TRELLIS_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(config, "INSTANCE_DIR", tmp_path / "instance")
    return monkeypatch


def test_development_generates_a_key_once_into_instance(env, tmp_path):
    first = load_config()["SECRET_KEY"]
    path = tmp_path / "instance" / "secret_key"
    assert path.read_text().strip() == first and len(first) >= 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_config()["SECRET_KEY"] == first  # kept across restarts
    assert load_config()["TRELLIS_ENV"] == "development"


def test_production_refuses_to_start_without_a_secret_key(env, tmp_path):
    env.setenv("TRELLIS_ENV", "production")
    with pytest.raises(ConfigurationError, match="SECRET_KEY is not set.*at least 32"):
        create_app()
    assert not (tmp_path / "instance").exists()  # nothing generated, nothing written


@pytest.mark.parametrize("key", ["dev", "x" * 31, " " * 40])
def test_production_refuses_a_short_secret_key(env, key):
    env.setenv("TRELLIS_ENV", "production")
    env.setenv("SECRET_KEY", key)
    with pytest.raises(ConfigurationError, match="at least 32 characters"):
        create_app()


def test_production_starts_with_a_long_secret_key(env, tmp_path):
    env.setenv("TRELLIS_ENV", "production")
    env.setenv("SECRET_KEY", GOOD_KEY)
    env.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    app = create_app()
    assert app.config["SECRET_KEY"] == GOOD_KEY and app.config["TRELLIS_ENV"] == "production"


def test_a_key_given_to_create_app_counts(env):
    env.setenv("TRELLIS_ENV", "production")
    check_config({"TRELLIS_ENV": "production", "SECRET_KEY": GOOD_KEY})
    with pytest.raises(ConfigurationError):
        check_config({"TRELLIS_ENV": "production", "SECRET_KEY": None})


def test_an_unknown_environment_is_refused(env):
    env.setenv("TRELLIS_ENV", "prod")
    with pytest.raises(ConfigurationError, match="TRELLIS_ENV is 'prod'"):
        load_config()


def test_the_cli_says_what_to_set_instead_of_a_traceback(env):
    env.setenv("TRELLIS_ENV", "production")
    result = CliRunner().invoke(main, ["db", "upgrade"])
    assert result.exit_code == 2
    assert "Error: SECRET_KEY is not set" in result.output
    assert "trellis doctor" in result.output
    assert "Traceback" not in result.output


def test_session_cookies_are_secure_by_default_over_https(env):
    assert load_config()["SESSION_COOKIE_SECURE"] is False
    env.setenv("TRELLIS_BASE_URL", "https://crm.example.com")
    assert load_config()["SESSION_COOKIE_SECURE"] is True
    env.setenv("SESSION_COOKIE_SECURE", "false")
    assert load_config()["SESSION_COOKIE_SECURE"] is False


def test_no_secret_key_file_is_in_the_repository():
    ignored = (ROOT / ".gitignore").read_text().splitlines()
    assert "instance/" in ignored and "/secret_key" in ignored
    if shutil.which("git") and (ROOT / ".git").exists():
        tracked = subprocess.run(
            ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.splitlines()
        assert not [name for name in tracked if Path(name).name == "secret_key"]
