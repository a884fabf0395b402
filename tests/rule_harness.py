"""One harness for rule tests: run a rule on a template, apply its fixes, run the whole pipeline.

Rule tests state templates as Python data (or text, for layout) and ask:

- :func:`findings`: what one rule reports, found the way a run finds it: :func:`autofix.detect.detect`
  with that rule alone, so the rule reads the read-only :class:`~autofix.context.RuleContext`, its
  output is checked as the engine checks it, suppressions and the family precondition apply, and the
  engine fills in each finding's resource.  A rule error (a crash, an invalid finding) fails the test;
- :func:`applied`: the plain data after applying a list of findings' fixes;
- :func:`fix_text`: the whole pipeline on text (load, detect, fix loop, verify).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import jsonpatch

from autofix.context import thaw
from autofix.detect import detect
from autofix.pipeline import FileResult, process_text
from autofix.rules.base import Finding, Rule
from autofix.settings import Settings


def template(resources: dict[str, Any] | None = None, **sections: Any) -> dict[str, Any]:
    """A template dict: ``Resources`` plus any other sections given by keyword."""
    data: dict[str, Any] = dict(sections)
    if resources is not None:
        data["Resources"] = resources
    return data


def findings(rule: Rule, data: dict[str, Any], settings: Settings | None = None) -> list[Finding]:
    """What ``rule`` reports on ``data`` in a run (in the engine's order: by pointer); any rule error fails."""
    detection = detect(data, [rule], settings or Settings())
    assert not detection.errors, f"{rule.id} failed: {detection.errors}"
    return detection.findings


def applied(data: dict[str, Any], found: Iterable[Finding]) -> dict[str, Any]:
    """``data`` after every fix of ``found``, one after the other (each must apply)."""
    result = thaw(data)
    for finding in found:
        assert finding.fix is not None, f"{finding.rule_id} at {finding.pointer} has no fix"
        result = jsonpatch.apply_patch(result, list(finding.fix.operations))
    return result


def fix_text(text: str, settings: Settings | None = None, *, select: tuple[str, ...] = ("ALL",),
             unsafe: bool = False, filename: str = "t.yaml") -> FileResult:
    """The whole pipeline with fixes on ``text`` (the registry's rules, opt-in ones too, narrowed by ``select``)."""
    chosen = (settings or Settings()).with_(select=select, unsafe_fixes=unsafe or (settings or Settings()).unsafe_fixes)
    return process_text(text, filename, chosen, fix=True)
