"""Build :class:`~autofix.settings.Settings` from configuration files and command-line options.

Command-line options override configuration; a rule list may be given as
repeated options or comma-separated.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from autofix.errors import ConfigError
from autofix.registry import all_rules, select_rules
from autofix.settings import Settings

_DR_VALUES = ("auto", "true", "false")


def _codes(values: Iterable[str] | None) -> tuple[str, ...]:
    out: list[str] = []
    for value in values or ():
        out.extend(v.strip() for v in value.split(",") if v.strip())
    return tuple(out)


_SIZE = re.compile(r"^\s*(\d+)\s*([kmg]i?b?|b)?\s*$", re.IGNORECASE)
_UNITS = {"": 1, "b": 1, "k": 1024, "m": 1024**2, "g": 1024**3}


def parse_size(value: str) -> int:
    """``"10485760"``, ``"512k"``, ``"10M"``, ``"1GiB"`` -> bytes (binary units); a positive size."""
    match = _SIZE.match(str(value))
    if not match:
        raise ConfigError(f"--max-bytes must be a size such as 1048576, 512K or 10M, not {value!r}")
    size = int(match.group(1)) * _UNITS[(match.group(2) or "")[:1].lower()]
    if size <= 0:
        raise ConfigError("--max-bytes must be greater than zero")
    return size


def build_settings(paths: list[str], *, select=None, ignore=None, dr=None, unsafe_fixes=None,
                   exclude=None, max_bytes: str | None = None) -> Settings:
    settings = Settings()
    changes: dict = {}
    if select is not None:
        changes["select"] = _codes(select)
    if ignore is not None:
        changes["ignore"] = _codes(ignore)
    if dr is not None:
        if dr not in _DR_VALUES:
            raise ConfigError(f"--dr must be one of {', '.join(_DR_VALUES)}, not {dr!r}")
        changes["dr"] = dr
    if unsafe_fixes is not None:
        changes["unsafe_fixes"] = unsafe_fixes
    if exclude is not None:
        changes["exclude"] = tuple(exclude)
    if max_bytes is not None:
        changes["max_bytes"] = parse_size(max_bytes)
    settings = settings.with_(**changes)
    select_rules(all_rules(), settings.select, settings.ignore)  # unknown codes are a usage error
    return settings
