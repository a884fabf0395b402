"""Step 2, detect: run the selected rules over a plain view.

Rules are instantiated once per run and called in id order.  A rule that
raises becomes an error entry for that rule, never a crash of the run.
Suppressions written in the template (``Metadata: {autofix: {ignore: [...]}}``
at template or resource level) drop matching findings here, before anything
is reported or fixed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from autofix.errors import RuleError
from autofix.nodes import split_pointer
from autofix.rules.base import Finding, Rule
from autofix.settings import Settings
from autofix.template import Template


@dataclass
class Detection:
    findings: list[Finding]
    errors: list[RuleError]
    suppressed: list[Finding]


def _codes(metadata: Any) -> set[str]:
    if not isinstance(metadata, dict):
        return set()
    own = metadata.get("autofix")
    if not isinstance(own, dict):
        return set()
    ignore = own.get("ignore")
    if isinstance(ignore, str):
        ignore = [ignore]
    return {c for c in ignore if isinstance(c, str)} if isinstance(ignore, list) else set()


def resource_of(pointer: str) -> str | None:
    segments = split_pointer(pointer)
    return segments[1] if len(segments) >= 2 and segments[0] == "Resources" else None


def suppressions(template: Template, resource: str | None) -> set[str]:
    codes = _codes(template.data.get("Metadata"))
    if resource is not None:
        res = template.resources.get(resource)
        if isinstance(res, dict):
            codes |= _codes(res.get("Metadata"))
    return codes


def detect(data: Any, rules: Sequence[Rule], settings: Settings) -> Detection:
    template = Template(data)
    findings: list[Finding] = []
    errors: list[RuleError] = []
    suppressed: list[Finding] = []
    for rule in rules:
        try:
            produced = list(rule.check(template, settings))
        except Exception as exc:  # a broken rule must not stop the run
            errors.append(RuleError(rule.id, f"rule crashed: {type(exc).__name__}: {exc}"))
            continue
        for finding in produced:
            resource = finding.resource or resource_of(finding.pointer)
            finding = replace(finding, resource=resource, rule_name=rule.name)
            codes = suppressions(template, resource)
            if {"all", "ALL", rule.id, rule.name} & codes:
                suppressed.append(finding)
            else:
                findings.append(finding)
    findings.sort(key=lambda f: (f.rule_id, f.pointer))
    return Detection(findings, errors, suppressed)
