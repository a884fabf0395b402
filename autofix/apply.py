"""Step 4, apply: the fix loop.

Detect, plan non-overlapping fixes, splice them into the document, and
repeat on the changed template until nothing applicable is left (a fixpoint).
The detection that finds nothing more to plan is the loop's last: made on the
final document, it is the one verification judges and the one whose findings
are reported as left, so a one-round fix detects twice (input and output).
The loop is bounded; a template state seen twice means rules undo each other,
and the rules involved are reported as fighting instead of looping forever.
Every applied operation is recorded so the whole run can be emitted as one
RFC 6902 patch against the input, and so is every value the edit engine had to
rewrite whole (losing comments and layout the fix did not touch), for the report.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from autofix.detect import Detection, detect
from autofix.document import TemplateDocument
from autofix.edits import Rewrite, apply_operations_traced
from autofix.errors import AutofixError, EngineError, PatchError, RuleError
from autofix.intrinsics import names_in
from autofix.model import Applicability
from autofix.nodes import split_pointer
from autofix.plan import plan
from autofix.rules.base import Rule
from autofix.settings import Settings


@dataclass
class AppliedFix:
    rule_id: str
    rule_name: str
    pointer: str
    description: str
    operations: list[dict[str, Any]]
    iteration: int
    applicability: str = "safe"
    #: values written anew with text the fix did not change, where no splice fitted (see :class:`Rewrite`)
    rewritten: list[Rewrite] = field(default_factory=list)


@dataclass
class LoopOutcome:
    document: TemplateDocument
    #: the last detection, made on ``document`` (None when rules fight): when the loop converged it plans
    #: nothing more, and it is the detection verification judges and whose findings are reported as left
    detection: Detection | None = None
    applied: list[AppliedFix] = field(default_factory=list)
    #: fixes that did not apply (the rule's fault) and edit-engine failures (autofix's)
    errors: list[RuleError | EngineError] = field(default_factory=list)
    #: rules that crashed while re-detecting on a changed template (verification judges those)
    detection_errors: list[RuleError] = field(default_factory=list)
    iterations: int = 0
    converged: bool = True
    fighting: list[str] = field(default_factory=list)
    #: (rule id, pointer) of fixes that could not be applied (already reported in ``errors``)
    failed: set[tuple[str, str]] = field(default_factory=set)

    @property
    def patch(self) -> list[dict[str, Any]]:
        return [op for fix in self.applied for op in fix.operations]


def _digest(doc: TemplateDocument) -> str:
    import hashlib  # only the fix loop hashes: kept off the start-up of check

    return hashlib.sha256(doc.text.encode("utf-8", "surrogatepass")).hexdigest()


def fix_loop(doc: TemplateDocument, rules: Sequence[Rule], settings: Settings,
             first: Detection | None = None) -> LoopOutcome:
    """Apply allowed fixes until a fixpoint; ``first`` is the detection already made on ``doc``.

    Each round ends with one detection of the changed template, which plans the next round; the
    last one, on the final document, is the outcome's :attr:`~LoopOutcome.detection`.
    """
    out = LoopOutcome(doc)
    detection = first
    if detection is None:
        detection = detect(doc.data, rules, settings)
        _merge_errors(out.detection_errors, detection.errors)
    seen = {_digest(doc): 0}
    broken = out.failed
    kept: set[str] = set(settings.kept_names)
    filled = _filled_sections(doc.data)
    for iteration in range(1, settings.max_iterations + 1):
        chosen = [f for f in plan(detection.findings, settings) if (f.rule_id, f.pointer) not in broken]
        if not chosen:
            break
        out.iterations = iteration
        applied_before = len(out.applied)
        for finding in chosen:
            assert finding.fix is not None
            if finding.fix.applicability is Applicability.UNSAFE:
                kept |= _removed_uses(doc.data, finding.fix.operations)
            try:
                new, rewritten = apply_operations_traced(doc, list(finding.fix.operations))
            except PatchError as exc:  # the fix does not fit the template: the rule's failure
                broken.add((finding.rule_id, finding.pointer))
                _merge_errors(out.errors, [RuleError(finding.rule_id, f"fix could not be applied: {exc.message}",
                                                     kind=RuleError.FIX_FAILED, pointer=finding.pointer)])
                continue
            except Exception as exc:  # the edit engine failed on a valid fix: autofix's failure, not the rule's
                broken.add((finding.rule_id, finding.pointer))
                why = exc.message if isinstance(exc, AutofixError) else f"{type(exc).__name__}: {exc}"
                _merge_errors(out.errors, [EngineError(
                    f"internal error: the edit engine could not write {finding.rule_id}'s fix at {finding.pointer}: "
                    f"{why}", rule_id=finding.rule_id, pointer=finding.pointer)])
                continue
            out.applied.append(AppliedFix(finding.rule_id, finding.rule_name, finding.pointer,
                                          finding.fix.description, list(finding.fix.operations), iteration,
                                          finding.fix.applicability.value, rewritten))
            doc = new
        out.document = doc
        if len(out.applied) == applied_before:  # every planned fix failed: nothing more to do
            break
        digest = _digest(doc)
        if digest in seen:
            cycle = sorted({a.rule_id for a in out.applied if a.iteration > seen[digest]})
            out.converged = False
            out.fighting = cycle
            return out
        seen[digest] = iteration
        if kept != set(settings.kept_names):
            settings = settings.with_(kept_names=tuple(sorted(kept)))
        emptied = _emptied_sections(filled, doc.data, settings.emptied_sections)
        if emptied != settings.emptied_sections:
            settings = settings.with_(emptied_sections=emptied)
        detection = detect(doc.data, rules, settings)
        _merge_errors(out.detection_errors, detection.errors)
    else:
        unfinished = plan(detection.findings, settings)
        if unfinished:
            out.converged = False
            out.fighting = sorted({f.rule_id for f in unfinished})
    out.detection = detection
    return out


#: sections whose entries are only used, never deployed: removing one of them takes no intent away
_USED_ONLY = frozenset({"Parameters", "Conditions", "Mappings", "Metadata", "Rules"})


def _filled_sections(data: Any) -> frozenset[str]:
    """The top-level sections of ``data`` that hold at least one entry."""
    return frozenset(k for k, v in data.items() if isinstance(v, dict) and v) if isinstance(data, dict) else frozenset()


def _emptied_sections(filled: frozenset[str], data: Any, known: tuple[str, ...]) -> tuple[str, ...]:
    """``known`` and the sections of ``filled`` (the input's sections with entries) that ``data``, the
    template after this run's removals, holds empty: those the unused-entry rules may remove, while a
    section its author wrote empty (``Conditions: {}``, which cfn-lint accepts) stays."""
    if not isinstance(data, dict):
        return known
    return tuple(sorted({*known, *(k for k in filled if data.get(k) == {})}))


def _removed_uses(data: Any, operations: Sequence[dict[str, Any]]) -> set[str]:
    """The names that what ``operations`` remove from ``data`` used (resources and outputs removed by an
    unsafe fix): the unused-entry rules must not remove those in the same run, the reviewer decides."""
    import jsonpointer  # only fixes need it

    found: set[str] = set()
    for op in operations:
        path = split_pointer(op["path"]) if op.get("op") == "remove" else []
        if not path or path[0] in _USED_ONLY:
            continue
        try:
            found |= names_in(jsonpointer.resolve_pointer(data, op["path"]))
        except jsonpointer.JsonPointerException:
            continue
    return found


def _merge_errors(into: list, new: list) -> None:
    """Append the errors of ``new`` that ``into`` does not hold yet (by identity, not by message text)."""
    for err in new:
        if all(e.identity != err.identity for e in into):
            into.append(err)
