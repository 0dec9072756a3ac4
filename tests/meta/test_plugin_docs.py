"""Every hook of the contract is documented in docs/plugins.md with its exact signature."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

from saas.plugins import hookspecs
from saas.plugins.manager import build_manager

DOCS = Path(__file__).resolve().parents[2] / "docs" / "plugins.md"


def _documented() -> dict[str, str]:
    headings = re.findall(r"^#{2,5} ([a-z_]+)(\(.*\))\s*$", DOCS.read_text(), re.MULTILINE)
    return dict(headings)


def _specs() -> dict[str, str]:
    pm = build_manager()
    specs = {}
    for name in dir(pm.hook):
        caller = getattr(pm.hook, name)
        if getattr(caller, "spec", None) is not None:
            specs[name] = str(inspect.signature(caller.spec.function))
    return specs


def test_the_manager_knows_every_hookspec():
    declared = {
        name
        for name, value in vars(hookspecs).items()
        if callable(value) and hasattr(value, "trellis_spec")
    }
    assert declared and declared == set(_specs())


def test_every_hook_is_documented_with_its_signature():
    documented = _documented()
    for name, signature in _specs().items():
        assert name in documented, f"docs/plugins.md lacks a heading for {name}{signature}"
        assert documented[name] == signature, (
            f"docs/plugins.md documents {name}{documented[name]}, the hook is {name}{signature}"
        )


def test_no_heading_documents_a_hook_that_is_not_there():
    stale = sorted(set(_documented()) - set(_specs()))
    assert not stale, f"docs/plugins.md documents hooks that hookspecs.py lacks: {stale}"


def test_every_hook_has_a_docstring_that_says_when_it_is_called():
    for name, value in vars(hookspecs).items():
        if callable(value) and hasattr(value, "trellis_spec"):
            doc = inspect.getdoc(value) or ""
            assert "Returns:" in doc and "Called:" in doc and "Arguments:" in doc, name
            assert "transaction" in doc, f"{name} must say whether it runs in a transaction"
