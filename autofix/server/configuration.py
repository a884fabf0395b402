"""Settings for one document: the workspace's configuration file, then the editor's options.

The configuration file is found as on the command line: the nearest ``.autofix.toml`` or
``pyproject.toml`` with ``[tool.autofix]`` at or above the document's directory, so every
folder of a workspace gets its own.  The editor's options (``initializationOptions``, or
the ``autofix`` section of ``workspace/configuration``, asked per workspace folder) then
override it key by key, like command-line options: ``select``, ``extend-select``, ``ignore``,
``unsafe-fixes`` and ``dr``.  They are checked as strictly as the file: an unknown key or a
value of the wrong type is an error, never silently ignored.
"""

from __future__ import annotations

import os
from typing import Any

from autofix.config import KEYS, build_settings
from autofix.errors import ConfigError
from autofix.settings import Settings

#: The editor options autofix reads, as (spelling) -> configuration key; editors write camelCase.
OPTIONS = {"select": "select", "extend-select": "extend-select", "extendSelect": "extend-select",
           "ignore": "ignore", "unsafe-fixes": "unsafe-fixes", "unsafeFixes": "unsafe-fixes", "dr": "dr"}
#: The section name under which editors keep autofix's options.
SECTION = "autofix"


def client_options(raw: Any, origin: str) -> dict[str, Any]:
    """The checked options of ``raw`` (a mapping, or one holding an ``autofix`` section), by
    :class:`~autofix.settings.Settings` field; ``origin`` names where they came from in errors."""
    if raw is None:
        return {}
    if isinstance(raw, dict) and isinstance(raw.get(SECTION), dict):
        raw = raw[SECTION]
    if not isinstance(raw, dict):
        raise ConfigError(f"{origin}: autofix's options must be an object, not {type(raw).__name__}")
    out: dict[str, Any] = {}
    for spelling, value in raw.items():
        key = OPTIONS.get(spelling)
        if key is None:
            raise ConfigError(f"{origin}: unknown option {spelling!r}; known options: select, "
                              "extend-select (or extendSelect), ignore, unsafe-fixes (or unsafeFixes), dr")
        if value is None:
            continue  # an editor's way of leaving a setting unset
        field, check = KEYS[key]
        try:
            out[field] = check(key, value)
        except ValueError as exc:
            raise ConfigError(f"{origin}: {exc}") from None
    return out


def settings_for(path: str | None, options: dict[str, Any], fallback_directory: str | None = None) -> Settings:
    """Settings for the document at ``path`` (None: not a file; its configuration is searched from
    ``fallback_directory``, else the server's working directory), the editor's ``options`` on top.

    Raises :class:`~autofix.errors.ConfigError` for a bad configuration file or option.
    """
    start = path if path else os.path.join(fallback_directory or os.getcwd(), "untitled")
    return build_settings([start], select=options.get("select"), ignore=options.get("ignore"),
                          dr=options.get("dr"), unsafe_fixes=options.get("unsafe_fixes"),
                          extend_select=options.get("extend_select"))
