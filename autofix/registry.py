"""The rule registry: built-in families plus plugins from the ``autofix.rules`` entry point group.

An explicit list of families (pre-commit's model) keeps the built-ins
reviewable; each family lists its rules.  The registry holds rule *instances*,
so rules generated from data (one per schema fact, say) fit beside
hand-written classes.  Plugins register a :class:`~autofix.rules.base.Rule`
subclass or instance, a :class:`~autofix.rules.family.Family`, or a module
exposing ``RULES`` under the entry point group.  Every rule is held to the
interface here: id and name format, summary, documentation sections, cfn-lint
codes, unique id and name.

Selection (``--select``, ``--extend-select``, ``--ignore``, configuration,
suppressions) matches a code against a rule in one place, :func:`code_matches`:
an exact id or name (case-insensitive), ``ALL``, or a prefix made of a whole
family prefix and leading digits (``DR``, ``DR00``): ``D`` never captures the
``DR`` family.  As in ruff, nothing selected means the default rule set (the
rules :attr:`~autofix.rules.base.Rule.enabled_by_default`); a selection, even a
family prefix, takes every rule it names, opt-in ones included.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache
from importlib import import_module
from typing import Any

from autofix.errors import ConfigError, RegistryError
from autofix.patterns import lazy_pattern
from autofix.rules.base import CFN_LINT_PATTERN, DOC_SECTIONS, ID_PATTERN, NAME_PATTERN, Rule
from autofix.rules.family import Family, as_rules
from autofix.rules.lazy import LazyRule, index_entries
from autofix.settings import Settings

ENTRY_POINT_GROUP = "autofix.rules"

#: Built-in rule families (packages exposing ``FAMILY``), in prefix order.
BUILTIN_FAMILIES: tuple[str, ...] = (
    "autofix.rules.dp",
    "autofix.rules.dr",
    "autofix.rules.hd",
    "autofix.rules.hy",
    "autofix.rules.sc",
)

_CODE = lazy_pattern(r"^([A-Za-z]+)(\d*)$")


def validate_rule(rule: Any) -> None:
    """Raise :class:`RegistryError` unless ``rule`` (an instance) honours the interface."""
    cls = type(rule)
    where = f"{cls.__module__}.{cls.__qualname__}"
    if not isinstance(rule, Rule):
        where = f"{getattr(rule, '__module__', '?')}.{getattr(rule, '__qualname__', rule)!s}"
        raise RegistryError(f"{where} is not a Rule subclass or instance")
    if not ID_PATTERN.match(rule.id or ""):
        raise RegistryError(f"{where}: rule id {rule.id!r} must look like DR001")
    if not NAME_PATTERN.match(rule.name or ""):
        raise RegistryError(f"{where}: rule name {rule.name!r} must be kebab-case")
    if not rule.summary:
        raise RegistryError(f"{where}: rule {rule.id} has no summary")
    missing = [s for s in DOC_SECTIONS if s not in rule.doc_sections()]
    if missing:
        raise RegistryError(f"{where}: rule {rule.id} documentation lacks sections {missing}")
    if type(rule).check is Rule.check:
        raise RegistryError(f"{where}: rule {rule.id} does not implement check()")
    bad = [c for c in rule.cfn_lint if not CFN_LINT_PATTERN.match(c)]
    if bad or isinstance(rule.cfn_lint, str):
        raise RegistryError(f"{where}: rule {rule.id} cfn_lint must be a tuple of ids like 'E3002', "
                            f"not {bad or rule.cfn_lint!r}")


def build_registry(rules: Iterable[Any]) -> tuple[Rule, ...]:
    """Validate ``rules`` (instances or classes), refuse duplicate ids or names, and order them by id."""
    by_id: dict[str, Rule] = {}
    names: dict[str, str] = {}
    for rule in as_rules(list(rules)):
        if not isinstance(rule, LazyRule):  # built-ins are held to the interface by the contract test
            validate_rule(rule)
        if rule.id in by_id and type(by_id[rule.id]) is not type(rule):
            raise RegistryError(f"duplicate rule id {rule.id}: {type(by_id[rule.id]).__module__} and "
                                f"{type(rule).__module__}")
        if rule.id in by_id:
            continue  # the same rule class registered twice
        if rule.name in names and names[rule.name] != rule.id:
            raise RegistryError(f"duplicate rule name {rule.name} ({names[rule.name]} and {rule.id})")
        by_id[rule.id] = rule
        names[rule.name] = rule.id
    return tuple(by_id[k] for k in sorted(by_id))


def builtin_rules(family: Family) -> list[Rule]:
    """A built-in family's rules: lazy ones from the index, any spec the index lacks imported now."""
    from autofix.rules.index import RULES as INDEX

    found: list[Rule] = []
    for spec in family.rules:
        entries = index_entries(INDEX, spec)
        if entries is None:  # a rule added since the index was generated: correct, only slower
            module, _, attr = spec.partition(":")
            found.extend(as_rules(getattr(import_module(module), attr)))
        else:
            found.extend(LazyRule(entry) for entry in entries)
    return found


def entry_points(group: str) -> list[Any]:
    """The installed entry points of ``group`` (:mod:`autofix.plugins`: fast when there are none)."""
    from autofix.plugins import entry_points as installed

    return installed(group)


@lru_cache(maxsize=1)
def _registry() -> tuple[tuple[Family, ...], tuple[Rule, ...]]:
    """Families and rules, built together once per process: one cache, cleared by :func:`reset`."""
    found: list[Family] = [import_module(spec).FAMILY for spec in BUILTIN_FAMILIES]
    plugins: list[Any] = []
    for ep in entry_points(ENTRY_POINT_GROUP):
        obj = ep.load()
        if isinstance(obj, Family):
            found.append(obj)
            plugins.extend(obj.load_rules())
        elif isinstance(obj, (type, Rule)):
            plugins.append(obj)
        else:
            plugins.extend(getattr(obj, "RULES", ()))
    prefixes = [f.prefix for f in found]
    dupes = sorted({p for p in prefixes if prefixes.count(p) > 1})
    if dupes:
        raise RegistryError(f"duplicate rule family prefix {', '.join(dupes)}")
    builtin = [rule for spec in BUILTIN_FAMILIES for rule in builtin_rules(import_module(spec).FAMILY)]
    return tuple(sorted(found, key=lambda f: f.prefix)), build_registry([*builtin, *plugins])


def reset() -> None:
    """Forget the registry (after installing plugins at run time, or in tests)."""
    _registry.cache_clear()


def families() -> tuple[Family, ...]:
    """The built-in families and those plugins declare, by prefix."""
    return _registry()[0]


def family_of(prefix: str) -> Family | None:
    return next((f for f in families() if f.prefix == prefix), None)


def all_rules() -> tuple[Rule, ...]:
    """Every registered rule, built-in and plugged in, ordered by id (available or not)."""
    return _registry()[1]


def code_matches(rule: Rule, code: str) -> bool:
    """Whether the selection/suppression ``code`` names ``rule`` (see the module docstring)."""
    code = code.strip()
    upper = code.upper()
    if upper == "ALL" or upper == rule.id or code.lower() == rule.name:
        return True
    match = _CODE.match(code)
    return bool(match) and match.group(1).upper() == rule.family and rule.id.startswith(upper)


def check_codes(rules: Sequence[Rule], codes: Iterable[str]) -> None:
    """Raise :class:`ConfigError` for a code that names no rule."""
    for code in codes:
        if not any(code_matches(r, code) for r in rules):
            raise ConfigError(f"unknown rule {code!r} (see `autofix rules`)")


def select_rules(rules: Sequence[Rule], select: Sequence[str] = (), ignore: Sequence[str] = (),
                 extend_select: Sequence[str] = ()) -> tuple[Rule, ...]:
    """Rules chosen by ``select`` (the default rule set when empty) and ``extend_select``, minus
    ``ignore``, without unavailable ones.

    A rule that is unavailable (its optional dependency is missing) is left out of
    a broad selection; naming it by id or name is an error that says what to install.
    """
    check_codes(rules, (*select, *extend_select, *ignore))

    def chosen(rule: Rule) -> bool:
        base = any(code_matches(rule, c) for c in select) if select else rule.enabled_by_default
        return (base or any(code_matches(rule, c) for c in extend_select)) and \
            not any(code_matches(rule, c) for c in ignore)

    usable = []
    for rule in filter(chosen, rules):
        missing = rule.missing_requirements()
        if not missing:
            usable.append(rule)
        elif any(c.strip().upper() == rule.id or c.strip().lower() == rule.name for c in (*select, *extend_select)):
            raise ConfigError(f"rule {rule.id} needs {', '.join(missing)}, which is not installed")
    return tuple(usable)


def get_rule(code: str) -> Rule:
    for rule in all_rules():
        if code.strip().upper() == rule.id or code.strip().lower() == rule.name:
            return rule
    raise ConfigError(f"unknown rule {code!r} (see `autofix rules`)")


@lru_cache(maxsize=32)
def _selected(registry: tuple[Rule, ...], select: tuple[str, ...], ignore: tuple[str, ...],
              extend_select: tuple[str, ...]) -> tuple[Rule, ...]:
    # keyed on the registry itself, so a fresh registry (plugins, tests) never meets a stale selection
    return select_rules(registry, select, ignore, extend_select)


def rules_for(settings: Settings) -> tuple[Rule, ...]:
    """The rules ``settings`` selects from the registry (memoised per registry and selection)."""
    return _selected(all_rules(), settings.select, settings.ignore, settings.extend_select)
