"""A plugin's metadata: what it is, which core versions it fits, what it adds."""

from __future__ import annotations

from dataclasses import dataclass, field

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

# What a plugin may say it adds (shown in the catalogue of step 3).
ADDS = frozenset(
    {"objects", "fields", "pipelines", "pages", "api", "jobs", "settings", "demo_data", "menu"}
)


class IncompatiblePlugin(ValueError):
    """A plugin whose META is malformed or does not fit this core version."""


@dataclass(frozen=True)
class PluginMeta:
    """The ``META`` of a plugin (internal core areas carry one too, owner ``core``).

    - ``name``: the stable identifier (a Python identifier, lower case): owner of what the
      plugin adds, its blueprint ``plugin_<name>`` and its Alembic branch label.
    - ``title`` / ``description``: what the catalogue shows.
    - ``version``: the plugin's own version (PEP 440).
    - ``compatibility``: the core versions it runs on, a PEP 440 specifier (``">=0.1,<0.3"``).
    - ``adds``: what it contributes, from ``ADDS``.
    - ``industry``: the plugin makes Trellis speak one trade (a training school, a tour
      operator): sign-up offers it as the workspace's industry and enables it with its
      sample data.
    """

    name: str
    title: str
    description: str = ""
    version: str = "0.1.0"
    compatibility: str = ""
    adds: frozenset[str] = field(default_factory=frozenset)
    industry: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not isinstance(self.title, str):
            raise IncompatiblePlugin("a plugin's name and title must be strings")
        if not self.name.isidentifier() or self.name != self.name.lower():
            raise IncompatiblePlugin(
                f"plugin name {self.name!r} must be a lower-case Python identifier"
            )
        if not self.title.strip():
            raise IncompatiblePlugin(f"plugin {self.name}: a title is required")
        try:
            Version(self.version)
        except InvalidVersion:
            raise IncompatiblePlugin(
                f"plugin {self.name}: version {self.version!r} is not a PEP 440 version"
            ) from None
        try:
            SpecifierSet(self.compatibility)
        except InvalidSpecifier:
            raise IncompatiblePlugin(
                f"plugin {self.name}: compatibility {self.compatibility!r} is not a version "
                "specifier"
            ) from None
        if self.name == "core":
            raise IncompatiblePlugin("plugin name 'core' is the core's own owner name")
        object.__setattr__(self, "adds", frozenset(self.adds))
        unknown = sorted(self.adds - ADDS)
        if unknown:
            raise IncompatiblePlugin(
                f"plugin {self.name}: unknown contributions {', '.join(unknown)}"
            )

    def fits(self, core_version: str) -> bool:
        """Whether this plugin runs on ``core_version`` (an empty specifier fits any)."""
        return Version(core_version) in SpecifierSet(self.compatibility)

    def check(self, core_version: str) -> None:
        """Raise ``IncompatiblePlugin`` with one clear line when the plugin does not fit."""
        if not self.fits(core_version):
            raise IncompatiblePlugin(
                f"plugin {self.name} {self.version} needs core {self.compatibility}, "
                f"this is {core_version}"
            )


def core_version() -> str:
    """The version of the installed Trellis core (``trellis-crm``), what ``compatibility``
    is checked against."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("trellis-crm")
    except PackageNotFoundError:  # pragma: no cover - a source tree that was never installed
        return "0.1.0"
