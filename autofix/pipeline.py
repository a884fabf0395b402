"""The whole job for one file: load -> detect -> plan -> apply -> verify (writing is the caller's).

:func:`process_text` is pure (text in, :class:`FileResult` out, no global
state beyond the read-only rule registry) and its arguments and result are
picklable, so a process pool or any other engine can map it over a corpus.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

from autofix.detect import Detection, detect
from autofix.document import TemplateDocument, looks_like_template
from autofix.errors import AutofixError, NotATemplateError
from autofix.load import Loaded, load_text
from autofix.model import Finding
from autofix.plan import allowed
from autofix.registry import all_rules, rules_for
from autofix.rules.base import Rule
from autofix.settings import Settings


class ErrorEntry(NamedTuple):
    file: str
    message: str
    line: int | None = None
    column: int | None = None
    rule: str | None = None
    kind: str = "error"  # "error" | "not-a-template" | "write" | "internal" (a bug: the run went on)


class FileResult:
    """What :func:`process_text` found and did in one file (built up step by step, hence mutable)."""

    __slots__ = ("applied", "errors", "fighting", "file", "findings", "fixed", "is_template", "original", "patch",
                 "resolved")

    def __init__(self, file: str, is_template: bool = True, findings: list[Finding] | None = None,
                 errors: list[ErrorEntry] | None = None, original: str | None = None, fixed: str | None = None,
                 patch: list[dict[str, Any]] | None = None, applied: list[dict[str, Any]] | None = None,
                 fighting: list[str] | None = None, resolved: list[Finding] | None = None) -> None:
        self.file = file
        self.is_template = is_template
        self.findings: list[Finding] = [] if findings is None else findings
        self.errors: list[ErrorEntry] = [] if errors is None else errors
        self.original = original
        #: None when nothing changed or nothing may be written
        self.fixed = fixed
        self.patch: list[dict[str, Any]] = [] if patch is None else patch
        #: one dict per applied fix: rule, name, path, description, and ``rewritten`` (each value the edit
        #: engine wrote anew whole, losing comments and layout the fix left alone: pointer, reason) if any
        self.applied: list[dict[str, Any]] = [] if applied is None else applied
        self.fighting: list[str] = [] if fighting is None else fighting
        #: the input's findings that the fixes written resolved, placed in the input (:mod:`autofix.resolved`)
        self.resolved: list[Finding] = [] if resolved is None else resolved

    def __eq__(self, other: object) -> bool:
        return type(other) is FileResult and all(getattr(self, k) == getattr(other, k) for k in self.__slots__)

    __hash__ = None  # type: ignore[assignment] - mutable

    def __repr__(self) -> str:
        return f"FileResult({', '.join(f'{k}={getattr(self, k)!r}' for k in self.__slots__)})"

    @property
    def changed(self) -> bool:
        return self.fixed is not None and self.fixed != self.original


def may_fire(rules: tuple[Rule, ...], resource_types: frozenset[str] | None) -> bool:
    """Whether any rule could report something on a template declaring ``resource_types``.

    Only a rule that declares :attr:`~autofix.rules.base.Rule.resource_types` can be ruled
    out; unknown types (None) rule out nothing.
    """
    if resource_types is None:
        return True
    return any(rule.resource_types is None or rule.resource_types & resource_types for rule in rules)


def _error(file: str, exc: AutofixError, rule: str | None = None) -> ErrorEntry:
    kind = "not-a-template" if isinstance(exc, NotATemplateError) else "error"
    return ErrorEntry(file, exc.message, exc.line, exc.column, rule or getattr(exc, "rule_id", None), kind)


def _positioned(findings: list[Finding], doc) -> list[Finding]:
    out = []
    for f in findings:
        line, col = doc.locate(f.pointer)
        out.append(f._replace(line=line, column=col))
    return out


class _Seen(NamedTuple):
    """A detection and the template it was made on (a load or a document: what places its findings)."""

    view: Loaded | TemplateDocument
    detection: Detection


class _Run(NamedTuple):
    """One file's core steps: the result, and the detections the optional steps after them reuse."""

    result: FileResult
    #: the detection of the input (None when the file did not get that far)
    before: _Seen | None
    #: the detection of the fixed text, once verified (None when nothing was fixed)
    after: _Seen | None = None


def process_text(text: str, filename: str, settings: Settings, *, fix: bool = False,
                 rules: Sequence[Rule] | None = None) -> FileResult:
    """Check (and with ``fix`` repair) one template given as text.

    ``rules`` defaults to the registry's rules chosen by ``settings``; passing them
    explicitly lets tests and embedders run their own.  The optional steps the
    settings ask for run after the core, on its detections rather than new ones:
    ``validate`` (cfn-lint must not find new errors in a fix) and
    ``show_unused_suppressions``.
    """
    rules = rules_for(settings) if rules is None else tuple(rules)
    run = _process(text, filename, settings, fix=fix, rules=rules)
    result = run.result
    seen = run.after if result.changed else run.before
    if fix and settings.validate and result.changed and run.before is not None:
        refusal = _refusal(result, text, settings)
        if refusal is not None:
            result, seen = _unfixed(filename, text, run.before), run.before
            result.errors.append(refusal)
    if settings.show_unused_suppressions and result.is_template and seen is not None:
        result.findings.extend(_unused_suppressions(seen, rules))
    result.findings = in_order(result.findings)
    result.errors.sort(key=lambda e: (e.line or 0, e.column or 0))  # stable: unplaced errors keep their order
    return result


def in_order(findings: list[Finding]) -> list[Finding]:
    """``findings`` in the order every output shows them: by line and column, then rule id and pointer."""
    return sorted(findings, key=lambda f: (f.line or 0, f.column or 0, f.rule_id, f.pointer))


def _refusal(result: FileResult, text: str, settings: Settings) -> ErrorEntry | None:
    """None when cfn-lint finds no new error in ``result``'s fixed text; else the error refusing the fix."""
    from autofix.validate import describe, gained_errors

    gained = gained_errors(text, result.fixed or "", settings.primary_region)
    if not gained:
        return None
    return ErrorEntry(result.file, describe(gained), rule=",".join(sorted({a["rule"] for a in result.applied})))


def _unfixed(filename: str, text: str, before: _Seen) -> FileResult:
    """What checking the input reports: its findings, placed, and the rules that failed on it."""
    detection = before.detection
    return FileResult(filename, original=text, errors=[_error(filename, e) for e in detection.errors],
                      findings=_positioned(detection.findings, before.view))


def _unused_suppressions(seen: _Seen, rules: Sequence[Rule]) -> list[Finding]:
    from autofix.suppressions import unused
    from autofix.template import Template

    found = unused(Template(seen.view.data), seen.detection.suppressed, rules, all_rules())
    return _positioned(found, seen.view) if found else []


def _process(text: str, filename: str, settings: Settings, *, fix: bool, rules: tuple[Rule, ...]) -> _Run:
    result = FileResult(filename, original=text)
    try:
        loaded = load_text(text, filename, max_bytes=settings.max_bytes)
    except NotATemplateError as exc:
        result.is_template = False
        result.errors.append(_error(filename, exc))
        return _Run(result, None)
    except AutofixError as exc:
        if not looks_like_template(text):
            result.is_template = False
            result.errors.append(_error(filename, exc)._replace(kind="not-a-template"))
        else:
            result.errors.append(_error(filename, exc))
        return _Run(result, None)
    if not may_fire(rules, loaded.resource_types):
        try:
            loaded.validate()
        except AutofixError as exc:
            result.errors.append(_error(filename, exc))
            return _Run(result, None)
        return _Run(result, _Seen(loaded, Detection([], [], [])))  # no rule could report anything
    try:
        context = loaded.context()
    except AutofixError as exc:
        result.errors.append(_error(filename, exc))
        return _Run(result, None)
    before = _Seen(loaded, detect(context, rules, settings))
    if fix and any(allowed(f, settings) for f in before.detection.findings):
        return _fix(text, filename, loaded, before, settings, rules)
    # positions from the fast load: the positioned tree is built only for a fix
    return _Run(_unfixed(filename, text, before), before)


def _fix(text: str, filename: str, loaded: Loaded, before: _Seen, settings: Settings,
         rules: tuple[Rule, ...]) -> _Run:
    """The fix half of the core: fix loop and verification, from the input's detection ``before``."""
    detection = before.detection
    result = FileResult(filename, original=text)
    result.errors.extend(_error(filename, e) for e in detection.errors)
    try:
        doc = loaded.document
    except AutofixError as exc:  # pragma: no cover - the fast parse and the positioned one agree
        result.errors.append(_error(filename, exc))
        return _Run(result, before)
    from autofix.apply import fix_loop  # the fix half of the engine: kept off the start-up of check
    from autofix.verify import Candidate, verify

    outcome = fix_loop(doc, rules, settings, first=detection)
    reported = {e.identity for e in detection.errors}

    def report(errors: list) -> None:
        for error in errors:
            if error.identity not in reported:
                reported.add(error.identity)
                result.errors.append(_error(filename, error))

    report(outcome.errors)
    result.fighting = outcome.fighting
    if not (outcome.applied and outcome.converged):
        # no verification will run: report rules that crashed on an intermediate template here
        report(outcome.detection_errors)
    if not outcome.converged:
        result.errors.append(ErrorEntry(
            filename, f"fixes did not converge: rules {', '.join(outcome.fighting)} keep changing the template",
            rule=",".join(outcome.fighting)))
        result.findings = _positioned(detection.findings, doc)
        return _Run(result, before)
    final, left = outcome.document, outcome.detection
    assert left is not None  # a loop that converged ends on a detection of its document
    if outcome.applied:
        try:
            candidate = Candidate(filename, loaded.format, text, final.dumps(), outcome.patch,
                                  tuple(a.rule_id for a in outcome.applied), left)
            final = verify(candidate, settings, known_errors={e.identity for e in detection.errors},
                           excused=outcome.failed)
        except AutofixError as exc:
            result.errors.append(_error(filename, exc))
            result.findings = _positioned(detection.findings, doc)
            return _Run(result, before)
        result.fixed = final.dumps()
        result.patch = outcome.patch
        result.applied = [
            {"rule": a.rule_id, "name": a.rule_name, "path": a.pointer, "description": a.description,
             "applicability": a.applicability}
            | ({"rewritten": [r._asdict() for r in a.rewritten]} if a.rewritten else {})
            for a in outcome.applied
        ]
        from autofix.resolved import resolved

        result.resolved = in_order(_positioned(resolved(detection.findings, left.findings, loaded.data,
                                                        outcome.patch), loaded))
    # the findings left are the last detection's, made on the text just verified
    result.findings = _positioned(left.findings, final)
    return _Run(result, before, _Seen(final, left))
