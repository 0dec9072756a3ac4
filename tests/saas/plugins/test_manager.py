"""The plugin manager: core areas found by a package scan, registered first, models by hook."""

from __future__ import annotations

import importlib
import sys
import types

import pytest

from saas.db import db
from saas.plugins import hookimpl
from saas.plugins.manager import build_manager, import_models, internal_hook_modules
from saas.plugins.meta import IncompatiblePlugin, PluginMeta


def test_every_core_area_with_hooks_is_an_internal_plugin_platform_first():
    names = internal_hook_modules()
    assert names[0] == "saas.hooks"
    assert "core.contacts.hooks" in names and "core.objects.hooks" in names
    pm = build_manager()
    assert [name for name, _ in pm.list_name_plugin()] == names


def test_a_new_area_is_found_without_editing_any_list(tmp_path, monkeypatch):
    area = tmp_path / "core" / "zz_newarea"
    area.mkdir(parents=True)
    (area / "__init__.py").write_text("")
    (area / "hooks.py").write_text(
        "from saas.plugins import hookimpl\n\n"
        "@hookimpl\ndef register_models():\n    import types\n"
        "    return [types.ModuleType('zz_newarea_models')]\n"
    )
    import core

    monkeypatch.setattr(core, "__path__", [*core.__path__, str(tmp_path / "core")])
    try:
        assert "core.zz_newarea.hooks" in internal_hook_modules()
        modules = import_models(build_manager())
        assert "zz_newarea_models" in [m.__name__ for m in modules]
    finally:
        sys.modules.pop("core.zz_newarea.hooks", None)
        sys.modules.pop("core.zz_newarea", None)
        importlib.invalidate_caches()


def test_the_hooks_declare_every_model_module(app_ctx):
    modules = import_models(build_manager())
    assert modules[0].__name__ == "saas.auth.directory"  # the platform first, then core areas
    declared = {module.__name__ for module in modules}
    mapped = {mapper.class_.__module__ for mapper in db.Model.registry.mappers}
    assert mapped <= declared, f"models outside any register_models: {mapped - declared}"


def test_register_models_must_return_modules():
    pm = build_manager()

    class Broken:
        @hookimpl
        def register_models(self):
            return ["core.contacts.models"]

    pm.register(Broken(), name="broken")
    with pytest.raises(TypeError, match="register_models must return module objects"):
        import_models(pm)


def test_hooks_are_called_with_keyword_arguments_only():
    pm = build_manager()
    with pytest.raises(TypeError):
        pm.hook.register_models(types)


def test_plugin_meta_checks_its_fields_and_compatibility():
    meta = PluginMeta(
        name="school",
        title="Training school",
        version="1.2.0",
        compatibility=">=0.1,<0.2",
        adds={"objects", "pages"},
    )
    assert meta.fits("0.1.0") and not meta.fits("0.2.0")
    meta.check("0.1.5")
    with pytest.raises(IncompatiblePlugin, match="plugin school 1.2.0 needs core >=0.1,<0.2"):
        meta.check("0.3.0")
    with pytest.raises(IncompatiblePlugin, match="lower-case Python identifier"):
        PluginMeta(name="Bad-Name", title="x")
    with pytest.raises(IncompatiblePlugin, match="not a PEP 440 version"):
        PluginMeta(name="ok", title="x", version="one")
    with pytest.raises(IncompatiblePlugin, match="not a version specifier"):
        PluginMeta(name="ok", title="x", compatibility="~~1")
    with pytest.raises(IncompatiblePlugin, match="unknown contributions teleport"):
        PluginMeta(name="ok", title="x", adds={"teleport"})
    with pytest.raises(IncompatiblePlugin, match="a title is required"):
        PluginMeta(name="ok", title=" ")
