"""The chart tests need no database: they replace the suite's autouse table cleaner."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _empty_tables():
    """Overrides tests/conftest.py's fixture, which would connect to the test database."""
    yield
