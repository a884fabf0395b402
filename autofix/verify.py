"""Step 5, verify: prove the fixed text before anything is written.

Three independent checks, any of which keeps the file untouched:

1. the fixed text parses again from scratch, as a template (JSON by the C parser, a reader
   independent of the positioned one the edit engine used);
2. it gives exactly the data that applying the emitted RFC 6902 patch to the
   *input* gives (the patch contract).  The input is parsed afresh from its
   text here rather than taken from the objects the rules were shown, so a rule
   that mutated the data it was meant only to read cannot smuggle the mutation
   past the check;
3. the detectors' verdict on the output has nothing left to fix (besides fixes
   already reported as failing), and no rule crashed on the output where it did
   not crash on the input.

The verdict of check 3 is the fix loop's last detection, not a new one: the loop
made it on the document it last edited, which is parsed from exactly the fixed
text, and check 2 proves that text's data is the input plus the patch, so a
detection here would read equal data again.  Check 3 still judges that verdict
itself rather than trusting the loop's decision to stop.

A rule that failed on the input does not stop the other rules' fixes: they are proven
here like any other, and the failure is reported (exit code 2).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from autofix.detect import Detection
from autofix.document import TemplateDocument
from autofix.errors import AutofixError, VerificationError
from autofix.load import load_text
from autofix.plan import plan
from autofix.settings import Settings


@dataclass(frozen=True)
class Candidate:
    """A fixed text waiting for proof, with what produced it."""

    filename: str
    format: str
    original_text: str
    fixed_text: str
    patch: list[dict[str, Any]]
    #: the rules whose fixes are in the patch (named when verification fails)
    rule_ids: tuple[str, ...]
    #: the detectors' verdict on ``fixed_text``: the fix loop's last detection, made on the document
    #: whose text this is
    detection: Detection


def verify(candidate: Candidate, settings: Settings, *,
           known_errors: Collection[tuple[str, str, str | None]] = (),
           excused: Collection[tuple[str, str]] = ()) -> TemplateDocument:
    """Return the re-parsed fixed document, or raise :class:`VerificationError` naming the rules.

    ``known_errors`` are the identities of rule failures already reported on the input and
    ``excused`` the (rule id, pointer) of fixes already reported as not applicable: neither is
    held against the output.
    """
    original_text, patch, fixed_text = candidate.original_text, candidate.patch, candidate.fixed_text
    fmt, filename = candidate.format, candidate.filename
    ids = ", ".join(sorted(set(candidate.rule_ids))) or "no rule"

    def failed(why: str) -> VerificationError:
        return VerificationError(f"fix failed verification ({ids}): {why}; nothing written")

    try:
        original = load_text(original_text, filename).data
    except AutofixError as exc:  # pragma: no cover - the input loaded a moment ago
        raise failed(f"input no longer parses: {exc.message}") from None
    try:
        fixed = TemplateDocument.from_text(fixed_text, filename, fmt=fmt, positioned=False)
    except AutofixError as exc:
        raise failed(f"output does not parse: {exc.message}") from None
    import jsonpatch  # only fixes need it: kept off the start-up of check

    try:
        expected = jsonpatch.apply_patch(original, patch, in_place=False)
    except (jsonpatch.JsonPatchException, jsonpatch.JsonPointerException) as exc:
        raise failed(f"patch does not apply to input: {exc}") from None
    if fixed.data != expected:
        raise failed("output differs from input + patch")
    detection = candidate.detection
    known = set(known_errors)
    new_errors = sorted({e.rule_id for e in detection.errors if e.identity not in known})
    if new_errors:
        raise failed(f"{', '.join(new_errors)} crashed on the output")
    leftover = [f for f in plan(detection.findings, settings) if (f.rule_id, f.pointer) not in excused]
    if leftover:
        left = ", ".join(sorted({f.rule_id for f in leftover}))
        raise failed(f"{left} still has fixes to apply")
    return fixed
