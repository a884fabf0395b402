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
   not crash on the input;
4. the schema rules (the SC family, whether or not the run selected them) find no
   more errors on what the fixes touched (the resources, or the other top-level
   entries, under the patched paths) than on the input: a fix that moves or
   removes something must not leave the resource invalid in a new way.

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
from autofix.patched import patched
from autofix.plan import plan
from autofix.registry import rules_for
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
        expected = patched(original, patch)
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
    new_schema = new_schema_errors(original, fixed.data, patch, settings)
    if new_schema:
        raise failed(f"new schema errors on what the fixes touched ({', '.join(new_schema)})")
    return fixed


#: the rule family whose findings are schema errors (cfn-lint E3xxx): checked on every fixed template
SCHEMA_FAMILY = "SC"


def _scope(path: list[str], renamed: dict[str, str]) -> tuple[str, ...]:
    """What a pointer belongs to: its resource (under the id it has after the fixes), else its top entry."""
    if len(path) >= 2 and path[0] == "Resources":
        return ("Resources", renamed.get(path[1], path[1]))
    return tuple(path[:2])


def new_schema_errors(original: Any, fixed: Any, patch: list[dict[str, Any]], settings: Settings) -> list[str]:
    """``RULE at /pointer`` of each schema error the output has on what ``patch`` touched, beyond the
    ones the input had there (counted per rule and resource, so an error a fix only moved is not new)."""
    from collections import Counter

    from autofix.detect import detect
    from autofix.nodes import split_pointer

    renamed: dict[str, str] = {}
    touched: set[tuple[str, ...]] = set()
    for op in patch:
        to = split_pointer(op["path"])
        if op["op"] == "move":
            source = split_pointer(op["from"])
            if len(source) == 2 == len(to) and source[0] == to[0] == "Resources":
                renamed[source[1]] = to[1]  # a logical id renamed: its errors go with it
            touched.add(_scope(source, renamed))
        touched.add(_scope(to, renamed))
    rules = rules_for(settings.with_(select=(SCHEMA_FAMILY,), ignore=()))
    before = Counter((f.rule_id, _scope(split_pointer(f.pointer), renamed))
                     for f in detect(original, rules, settings).findings)
    found = []
    for finding in detect(fixed, rules, settings).findings:
        key = (finding.rule_id, _scope(split_pointer(finding.pointer), renamed))
        if key[1] not in touched:
            continue
        if before[key] > 0:
            before[key] -= 1
            continue
        found.append(f"{finding.rule_id} at {finding.pointer}")
    return found
