"""Password hashing parameters: production keeps OWASP's Argon2id costs (ASVS 5.0 V11.4);
the suite's minimum costs (tests/conftest.py) stay in the suite."""

from __future__ import annotations

import pytest

from saas.app import create_app
from saas.auth.passwords import hash_password, needs_rehash, verify_password
from saas.config import load_config
from tests.conftest import test_config

# OWASP Password Storage Cheat Sheet, Argon2id: any one of these (memory in KiB, passes), with
# one degree of parallelism, is an acceptable minimum.
OWASP_ARGON2ID = ((47104, 1), (19456, 2), (12288, 3), (9216, 4), (7168, 5))
ARGON2_KEYS = ("ARGON2_MEMORY_KIB", "ARGON2_TIME_COST", "ARGON2_PARALLELISM")


def _meets_owasp(memory_kib: int, passes: int, parallelism: int) -> bool:
    return parallelism >= 1 and any(
        memory_kib >= memory and passes >= time for memory, time in OWASP_ARGON2ID
    )


@pytest.fixture
def production_env(monkeypatch):
    for name in ARGON2_KEYS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TRELLIS_ENV", "production")


def test_the_defaults_are_owasps_first_argon2id_configuration(production_env):
    config = load_config()
    parameters = tuple(config[key] for key in ARGON2_KEYS)
    assert parameters == (47104, 1, 1)
    assert _meets_owasp(*parameters)


def test_an_app_without_the_suites_settings_hashes_at_production_cost(production_env):
    config = test_config("sqlite://", "sqlite://", TRELLIS_ENV="production")
    for key in ARGON2_KEYS:
        del config[key]
    production = create_app(config)
    suite = create_app(test_config("sqlite://", "sqlite://"))
    with suite.app_context():
        cheap = hash_password("correct horse battery")
        assert not needs_rehash(cheap)
    with production.app_context():
        strong = hash_password("correct horse battery")
        assert strong.startswith("$argon2id$v=19$m=47104,t=1,p=1$")
        # A hash made at the suite's cost is accepted once, then upgraded at sign-in.
        assert verify_password(cheap, "correct horse battery")
        assert needs_rehash(cheap)
        assert not needs_rehash(strong)


def test_the_suites_costs_would_not_pass_for_production():
    config = test_config("sqlite://", "sqlite://")
    assert not _meets_owasp(*(config[key] for key in ARGON2_KEYS))
