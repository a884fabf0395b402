"""Step 3, plan: choose which fixes to apply in one round of the fix loop.

Only fixes whose applicability the user allowed are candidates.  They are
taken in (rule id, pointer) order, so the plan does not depend on the order
rules were registered in, and a fix is deferred to the next round when any of
its paths overlaps a path already planned (the next round re-detects on the
changed template and rebuilds it).
"""

from __future__ import annotations

from collections.abc import Iterable

from autofix.model import Applicability, Finding
from autofix.nodes import split_pointer
from autofix.settings import Settings


def allowed(finding: Finding, settings: Settings) -> bool:
    if finding.fix is None or not finding.fix.operations:
        return False
    if finding.fix.applicability is Applicability.SAFE:
        return True
    return finding.fix.applicability is Applicability.UNSAFE and settings.unsafe_fixes


def _footprint(op: dict) -> list[tuple[str, ...]]:
    """Paths an operation touches, cut at the first array index (arrays shift as a whole)."""
    out = []
    for key in ("path", "from"):
        if key in op:
            segs = split_pointer(op[key])
            for i, s in enumerate(segs):
                if s == "-" or s.isdigit():
                    segs = segs[:i]
                    break
            out.append(tuple(segs))
    return out


def _overlaps(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    n = min(len(a), len(b))
    return a[:n] == b[:n]


def plan(findings: Iterable[Finding], settings: Settings) -> list[Finding]:
    """This round's fixes: non-overlapping, in (rule id, pointer) order.

    Fixes of rules that read the whole template (``reads_whole_template``: unused parameters,
    removals with their references...) are planned only when no other fix is: another fix in
    the same round could change the facts they rest on (add a use of the "unused" parameter).
    """
    allowed_now = [f for f in findings if allowed(f, settings)]
    local = [f for f in allowed_now if not f.whole_template]
    return _non_overlapping(local or allowed_now)


def _non_overlapping(findings: Iterable[Finding]) -> list[Finding]:
    chosen: list[Finding] = []
    taken: list[tuple[str, ...]] = []
    for finding in sorted(findings, key=lambda f: (f.rule_id, f.pointer)):
        assert finding.fix is not None
        paths = [p for op in finding.fix.operations for p in _footprint(op)]
        if any(_overlaps(p, t) for p in paths for t in taken):
            continue
        chosen.append(finding)
        taken.extend(paths)
    return chosen
