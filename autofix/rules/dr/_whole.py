"""The two-region layout, applied whole or not at all.

A DR fix that writes the layout (one template deployed in both regions) changes what the *other* region's
stack creates too: everything the template held so far is now created twice, once per region.  A fix is
therefore judged by the deploy simulation (:mod:`._deploy`) of its own result, in both orders of the
regions and as an update of a primary stack that runs the template as it was:

- what the simulation finds and has a deterministic fix for (:mod:`._remedies`) is fixed in the same fix;
- anything else refuses the fix, with the reason: a layout that cannot deploy is worse than none, since the
  user believes they have disaster recovery.

:func:`complete` returns the operations to append to the fix (RFC 6902 operations apply in order, so
operations computed on the fix's own result follow the fix's) and what they do, or the refusal.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from autofix.fixes import FixBuilder
from autofix.model import Applicability
from autofix.patched import patched
from autofix.rules.dr import _deploy
from autofix.rules.dr._report import NoFix
from autofix.settings import Settings
from autofix.template import Template

#: Remedies applied before a layout is given up (each fixes one problem; one template rarely needs more
#: than a handful).
_MAX_REMEDIES = 24


class Completion(NamedTuple):
    """What makes a fix's layout deploy whole: operations to append and what they do, or why it cannot."""

    operations: list[dict[str, Any]]
    notes: list[str]
    unsafe: bool  # a remedy that changes what runs (the fix can no longer be safe)
    refusal: str | None = None


def problems(before: Template | dict[str, Any], after: Template | dict[str, Any],
             settings: Settings | None = None) -> list[_deploy.Problem]:
    """Every problem of deploying ``after`` in both orders of the regions, and of updating a primary stack that
    runs ``before`` to it (a name the update changes, a stateful resource it deletes, a retained one in the way)."""
    found: dict[Any, _deploy.Problem] = {}
    for problem in _deploy.simulate(after, settings) + _deploy.simulate(after, settings, swap=True):
        found.setdefault(problem.identity, problem)
    for problem in _deploy.simulate_update(before, after, settings):
        found.setdefault(problem.identity, problem)
    return list(found.values())


def complete(template: Template, settings: Settings, operations: list[dict[str, Any]]) -> Completion:
    """Complete the layout that ``operations`` write into ``template``, or refuse it (see the module)."""
    from autofix.rules.dr._remedies import Declined, remedy

    after = patched(template.data, operations)
    added: list[dict[str, Any]] = []
    notes: list[str] = []
    unsafe = False
    for _ in range(_MAX_REMEDIES):
        found = problems(template.data, after, settings)
        if not found:
            return Completion(added, notes, unsafe)
        first = min(found, key=lambda p: (p.remedy is None, p.check, p.subject))
        if first.remedy is None:
            return Completion([], [], unsafe, _refusal(first, first.reason))
        try:
            fixed = remedy(Template(after), settings, first)
        except Declined as why:
            return Completion([], [], unsafe, _refusal(first, str(why)))
        after = patched(after, fixed.operations)
        added.extend(fixed.operations)
        notes.append(fixed.description)
        unsafe = unsafe or fixed.applicability is not Applicability.SAFE
    return Completion([], [], unsafe, "the layout still fails the deploy simulation after every fix it has")


def complete_fix(template: Template, settings: Settings, fix: FixBuilder) -> str:
    """:func:`complete` for a fix being built: the remedies' operations are appended to ``fix``, so that the fix
    the rule offers deploys whole, and what they do is returned as sentences for the finding's detail.

    Raises :class:`~._report.NoFix` with the reason when the layout is refused."""
    completion = complete(template, settings, fix.operations)
    if completion.refusal:
        raise NoFix(completion.refusal)
    fix.extend(completion.operations)
    return "".join(f" {note}." for note in completion.notes)


def _refusal(problem: _deploy.Problem, reason: str) -> str:
    why = f": {reason}" if reason else ""
    return (f"the two-region layout would not deploy whole ({problem.check}, {problem.subject}: "
            f"{problem.message[0].lower()}{problem.message[1:]}){why}")
