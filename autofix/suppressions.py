"""Unused suppressions: ``Metadata: {autofix: {ignore: [...]}}`` entries that suppress nothing.

:func:`declared` is the one reader of suppression entries; :mod:`autofix.detect`
applies them, and this module also finds the entries that
did no work, so they can be reported with ``--show-unused-suppressions`` before
they silently hide a future finding.  An entry is unused when none of the
findings it covers (the whole template at template level, one resource at
resource level) belongs to the rule it names.  Entries naming a rule that did
not run (``--select`` / ``--ignore``) are not judged; entries naming no known
rule are reported as unknown.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, NamedTuple

from autofix.model import Finding
from autofix.nodes import join_pointer
from autofix.rules.base import Rule
from autofix.template import Template

#: The rule id and name under which unused suppressions are reported (not a registry rule).
UNUSED_SUPPRESSION = "unused-suppression"
_EVERY = frozenset({"all", "ALL", "All"})


class Suppression(NamedTuple):
    pointer: str
    code: str
    resource: str | None  # None: template level


def _entries(metadata: Any, base: tuple[str, ...], resource: str | None) -> Iterator[Suppression]:
    if not isinstance(metadata, dict) or not isinstance(metadata.get("autofix"), dict):
        return
    ignore = metadata["autofix"].get("ignore")
    where = (*base, "Metadata", "autofix", "ignore")
    if isinstance(ignore, str):
        yield Suppression(join_pointer(*where), ignore, resource)
    elif isinstance(ignore, list):
        for i, code in enumerate(ignore):
            if isinstance(code, str):
                yield Suppression(join_pointer(*where, i), code, resource)


def declared(template: Template) -> list[Suppression]:
    """Every suppression entry in the template, template level first."""
    found = list(_entries(template.data.get("Metadata"), (), None))
    for logical_id, resource in template.resources.items():
        if isinstance(resource, dict):
            found.extend(_entries(resource.get("Metadata"), ("Resources", logical_id), logical_id))
    return found


def _lint_checks(metadata: Any) -> tuple[str, ...]:
    config = metadata.get("cfn-lint") if isinstance(metadata, dict) else None
    config = config.get("config") if isinstance(config, dict) else None
    checks = config.get("ignore_checks") if isinstance(config, dict) else None
    if isinstance(checks, str):
        checks = [checks]
    return tuple(c for c in checks if isinstance(c, str) and c) if isinstance(checks, list) else ()


class LintIgnores(NamedTuple):
    """The cfn-lint checks the template's authors turned off, as cfn-lint reads them: template-level
    ``ignore_checks`` match by prefix (``W3`` turns off every W3xxx), resource-level ones by exact id."""

    template: tuple[str, ...]
    resources: dict[str, tuple[str, ...]]

    def silence(self, rule: Rule, resource: str | None) -> bool:
        """Whether every cfn-lint check ``rule`` resolves is turned off where its finding is: the authors
        decided that what the rule reports is fine there (a rule with no cfn-lint code is never silenced)."""
        own = self.resources.get(resource, ()) if resource is not None else ()
        return bool(rule.cfn_lint) and all(code in own or any(code.startswith(p) for p in self.template)
                                           for code in rule.cfn_lint)


def lint_ignores(template: Template) -> LintIgnores:
    """The ``Metadata: {cfn-lint: {config: {ignore_checks: [...]}}}`` of the template and its resources."""
    resources = {logical_id: checks for logical_id, resource in template.resources.items()
                 if isinstance(resource, dict) and (checks := _lint_checks(resource.get("Metadata")))}
    return LintIgnores(_lint_checks(template.data.get("Metadata")), resources)


def unused(template: Template, suppressed: Sequence[Finding], ran: Sequence[Rule],
           known: Sequence[Rule]) -> list[Finding]:
    """Findings (rule ``unused-suppression``) for entries that suppressed none of ``suppressed``."""
    from autofix.registry import code_matches

    by_id = {r.id: r for r in known}
    out: list[Finding] = []
    for s in declared(template):
        covered = [f for f in suppressed if s.resource is None or f.resource == s.resource]
        if s.code in _EVERY:
            if not covered:
                out.append(_finding(s, f"suppression of every rule ({s.code}) suppresses nothing"))
            continue
        if not any(code_matches(r, s.code) for r in known):
            out.append(_finding(s, f"suppression names unknown rule {s.code!r} (see `autofix rules`)"))
            continue
        if not any(code_matches(r, s.code) for r in ran):
            continue
        if not any(f.rule_id in by_id and code_matches(by_id[f.rule_id], s.code) for f in covered):
            scope = f"resource {s.resource}" if s.resource else "this template"
            out.append(_finding(s, f"unused suppression: {s.code} reports nothing on {scope}"))
    return out


def _finding(s: Suppression, message: str) -> Finding:
    return Finding(UNUSED_SUPPRESSION, s.pointer, message, resource=s.resource, rule_name=UNUSED_SUPPRESSION)
