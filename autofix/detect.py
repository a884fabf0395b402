"""Step 2, detect: run the selected rules over a plain view.

Rules are instantiated once per run and called in id order.  A rule that
raises, or yields something that is not a well-formed finding (a fix whose
operations are not RFC 6902 operations writing JSON data), becomes an error
entry for that rule, never a crash of the run.
Suppressions written in the template (``Metadata: {autofix: {ignore: [...]}}``
at template or resource level, by id, name or family prefix) drop matching
findings here, before anything is reported or fixed; so do cfn-lint's own
(``Metadata: {cfn-lint: {config: {ignore_checks: [...]}}}``) for a rule all of whose
cfn-lint codes they turn off, so that a template cfn-lint passes by its authors'
decision is not changed behind it.  Every rule reads the same
read-only :class:`~autofix.context.RuleContext`; rules whose family
precondition does not hold for the template, or that declare resource types
the template has none of, are not run (nor, when lazy, imported).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, NamedTuple

from autofix.context import RuleContext
from autofix.errors import AutofixError, RuleError
from autofix.limits import MAX_DEPTH
from autofix.model import Finding
from autofix.nodes import split_pointer
from autofix.registry import code_matches, family_of
from autofix.rules.base import Rule
from autofix.rules.lazy import real_rule
from autofix.settings import Settings
from autofix.suppressions import declared, lint_ignores
from autofix.template import declared_types


class Detection(NamedTuple):
    findings: list[Finding]
    errors: list[RuleError]
    suppressed: list[Finding]


def resource_of(pointer: str) -> str | None:
    segments = split_pointer(pointer)
    return segments[1] if len(segments) >= 2 and segments[0] == "Resources" else None


def suppresses(codes: list[str], rule: Rule) -> bool:
    """Whether any suppression code names ``rule`` (id, name, family prefix, ``all``)."""
    return any(code.lower() == "all" or code_matches(rule, code) for code in codes)


_OPS = {"add": ("value",), "remove": (), "replace": ("value",), "move": ("from",), "copy": ("from",),
        "test": ("value",)}


def _json_problem(value: Any, depth: int = 0) -> str | None:
    """Why ``value`` is not JSON data (None when it is); a fix may only write JSON data."""
    if depth > MAX_DEPTH:
        return "value nested too deeply"
    if value is None or isinstance(value, (str, bool, int)):
        return None
    if isinstance(value, float):
        return None if math.isfinite(value) else f"non-finite number {value!r}"
    if isinstance(value, list):
        return next((p for v in value if (p := _json_problem(v, depth + 1))), None)
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            return "mapping with a non-string key"
        return next((p for v in value.values() if (p := _json_problem(v, depth + 1))), None)
    return f"value of type {type(value).__name__}"


def detail_of(finding: Finding) -> str | None:
    """The finding's detail: its own field, else the ``extra["detail"]`` that rules wrote before the
    field existed (moved to the field here, once, so that every output reads one place)."""
    if finding.detail is not None:
        return finding.detail
    legacy = finding.extra.get("detail") if isinstance(finding.extra, dict) else None
    return legacy if isinstance(legacy, str) and legacy else None


def _pointer_problem(pointer: Any) -> str | None:
    if not isinstance(pointer, str):
        return f"pointer {pointer!r} is not a string"
    if pointer and not pointer.startswith("/"):
        return f"{pointer!r} is not a JSON pointer"
    return None


def finding_problem(finding: Any, rule: Rule) -> str | None:
    """Why a rule's output is unusable (None when it is fine); checked before the engine trusts it."""
    if not isinstance(finding, Finding):
        return f"check() yielded {type(finding).__name__}, not a Finding"
    if finding.rule_id != rule.id:
        return f"finding carries rule id {finding.rule_id!r}"
    if not isinstance(finding.message, str) or not isinstance(finding.detail, (str, type(None))):
        return "message and detail must be strings"
    problem = _pointer_problem(finding.pointer)
    if problem or finding.fix is None:
        return problem
    for op in finding.fix.operations:
        if not isinstance(op, dict) or op.get("op") not in _OPS:
            return f"fix has an invalid operation {op!r:.80}"
        for key in ("path", *(k for k in _OPS[op["op"]] if k == "from")):
            if key not in op or (problem := _pointer_problem(op[key])):
                return f"fix operation {op['op']} has a bad {key!r}: {problem or 'missing'}"
        if "value" in _OPS[op["op"]]:
            if "value" not in op:
                return f"fix operation {op['op']} at {op['path']} has no value"
            if problem := _json_problem(op["value"]):
                return f"fix operation {op['op']} at {op['path']} writes a {problem}, not JSON data"
    return None


def _precondition(template: RuleContext, rule: Rule, settings: Settings) -> bool:
    family = family_of(rule.family)
    if family is None or family.precondition is None:
        return True
    check = family.precondition
    return template.cached(("precondition", rule.family), lambda: bool(check(template, settings)))


def detect(data: Any, rules: Sequence[Rule], settings: Settings) -> Detection:
    """Every finding of ``rules`` on ``data``, with suppressed ones apart and rule failures as errors."""
    template = data if isinstance(data, RuleContext) else RuleContext(data)
    findings: list[Finding] = []
    errors: list[RuleError] = []
    suppressed: list[Finding] = []
    by_scope: dict[str | None, list[str]] = {}
    for entry in declared(template):
        by_scope.setdefault(entry.resource, []).append(entry.code)
    types = declared_types(template.data)
    ignored = lint_ignores(template)
    transformed = isinstance(template.data, dict) and "Transform" in template.data
    for rule in rules:
        if rule.resource_types is not None and not rule.resource_types & types:
            continue  # the rule never reports without one of its types (and a lazy rule is not even imported)
        try:
            if rule.needs_precondition and not _precondition(template, rule, settings):
                continue
            real = real_rule(rule)  # a lazy rule imports its module here; its own attributes are direct after
            if transformed and real.skips_transforms:
                continue
            produced = list(real.check(template, settings))
            problem = next((p for f in produced if (p := finding_problem(f, rule))), None)
        except AutofixError as exc:  # a failure the rule explains (missing data...), not a crash
            errors.append(RuleError(rule.id, exc.message))
            continue
        except Exception as exc:  # a broken rule must not stop the run
            errors.append(RuleError(rule.id, f"rule crashed: {type(exc).__name__}: {exc}", kind=RuleError.CRASHED))
            continue
        if problem is not None:
            # nothing from a rule that produced garbage is trusted, not even its other findings
            errors.append(RuleError(rule.id, f"rule produced an invalid finding: {problem}", kind=RuleError.INVALID))
            continue
        for finding in produced:
            resource = finding.resource or resource_of(finding.pointer)
            finding = finding._replace(resource=resource, rule_name=real.name,
                                       whole_template=real.reads_whole_template, detail=detail_of(finding))
            codes = by_scope.get(None, []) + (by_scope.get(resource, []) if resource is not None else [])
            if suppresses(codes, rule) or ignored.silence(real, resource):
                suppressed.append(finding)
            else:
                findings.append(finding)
    findings.sort(key=lambda f: (f.rule_id, f.pointer))
    return Detection(findings, errors, suppressed)
