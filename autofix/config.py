"""Build :class:`~autofix.settings.Settings` from a configuration file and command-line options.

Configuration lives in ``[tool.autofix]`` of a ``pyproject.toml`` or at the top
level of a ``.autofix.toml``.  The nearest one wins, searched upward from the
directory holding the files to check (their common parent; the current
directory for standard input); in one directory ``.autofix.toml`` comes first,
and a ``pyproject.toml`` without ``[tool.autofix]`` does not count.

Command-line options override the file key by key (``--select`` replaces
``select``, it does not extend it), except that the rule selection moves as one, as in
ruff: ``--select`` replaces the file's ``select`` and ``extend-select`` together, and
``--extend-select`` adds to whatever selection results.  A key the tool does not know, or a value
of the wrong type, is an error naming the file, the line and the key: a typo
must not silently change what runs.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

from autofix import setting_values
from autofix.errors import ConfigError
from autofix.patterns import lazy_pattern
from autofix.registry import all_rules, families, select_rules
from autofix.rules.family import Family
from autofix.settings import Settings

if TYPE_CHECKING:
    from pathlib import Path

CONFIG_NAMES = (".autofix.toml", "pyproject.toml")
_DR_VALUES = ("auto", "true", "false")


def _codes(values: Iterable[str] | None) -> tuple[str, ...]:
    out: list[str] = []
    for value in values or ():
        out.extend(v.strip() for v in value.split(",") if v.strip())
    return tuple(out)


# ---------------------------------------------------------------- value checks per key


def _strings(key: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"{key} must be a list of strings, like [\"DR001\"]")
    return _codes(value) if key in ("select", "extend-select", "ignore") else tuple(value)


def _bool(key: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"{key} must be true or false")
    return value


def _dr(key: str, value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value not in _DR_VALUES:
        raise ValueError(f"{key} must be \"auto\", true or false")
    return value


def _text(key: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{key} must be a non-empty string")
    return value


_region = setting_values.region


_SIZE = lazy_pattern(r"^\s*(\d+)\s*([kmg]i?b?|b)?\s*$", re.IGNORECASE)
_UNITS = {"": 1, "b": 1, "k": 1024, "m": 1024**2, "g": 1024**3}


def parse_size(value: str, name: str = "--max-bytes") -> int:
    """``"10485760"``, ``"512k"``, ``"10M"``, ``"1GiB"`` -> bytes (binary units); a positive size."""
    match = _SIZE.match(str(value))
    if not match:
        raise ConfigError(f"{name} must be a size such as 1048576, 512K or 10M, not {value!r}")
    size = int(match.group(1)) * _UNITS[(match.group(2) or "")[:1].lower()]
    if size <= 0:
        raise ConfigError(f"{name} must be greater than zero")
    return size


def _size(key: str, value: Any) -> int:
    if isinstance(value, str):
        try:
            return parse_size(value, key)
        except ConfigError as exc:
            raise ValueError(exc.message) from None
    return _positive(key, value)


def _positive(key: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(f"{key} must be a positive integer")
    return value


#: Configuration key -> (Settings field, check-and-convert).
KEYS: dict[str, tuple[str, Callable[[str, Any], Any]]] = {
    "select": ("select", _strings),
    "extend-select": ("extend_select", _strings),
    "ignore": ("ignore", _strings),
    "unsafe-fixes": ("unsafe_fixes", _bool),
    "show-fixes": ("show_fixes", _bool),
    "dr": ("dr", _dr),
    "primary-region": ("primary_region", _region),
    "exclude": ("exclude", _strings),
    "max-bytes": ("max_bytes", _size),
}


# ---------------------------------------------------------------- finding and reading the file


class ConfigFile(NamedTuple):
    path: Path
    table: dict[str, Any]
    section: str | None  # "tool.autofix" for pyproject.toml, None for .autofix.toml


def _file_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read configuration: {exc}") from None


def _parse(path: Path, text: str) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None


def load_config_file(path: Path) -> ConfigFile | None:
    """The autofix table of ``path``; None for a ``pyproject.toml`` without ``[tool.autofix]``."""
    text = _file_text(path)
    if path.name == "pyproject.toml" and "autofix" not in text:
        return None  # no [tool.autofix] (a project's own TOML is not parsed, nor judged, for nothing)
    data = _parse(path, text)
    if path.name == "pyproject.toml":
        tool = data.get("tool")
        table = tool.get("autofix") if isinstance(tool, dict) else None
        if table is None:
            return None
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: [tool.autofix] must be a table")
        return ConfigFile(path, table, "tool.autofix")
    return ConfigFile(path, data, None)


def find_config(start: str | os.PathLike[str]) -> ConfigFile | None:
    """The nearest configuration at or above the directory ``start``.

    The search runs on every command line and usually finds nothing: it uses :mod:`os.path`, and
    :mod:`pathlib` (a costly import) is loaded only for a file that is found.
    """
    directory = os.path.realpath(start)
    while True:
        for name in CONFIG_NAMES:
            candidate = os.path.join(directory, name)
            if os.path.isfile(candidate):
                from pathlib import Path

                found = load_config_file(Path(candidate))
                if found is not None:
                    return found
        parent = os.path.dirname(directory)
        if parent == directory:
            return None
        directory = parent


def start_directory(paths: list[str]) -> str:
    """Where the search starts: the common parent of ``paths`` (the cwd for standard input)."""
    dirs = []
    for raw in paths:
        if raw == "-":
            dirs.append(os.getcwd())
            continue
        path = os.path.abspath(raw)
        dirs.append(path if os.path.isdir(path) else os.path.dirname(path))
    return os.path.commonpath(dirs) if dirs else os.getcwd()


def _key_line(path: Path, key: str, section: str | None) -> int | None:
    """The line where ``key`` is set (inside ``[section]`` when given), for error messages."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    inside = section is None
    for number, line in enumerate(lines, 1):
        stripped = line.strip()
        if stripped.startswith("["):
            inside = section is not None and stripped.strip("[] ") == section
            continue
        if inside and re.match(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=", line):
            return number
    return None


def config_values(config: ConfigFile) -> dict[str, Any]:
    """The file's values as :class:`Settings` fields, checked; errors name file, line and key."""
    values: dict[str, Any] = {}
    where = f"[{config.section}]" if config.section else "the top level"
    tables = {f.table: f for f in families()}
    for key, value in config.table.items():
        line = _key_line(config.path, key, config.section)
        at = f"{config.path}:{line}" if line else str(config.path)
        if key in tables and isinstance(value, dict):
            checked = _family_values(config, tables[key], value)
            for (table, name), field_name in _AS_FIELDS.items():
                if table == key and name in checked:
                    values[field_name] = checked.pop(name)
            values.setdefault("family_settings", {})[key] = checked
            continue
        if key in _MOVED:
            raise ConfigError(f"{at}: configuration key {key!r} moved to the [{_table(config, _MOVED[key])}] table")
        if key not in KEYS:
            close = _close(key.replace("_", "-"), KEYS, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f"; known keys: {', '.join([*KEYS, *tables])}"
            raise ConfigError(f"{at}: unknown configuration key {key!r} in {where}{hint}")
        field_name, convert = KEYS[key]
        try:
            values[field_name] = convert(key, value)
        except ValueError as exc:
            raise ConfigError(f"{at}: {exc}") from None
    return values


#: Family settings held by a top-level field instead, (table, key) -> field: ``[dr] enabled`` is the same
#: switch as the top-level ``dr`` key and ``--dr``, so the ``dr`` table never holds it.
_AS_FIELDS = {("dr", "enabled"): "dr"}

#: Keys that moved from the top level into a family table.
_MOVED = {"instance-class": "dr", "graviton-instance-class": "dr", "secondary-region": "dr"}


def _close(word: str, known: Iterable[str], n: int = 1) -> list[str]:
    from difflib import get_close_matches

    return get_close_matches(word, list(known), n=n)


def _table(config: ConfigFile, name: str) -> str:
    return f"{config.section}.{name}" if config.section else name


def family_tables(configured: Mapping[str, Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """Every registered family's settings table: its declared defaults, overridden by ``configured``.

    A key left unset whose default depends on when the run happens (``at_start``: DP's ``as-of``, today)
    is fixed here, once per run, so that no worker judges a file by another day.
    """
    tables = {}
    for family in families():
        table = {key: setting.default for key, setting in family.settings.items()
                 if (family.table, key) not in _AS_FIELDS}
        table.update(configured.get(family.table, {}))
        for key, setting in family.settings.items():
            if setting.at_start is not None and key in table and table[key] is None:
                table[key] = setting.at_start()
        tables[family.table] = table
    return tables


def _family_values(config: ConfigFile, family: Family, table: dict[str, Any]) -> dict[str, Any]:
    """A family table's values, checked against the family's declared settings."""
    section = _table(config, family.table)
    out: dict[str, Any] = {}
    for key, value in table.items():
        line = _key_line(config.path, key, section)
        at = f"{config.path}:{line}" if line else str(config.path)
        if key not in family.settings:
            known = list(family.settings)
            close = _close(key.replace("_", "-"), known, n=1)
            hint = (f"; did you mean {close[0]!r}?" if close else
                    f"; known keys: {', '.join(known)}" if known else "; this family has no settings")
            raise ConfigError(f"{at}: unknown configuration key {key!r} in [{section}]{hint}")
        try:
            out[key] = family.settings[key].convert(key, value)
        except ValueError as exc:
            raise ConfigError(f"{at}: {exc}") from None
    return out


# ---------------------------------------------------------------- settings


def build_settings(paths: list[str], *, select=None, ignore=None, dr=None, unsafe_fixes=None,
                   exclude=None, max_bytes: str | None = None, extend_select=None, show_fixes: bool | None = None,
                   config: ConfigFile | bool | None = True) -> Settings:
    """Defaults, then the configuration file found for ``paths``, then command-line options.

    The settings hold every family's table complete, defaults included, so that rules read their
    options from the settings alone.

    ``config``: True searches for a file, a :class:`ConfigFile` uses that one, False/None uses none.
    """
    found = find_config(start_directory(paths)) if config is True else (config or None)
    changes: dict[str, Any] = config_values(found) if found else {}
    if found:
        try:
            select_rules(all_rules(), changes.get("select", ()), changes.get("ignore", ()),
                         changes.get("extend_select", ()))
        except ConfigError as exc:
            raise ConfigError(f"{found.path}: {exc.message}") from None
    if select is not None:  # a selection on the command line replaces the file's whole selection
        changes["select"] = _codes(select)
        changes["extend_select"] = ()
    if extend_select is not None:
        changes["extend_select"] = (*changes.get("extend_select", ()), *_codes(extend_select))
    if show_fixes:
        changes["show_fixes"] = True
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
    changes["family_settings"] = family_tables(changes.get("family_settings", {}))
    settings = Settings().with_(**changes)
    select_rules(all_rules(), settings.select, settings.ignore, settings.extend_select)  # unknown codes: usage error
    return settings
