"""Built-in rules known by their index entry until a template needs them.

Importing every rule module on every run costs more than checking a small
template (each module compiles its patterns and builds its classes), and the
cost grows with every rule added.  The registry therefore holds a
:class:`LazyRule` for each built-in rule: what selection, availability and the
engine's resource-type fast path read (id, name, resource types, required
modules, whether the family precondition applies) comes from the generated
index :mod:`autofix.rules.index` (with whether the rule is on by default, so that
the default selection imports nothing); anything else (``check``, the summary, the
docs...) imports the rule's module on first use and is answered by the real
rule.  A template that declares no S3 bucket never imports the S3 rules.

The index is generated from the rule classes by ``python scripts/rule_index.py``;
``tests/test_rule_index.py`` fails when it is out of step, and a rule whose
loaded attributes disagree with its entry is refused with the same advice, so a
stale index can never make a rule run where it should not, or not run.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any, NamedTuple

from autofix.errors import RegistryError
from autofix.rules.base import Rule
from autofix.rules.family import as_rules

REGENERATE = "python scripts/rule_index.py"


class IndexEntry(NamedTuple):
    """What the registry knows of a built-in rule without importing it."""

    spec: str  # "module:attr", as in the family's FAMILY.rules
    id: str
    name: str
    resource_types: tuple[str, ...] | None  # sorted; None: the rule may fire on any template
    requires: tuple[str, ...]
    needs_precondition: bool
    enabled_by_default: bool = True

    @classmethod
    def of(cls, spec: str, rule: Rule) -> IndexEntry:
        types = None if rule.resource_types is None else tuple(sorted(rule.resource_types))
        return cls(spec, rule.id, rule.name, types, tuple(rule.requires), bool(rule.needs_precondition),
                   bool(rule.enabled_by_default))


#: Attributes a LazyRule answers itself; every other attribute is the loaded rule's.
_OWN = frozenset({"entry", "load", "loaded", "id", "name", "resource_types", "requires", "needs_precondition",
                  "enabled_by_default", "family", "missing_requirements", "_rule"})


class LazyRule(Rule):
    """A built-in rule that imports its module only when something beyond its index entry is asked."""

    def __init__(self, entry: IndexEntry) -> None:
        self.entry = entry
        self._rule: Rule | None = None
        self.id = entry.id
        self.name = entry.name
        self.resource_types = None if entry.resource_types is None else frozenset(entry.resource_types)
        self.requires = entry.requires
        self.needs_precondition = entry.needs_precondition
        self.enabled_by_default = entry.enabled_by_default

    def __getattribute__(self, attr: str) -> Any:
        if attr in _OWN or attr.startswith("__"):
            return object.__getattribute__(self, attr)
        return getattr(object.__getattribute__(self, "load")(), attr)

    @property
    def loaded(self) -> bool:
        return self._rule is not None

    def load(self) -> Rule:
        """The real rule, imported on first use and checked against its index entry."""
        rule = self._rule
        if rule is None:
            module, _, attr = self.entry.spec.partition(":")
            found = [r for r in as_rules(getattr(import_module(module), attr)) if getattr(r, "id", None) == self.id]
            if len(found) != 1 or IndexEntry.of(self.entry.spec, found[0]) != self.entry:
                actual = IndexEntry.of(self.entry.spec, found[0]) if len(found) == 1 else None
                raise RegistryError(f"the rule index is out of step with {self.entry.spec} ({self.id}): "
                                    f"indexed {self.entry}, found {actual}; run `{REGENERATE}`")
            rule = self._rule = found[0]
        return rule

    def __reduce__(self) -> tuple[Any, ...]:
        return (LazyRule, (self.entry,))

    def __repr__(self) -> str:
        return f"<LazyRule {self.id} {self.name}{' (loaded)' if self._rule is not None else ''}>"


def loaded(rule: Rule) -> Rule:
    """The real rule behind ``rule`` (itself unless it is lazy): for code that needs its class."""
    return rule.load() if isinstance(rule, LazyRule) else rule


def index_entries(index: dict[str, tuple[tuple[Any, ...], ...]], spec: str) -> list[IndexEntry] | None:
    """The indexed rules a family spec declares, or None when the spec is not indexed."""
    rows = index.get(spec)
    if rows is None:
        return None
    return [IndexEntry(spec, *row) for row in rows]


def render_index(families: list[Any]) -> str:
    """The source of :mod:`autofix.rules.index` for ``families`` (importing every rule)."""
    lines = [
        '"""The built-in rules\' index, read by the registry so that rules are imported only when needed.',
        "",
        f"Generated from the rule classes by ``{REGENERATE}``; do not edit.  Each family spec maps to",
        "its rules as (id, name, resource types or None, required modules, needs the family precondition,",
        "on by default).",
        '"""',
        "",
        "# ruff: noqa: E501",
        "",
        "RULES: dict[str, tuple[tuple[object, ...], ...]] = {",
    ]
    for family in families:
        for spec in family.rules:
            module, _, attr = spec.partition(":")
            rules = as_rules(getattr(import_module(module), attr))
            lines.append(f"    {spec!r}: (")
            for rule in rules:
                entry = IndexEntry.of(spec, rule)
                lines.append(f"        {tuple(entry)[1:]!r},")
            lines.append("    ),")
    lines.append("}")
    return "\n".join(lines) + "\n"
