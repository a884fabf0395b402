"""``--format sarif``: SARIF 2.1.0, the format GitHub code scanning and IDE viewers read.

One run whose ``tool.driver`` lists every rule (id, name, short and full
description, help text and a ``helpUri`` into ``docs/rules.md``); one result
per finding with its rule, level, message and physical location (its detail, the
why and the plan, in the result's ``properties.detail``: SARIF's ``help`` belongs to
the rule, where the rule's documentation is).  A finding
whose fix can be applied gets it as a SARIF ``fix``: the rule's operations are
spliced into the file on their own, and the difference from the file is
expressed as line-range replacements.  Errors (unreadable files, fixes that
failed verification) become tool execution notifications of level ``error``; a
value a fix had to rewrite whole (losing comments and layout it did not change)
one of level ``note``, which leaves the run successful.

Columns are counted in Unicode code points (``columnKind``), as autofix
counts them everywhere.
"""

from __future__ import annotations

import difflib
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from autofix import __version__
from autofix.document import BOM
from autofix.edits import apply_operations
from autofix.errors import AutofixError
from autofix.escape import dumps
from autofix.formats.base import Reporter
from autofix.patterns import lazy_pattern
from autofix.registry import all_rules
from autofix.report import rewrite_message, rewrites
from autofix.ruledocs import RULES_DOC_URL, help_uri, safety
from autofix.rules.base import Applicability
from autofix.suppressions import UNUSED_SUPPRESSION

if TYPE_CHECKING:
    from autofix.pipeline import ErrorEntry, FileResult
    from autofix.report import Summary
    from autofix.rules.base import Finding, Rule
    from autofix.settings import Settings

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
_LINES = lazy_pattern(r"[^\n]*\n|[^\n]+\Z")


def artifact_uri(path: str) -> str:
    """A URI reference for ``path``: relative paths stay relative (code scanning resolves them
    against the repository root), absolute ones become ``file://`` URIs."""
    pure = PurePath(path)
    posix = pure.as_posix()
    try:  # a name from a non-UTF-8 file system holds its bytes as surrogate escapes
        raw = posix.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        raw = posix.encode("utf-8", "surrogatepass")
    if Path(path).is_absolute():
        return "file://" + quote(raw)
    return quote(raw)


def rule_descriptor(rule: Rule) -> dict[str, Any]:
    sections = rule.doc_sections()
    full = " ".join(sections.get("What it does", rule.summary).split())
    return {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": full},
        "help": {"text": rule.documentation(), "markdown": rule.documentation()},
        "helpUri": help_uri(rule),
        "defaultConfiguration": {"level": "error"},
        "properties": {"fix": safety(rule), "family": rule.family, "default": rule.enabled_by_default,
                       "cfnLint": list(rule.cfn_lint),
                       "tags": ["cloudformation", rule.family, *(f"cfn-lint:{c}" for c in rule.cfn_lint)]},
    }


def _unused_descriptor() -> dict[str, Any]:
    text = "A suppression in Metadata: {autofix: {ignore: [...]}} that suppresses nothing"
    return {
        "id": UNUSED_SUPPRESSION,
        "name": UNUSED_SUPPRESSION,
        "shortDescription": {"text": text},
        "fullDescription": {"text": text + "; reported with --show-unused-suppressions."},
        "helpUri": f"{RULES_DOC_URL}#suppressions",
        "defaultConfiguration": {"level": "warning"},
    }


# ---------------------------------------------------------------- fixes as replacements


def _lines(text: str) -> list[str]:
    return _LINES.findall(text)


def _position(starts: list[int], offset: int) -> tuple[int, int]:
    line = max(bisect_right(starts, offset) - 1, 0)
    return line + 1, offset - (starts[line] if starts else 0) + 1


def replacements(before: str, after: str) -> list[dict[str, Any]]:
    """SARIF replacements turning ``before`` into ``after``, one per changed range of lines.

    Each deleted region carries both its line/column span and its character
    offset and length; an insertion is an empty region at the insertion point.
    """
    old, new = _lines(before), _lines(after)
    starts, offset = [], 0
    for line in old:
        starts.append(offset)
        offset += len(line)
    out = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        start = starts[i1] if i1 < len(old) else len(before)
        end = starts[i2] if i2 < len(old) else len(before)
        start_line, start_col = _position(starts, start)
        if end > start:
            end_line, last_col = _position(starts, end - 1)
            end_col = last_col + 1
        else:
            end_line, end_col = start_line, start_col
        region = {"startLine": start_line, "startColumn": start_col, "endLine": end_line, "endColumn": end_col,
                  "charOffset": start, "charLength": end - start}
        replacement: dict[str, Any] = {"deletedRegion": region}
        if j2 > j1:
            replacement["insertedContent"] = {"text": "".join(new[j1:j2])}
        out.append(replacement)
    return out


def apply_replacements(text: str, reps: Iterable[dict[str, Any]]) -> str:
    """Apply replacements by character offset (the inverse of :func:`replacements`, for checking)."""
    for rep in sorted(reps, key=lambda r: r["deletedRegion"]["charOffset"], reverse=True):
        region = rep["deletedRegion"]
        start = region["charOffset"]
        inserted = rep.get("insertedContent", {}).get("text", "")
        text = text[:start] + inserted + text[start + region["charLength"]:]
    return text


class _FixMaker:
    """Applies one finding's fix alone to the file's text, loading the document once per file."""

    def __init__(self, text: str, filename: str) -> None:
        self.text = text
        self.filename = filename
        self._doc: Any = None

    def fix(self, finding: Finding) -> dict[str, Any] | None:
        fix = finding.fix
        if fix is None or not fix.operations or fix.applicability is Applicability.DISPLAY_ONLY:
            return None
        try:
            if self._doc is None:
                from autofix.load import load_text

                self._doc = load_text(self.text, self.filename).document
            after = apply_operations(self._doc, list(fix.operations)).dumps()
        except AutofixError:
            return None
        body = self.text.removeprefix(BOM)
        reps = replacements(body, after.removeprefix(BOM))
        if not reps:
            return None
        description = fix.description
        if fix.applicability is Applicability.UNSAFE:
            description += " (unsafe: applied by autofix fix --unsafe-fixes)"
        return {"description": {"text": description},
                "artifactChanges": [{"artifactLocation": {"uri": artifact_uri(self.filename)},
                                     "replacements": reps}]}


# ---------------------------------------------------------------- the log


def _location(file: str, line: int | None, column: int | None) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": {"uri": artifact_uri(file)}}
    if line:
        physical["region"] = {"startLine": line, "startColumn": column or 1}
    return {"physicalLocation": physical}


def _result(result: FileResult, f: Finding, index: dict[str, int], fixes: _FixMaker | None) -> dict[str, Any]:
    location = _location(result.file, f.line or 1, f.column or 1)
    if f.resource:
        location["logicalLocations"] = [{"name": f.resource, "kind": "resource"}]
    out: dict[str, Any] = {
        "ruleId": f.rule_id,
        "level": "warning" if f.rule_id == UNUSED_SUPPRESSION else "error",
        "message": {"text": f.message},
        "locations": [location],
        "properties": {"pointer": f.pointer},
    }
    if f.detail:
        out["properties"]["detail"] = f.detail
    if f.rule_id in index:
        out["ruleIndex"] = index[f.rule_id]
    if f.fix is not None:
        out["properties"]["fix"] = f.fix.applicability.value
        fix = fixes.fix(f) if fixes is not None else None
        if fix is not None:
            out["fixes"] = [fix]
    return out


def _notification(e: ErrorEntry) -> dict[str, Any]:
    note: dict[str, Any] = {"level": "error", "message": {"text": e.message},
                            "locations": [_location(e.file, e.line, e.column)]}
    if e.rule:
        note["properties"] = {"rule": e.rule}
    return note


def _rewrite_notification(result: FileResult, rule: str, rewrite: dict[str, str]) -> dict[str, Any]:
    return {"level": "note", "message": {"text": rewrite_message(rule, rewrite)},
            "locations": [_location(result.file, None, None)],
            "properties": {"rule": rule, "pointer": rewrite["pointer"], "reason": rewrite["reason"]}}


def sarif_log(results: Iterable[tuple[FileResult, bool]], rules: Sequence[Rule] | None = None,
              settings: Settings | None = None) -> dict[str, Any]:
    """The SARIF log (a dict ready for ``json.dumps``) for ``results``."""
    rules = all_rules() if rules is None else rules
    descriptors = [rule_descriptor(r) for r in rules]
    index = {r.id: i for i, r in enumerate(rules)}
    sarif_results: list[dict[str, Any]] = []
    notes: list[dict[str, Any]] = []
    failed = False
    artifacts: dict[str, None] = {}
    for result, explicit in results:
        errors = [_notification(e) for e in result.errors if explicit or e.kind != "not-a-template"]
        failed = failed or bool(errors)
        notes.extend(errors)
        notes.extend(_rewrite_notification(result, rule, rewrite) for rule, rewrite in rewrites(result.applied))
        if not result.findings:
            continue
        if any(f.rule_id == UNUSED_SUPPRESSION for f in result.findings) and UNUSED_SUPPRESSION not in index:
            index[UNUSED_SUPPRESSION] = len(descriptors)
            descriptors.append(_unused_descriptor())
        text = result.fixed if result.changed else result.original
        fixes = _FixMaker(text, result.file) if text is not None else None
        artifacts.setdefault(artifact_uri(result.file))
        sarif_results.extend(_result(result, f, index, fixes) for f in result.findings)
    run: dict[str, Any] = {
        "tool": {"driver": {
            "name": "autofix",
            "version": __version__,
            "semanticVersion": __version__,
            "informationUri": RULES_DOC_URL.rsplit("/blob/", 1)[0],
            "rules": descriptors,
        }},
        "invocations": [{"executionSuccessful": not failed, "toolExecutionNotifications": notes}],
        "artifacts": [{"location": {"uri": uri}} for uri in artifacts],
        "results": sarif_results,
        "columnKind": "unicodeCodePoints",
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


class SarifReporter(Reporter):
    def finish(self, summary: Summary | None = None) -> None:
        self.out.write(dumps(sarif_log(self.results, settings=self.settings), indent=2) + "\n")
