"""Turn results into what people and pipelines read: text lines, JSON, unified diffs, summaries."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any

from autofix.escape import dumps, visible
from autofix.model import Finding
from autofix.patterns import lazy_pattern
from autofix.pipeline import ErrorEntry, FileResult
from autofix.plan import allowed
from autofix.settings import Settings


def finding_dict(file: str, f: Finding) -> dict[str, Any]:
    return {
        "file": file,
        "rule": f.rule_id,
        "name": f.rule_name,
        "resource": f.resource,
        "path": f.pointer,
        "line": f.line,
        "column": f.column,
        "message": f.message,
        "detail": f.detail,
        "applicability": f.applicability.value if f.applicability else None,
        "fix": f.fix.description if f.fix else None,
    }


def error_dict(e: ErrorEntry) -> dict[str, Any]:
    return {"file": e.file, "line": e.line, "column": e.column, "message": e.message, "rule": e.rule}


def finding_line(file: str, f: Finding, settings: Settings) -> str:
    mark = " [*]" if allowed(f, settings) else ""
    return f"{visible(file)}:{f.line}:{f.column}: {visible(f.rule_id)}{mark} {visible(f.message)}"


def shown_fix(f: Finding, settings: Settings) -> str:
    """``fix (safe): description`` for ``--show-fixes`` (escaped; empty for a finding without a fix)."""
    if f.fix is None or not f.fix.operations:
        return ""
    label = f.fix.applicability.value
    if not allowed(f, settings):
        label += ", needs --unsafe-fixes" if f.fix.applicability.value == "unsafe" else ", never applied"
    return f"fix ({label}): {visible(f.fix.description)}"


def error_line(e: ErrorEntry) -> str:
    where = f":{e.line}:{e.column or 1}" if e.line else ""
    return f"{visible(e.file)}{where}: error: {visible(e.message)}"


def rewrite_message(rule: str, rewrite: dict[str, str]) -> str:
    """What a note about one value a fix rewrote whole says (every format words it alike)."""
    what = rewrite["pointer"] or "the whole document"
    return (f"{visible(rule)}'s fix rewrote {visible(what)} whole ({rewrite['reason']}): "
            "comments and layout there were not kept")


def rewrites(applied: list[dict[str, Any]]) -> Iterator[tuple[str, dict[str, str]]]:
    """(rule id, rewrite) for each value the applied fixes rewrote whole, in the order applied."""
    for fix in applied:
        for rewrite in fix.get("rewritten", ()):
            yield fix["rule"], rewrite


def rewrite_notes(file: str, applied: list[dict[str, Any]]) -> list[str]:
    """One note per value a fix rewrote whole: nothing outside a fix changes without a word."""
    return [f"{visible(file)}: note: {rewrite_message(rule, rewrite)}" for rule, rewrite in rewrites(applied)]


_LINES = lazy_pattern(r"[^\n]*\n|[^\n]+\Z")


def unified_diff(file: str, before: str, after: str) -> str:
    """A unified diff that ``patch`` applies: lines end at LF only (a CR, form feed or U+2028 inside
    a line stays part of it), and the file name in the header is escaped (it may hold anything)."""
    name = visible(file)
    from difflib import unified_diff as diff_lines  # only diffs need it

    lines = diff_lines(_LINES.findall(before), _LINES.findall(after), name, name)
    out = []
    for line in lines:
        out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' * (n != 1)}"


def _by_rule(counts: Counter) -> str:
    return ", ".join(f"{visible(rule)}: {n}" for rule, n in sorted(counts.items()))


class Summary:
    """Totals over a run, for the closing line and ``--report``.

    ``files`` counts every file looked at; ``templates`` those that loaded as
    templates; ``skipped`` the other JSON/YAML a directory walk met (not an
    error); ``errors`` the error entries reported, each kept in ``error_entries``.
    ``findings_by_rule`` counts the findings left, ``fixes_by_rule`` the fixes
    applied and ``resolved_by_rule`` the findings those fixes resolved (one fix may
    resolve several: :mod:`autofix.resolved`), which is what "Fixed N findings" counts.
    """

    def __init__(self) -> None:
        self.files = 0
        self.templates = 0
        self.skipped = 0
        self.changed = 0
        self.errors = 0
        self.findings_by_rule: Counter = Counter()
        self.fixes_by_rule: Counter = Counter()
        self.resolved_by_rule: Counter = Counter()
        self.unsafe_hidden = 0
        self.error_entries: list[dict[str, Any]] = []

    def add(self, result: FileResult, settings: Settings, explicit: bool = True) -> None:
        self.files += 1
        if not result.is_template and not explicit:
            self.skipped += 1
            return
        if result.is_template and not (result.errors and not result.findings and not result.applied
                                       and _load_failed(result)):
            self.templates += 1
        self.changed += int(result.changed)
        reported = [e for e in result.errors if explicit or e.kind != "not-a-template"]
        self.errors += len(reported)
        self.error_entries.extend(error_dict(e) for e in reported)
        self.findings_by_rule.update(f.rule_id for f in result.findings)
        self.fixes_by_rule.update(a["rule"] for a in result.applied)
        self.resolved_by_rule.update(f.rule_id for f in result.resolved)
        self.unsafe_hidden += sum(
            1 for f in result.findings
            if f.fix is not None and f.fix.applicability.value == "unsafe" and not settings.unsafe_fixes
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "files": self.files,
            "templates": self.templates,
            "skipped_not_templates": self.skipped,
            "files_changed": self.changed,
            "errors": self.errors,
            "findings": dict(sorted(self.findings_by_rule.items())),
            "fixes": dict(sorted(self.fixes_by_rule.items())),
            "resolved": dict(sorted(self.resolved_by_rule.items())),
        }

    def line(self, fix: bool, dry_run: bool = False) -> str:
        """The closing line: what was fixed, what remains, per rule, and what went wrong."""
        found = sum(self.findings_by_rule.values())
        fixed = sum(self.resolved_by_rule.values())
        parts = []
        if fix:
            verb = "Would fix" if dry_run else "Fixed"
            parts.append(f"{verb} {_plural(fixed, 'finding')} in {_plural(self.changed, 'file')}"
                         + (f" ({_by_rule(self.resolved_by_rule)})." if fixed else "."))
            tail = f"{_plural(found, 'finding')} remain{'s' * (found == 1)}"
        else:
            tail = f"Found {_plural(found, 'finding')}"
        tail += f" in {_plural(self.templates, 'template')}"
        if found:
            tail += f" ({_by_rule(self.findings_by_rule)})"
        if self.skipped:
            tail += f"; {_plural(self.skipped, 'other file')} skipped"
        if self.errors:
            tail += f"; {_plural(self.errors, 'error')}"
        parts.append(tail + ".")
        if self.unsafe_hidden:
            parts.append(f"{self.unsafe_hidden} more fixable with --unsafe-fixes.")
        return " ".join(parts)

    def report(self) -> str:
        """The ``--report`` document: the summary and every error entry, as JSON."""
        return dumps({"summary": self.as_dict(), "errors": self.error_entries}, indent=2) + "\n"


def _load_failed(result: FileResult) -> bool:
    return any(e.rule is None and e.kind != "write" for e in result.errors)


def json_document(results: Iterable[tuple[FileResult, bool]], summary: Summary | None = None) -> str:
    findings: list[dict[str, Any]] = []
    errors: list[dict[str, Any]] = []
    fixes: list[dict[str, Any]] = []
    for result, explicit in results:
        findings.extend(finding_dict(result.file, f) for f in result.findings)
        errors.extend(error_dict(e) for e in result.errors if explicit or e.kind != "not-a-template")
        fixes.extend({"file": result.file, **a} for a in result.applied)
    doc: dict[str, Any] = {"findings": findings, "errors": errors}
    if fixes:
        doc["fixes"] = fixes
    if summary is not None:
        doc["summary"] = summary.as_dict()
    return dumps(doc, indent=2)
