"""The plugin platform: one pluggy manager that core areas and plugins both go through.

``hookimpl`` marks a hook implementation; the contract is ``saas.plugins.hookspecs`` and the
manager is built by ``saas.plugins.manager.build_manager`` (see docs/plugins.md).
"""

from __future__ import annotations

import pluggy

PROJECT = "trellis"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)

__all__ = ["PROJECT", "hookimpl", "hookspec"]
