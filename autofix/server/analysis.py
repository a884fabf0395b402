"""One version of one document, analysed by the engine; its fixes worked out on demand.

Everything here runs in the server's engine process (see :mod:`autofix.server.engine`) and
only reads its text, so the protocol side carries on answering meanwhile.  What the editor
may apply is always proven first:

- the fix-all is :func:`autofix.pipeline.process_text` with ``fix=True``, the CLI's own
  ``fix``: all allowed fixes to the fixpoint, verified as a whole;
- one finding's fix, and the suppression that disables a rule for a resource, are spliced
  alone with :func:`autofix.edits.apply_operations` and then held to the CLI's checks: the
  text parses again to exactly the input plus the operations, no rule fails on it that did
  not fail before, and the finding is gone (the CLI's fixpoint check, for one fix: other
  findings may remain, they have their own fixes).

An edit that fails any check is not offered.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from autofix.edits import apply_operations
from autofix.errors import AutofixError
from autofix.fixes import FixBuilder
from autofix.load import load_text
from autofix.patched import patched
from autofix.pipeline import ErrorEntry, FileResult, process_text
from autofix.rules.base import Applicability, Finding
from autofix.server.textedits import Edit, text_edits

if TYPE_CHECKING:
    from autofix.document import TemplateDocument
    from autofix.settings import Settings

log = logging.getLogger(__name__)


def fixable(finding: Finding) -> bool:
    """Whether the finding's fix is one an editor may apply (display-only fixes are never applied)."""
    fix = finding.fix
    return fix is not None and bool(fix.operations) and fix.applicability is not Applicability.DISPLAY_ONLY


def suppression_operations(data: Any, finding: Finding) -> list[dict[str, Any]] | None:
    """RFC 6902 operations adding ``finding``'s rule to ``Metadata: {autofix: {ignore: [...]}}`` of its
    resource (of the template for a finding outside ``Resources``); None where the Metadata has a
    shape that cannot take it."""
    base: tuple[str, ...] = ("Resources", finding.resource) if finding.resource else ()
    builder = FixBuilder(data)
    if finding.resource and not isinstance(builder.get(base), dict):
        return None
    for depth in (1, 2):
        holder = builder.get((*base, *("Metadata", "autofix")[:depth]))
        if holder is not None and not isinstance(holder, dict):
            return None
    path = (*base, "Metadata", "autofix", "ignore")
    ignore = builder.get(path)
    if ignore is None:
        builder.set(path, [finding.rule_id])
    elif isinstance(ignore, list):
        builder.add((*path, "-"), finding.rule_id)
    elif isinstance(ignore, str):
        builder.replace(path, [ignore, finding.rule_id])
    else:
        return None
    return builder.operations


class Checked(NamedTuple):
    """What checking one version found (sent back to the protocol side)."""

    #: the findings, in the engine's order (none when the input could not be read)
    findings: list[Finding]
    #: the one error for input that could not be read (None: it was read)
    input_error: ErrorEntry | None
    #: rule failures and engine errors, for the server's log (never diagnostics: not the input's fault)
    problems: list[str]


class Analysis:
    """The engine's view of one document version: its findings, and edits for their fixes."""

    def __init__(self, text: str, filename: str, settings: Settings) -> None:
        self.text = text
        self.filename = filename
        self.settings = settings
        self.result: FileResult | None = None
        self.findings: list[Finding] = []
        self.problems: list[str] = []
        self._document: TemplateDocument | None = None
        self._edits: dict[tuple[str, int], list[Edit] | None] = {}

    # ------------------------------------------------------------------ checking

    def check(self) -> Checked:
        """Check the text (never raises: an engine bug is a problem for the log, not a crash)."""
        if self.result is None:
            try:
                self.result = process_text(self.text, self.filename, self.settings)
            except Exception as exc:
                log.exception("checking %s failed", self.filename)
                self.problems.append(f"internal error while checking {self.filename}: {type(exc).__name__}: {exc}")
                return Checked([], None, list(self.problems))
        result = self.result
        if not result.is_template:
            return Checked([], None, [])  # not a CloudFormation template: silent
        input_error = next((e for e in result.errors if e.rule is None and e.kind == "error"), None)
        self.problems.extend(_describe(e) for e in result.errors if e is not input_error)
        self.findings = [] if input_error is not None else list(result.findings)
        return Checked(self.findings, input_error, list(dict.fromkeys(self.problems)))

    # ------------------------------------------------------------------ edits, each proven or None

    def fix_all(self) -> list[Edit] | None:
        """Edits applying every allowed fix to the fixpoint (the CLI's ``fix``), or None."""
        return self._cached(("all", 0), self._fix_all)

    def quick_fix(self, index: int) -> list[Edit] | None:
        """Edits applying the fix of finding ``index`` alone, or None."""
        return self._cached(("fix", index), lambda: self._quick_fix(self._finding(index)))

    def suppression(self, index: int) -> list[Edit] | None:
        """Edits disabling finding ``index``'s rule for its resource (or the template), or None."""
        return self._cached(("ignore", index), lambda: self._suppression(self._finding(index)))

    def _finding(self, index: int) -> Finding:
        """Finding ``index`` of this version (checked first in a process that has not checked it)."""
        if self.result is None:
            self.check()
        return self.findings[index]

    def _cached(self, key: tuple[str, int], work: Callable[[], list[Edit] | None]) -> list[Edit] | None:
        if key not in self._edits:
            try:
                self._edits[key] = work()
            except Exception as exc:  # an engine bug costs this one action, nothing else
                log.exception("working out an edit for %s failed", self.filename)
                self.problems.append(f"internal error while fixing {self.filename}: {type(exc).__name__}: {exc}")
                self._edits[key] = None
        return self._edits[key]

    def _fix_all(self) -> list[Edit] | None:
        if self.result is not None and not any(fixable(f) for f in self.findings):
            return None
        result = process_text(self.text, self.filename, self.settings, fix=True)
        self.problems.extend(_describe(e) for e in result.errors)
        if not result.changed or result.fixed is None:
            return None
        return text_edits(self.text, result.fixed)

    def _quick_fix(self, finding: Finding) -> list[Edit] | None:
        if not fixable(finding):
            return None
        assert finding.fix is not None

        def repeated(after: FileResult) -> bool:
            return any(f.rule_id == finding.rule_id and f.pointer == finding.pointer and f.fix == finding.fix
                       for f in after.findings)

        return self._proven(list(finding.fix.operations), repeated)

    def _suppression(self, finding: Finding) -> list[Edit] | None:
        operations = suppression_operations(self._template().data, finding)
        if operations is None:
            return None

        def still_reported(after: FileResult) -> bool:
            return any(f.rule_id == finding.rule_id and (finding.resource is None or f.resource == finding.resource)
                       for f in after.findings)

        return self._proven(operations, still_reported)

    def _template(self) -> TemplateDocument:
        """The positioned document of the snapshot (built once, shared by every edit of this version)."""
        if self._document is None:
            self._document = load_text(self.text, self.filename, max_bytes=self.settings.max_bytes).document
        return self._document

    def _proven(self, operations: Sequence[dict[str, Any]], unresolved: Callable[[FileResult], bool]
                ) -> list[Edit] | None:
        """Edits for ``operations`` spliced into the snapshot, when the result passes the checks."""
        import jsonpatch
        import jsonpointer

        assert self.result is not None
        try:
            document = self._template()
            fixed = apply_operations(document, list(operations)).dumps()
            expected = patched(document.data, list(operations))
            if load_text(fixed, self.filename, max_bytes=self.settings.max_bytes).data != expected:
                return None
        except (AutofixError, jsonpatch.JsonPatchException, jsonpointer.JsonPointerException) as exc:
            log.info("edit not offered for %s: %s", self.filename, exc)
            return None
        if fixed == self.text:
            return None
        after = process_text(fixed, self.filename, self.settings)
        failed_before = {(e.rule, e.message) for e in self.result.errors}
        if not after.is_template or any((e.rule, e.message) not in failed_before for e in after.errors):
            return None
        if unresolved(after):
            return None
        return text_edits(self.text, fixed)


def _describe(error: ErrorEntry) -> str:
    where = f":{error.line}:{error.column or 1}" if error.line else ""
    return f"{error.file}{where}: {error.message}"
