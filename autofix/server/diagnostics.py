"""Findings and input errors as LSP diagnostics.

Each finding becomes one diagnostic over the key (or value) its pointer names: the rule id
as ``code``, the rule's documentation (the same link SARIF output gives) as
``codeDescription``, a severity by family, and the ``unnecessary`` or ``deprecated`` tag
where the finding is about code that can go or a runtime that is deprecated.  Input that
does not parse gives one diagnostic at the position the reader names, so that a half-typed
template shows one error where the typing is, not a cascade.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lsprotocol import types

from autofix.document import BOM
from autofix.registry import all_rules
from autofix.ruledocs import help_uri
from autofix.rules.base import family_prefix
from autofix.textindex import TextIndex

if TYPE_CHECKING:
    from autofix.pipeline import ErrorEntry
    from autofix.rules.base import Finding
    from autofix.server.documents import Document

SOURCE = "autofix"

#: Deploy blockers and what the resource schemas reject fail a deployment; DR and hardening
#: findings are risks; hygiene findings are clutter.  Plugin families are warnings.
SEVERITY = {
    "DP": types.DiagnosticSeverity.Error,
    "SC": types.DiagnosticSeverity.Error,
    "DR": types.DiagnosticSeverity.Warning,
    "HD": types.DiagnosticSeverity.Warning,
    "HY": types.DiagnosticSeverity.Information,
}
#: Findings about text that can simply go (editors fade it): needless Fn::Sub, redundant
#: DependsOn, unused parameters, conditions and mappings.
UNNECESSARY = frozenset({"HY001", "HY002", "HY003", "HY004", "HY005"})
#: Findings about something deprecated (editors strike it through): a deprecated Lambda runtime.
DEPRECATED = frozenset({"DP001"})

_TOKEN_END = frozenset(" \t\r\n:,{}[]#")


def token_end(text: str, start: int) -> int:
    """Where the key or scalar starting at ``start`` ends (a quoted one at its closing quote),
    within its line; at least one character past ``start`` unless the text ends there."""
    if start >= len(text):
        return start
    quote = text[start]
    end = start + 1
    if quote in "\"'":
        while end < len(text) and text[end] not in "\r\n":
            if text[end] == "\\" and quote == '"':
                end += 2
                continue
            end += 1
            if text[end - 1] == quote:
                return end
        return min(end, len(text))
    while end < len(text) and text[end] not in _TOKEN_END:
        end += 1
    return end


def _offset(index: TextIndex, line: int | None, column: int | None) -> int:
    """The text offset of the engine's 1-based (line, column) in code points (lines end at ``\\n``).

    The engine counts positions in the text after a byte order mark; ``index`` holds the whole
    text, so a mark shifts every offset by one.
    """
    shift = 1 if index.text.startswith(BOM) else 0
    if not line:
        return shift
    starts = index.starts
    start = starts[min(line, len(starts)) - 1] + (shift if line == 1 else 0)
    return min(start + max((column or 1) - 1, 0), len(index.text))


def _rule_links() -> dict[str, str]:
    return {rule.id: help_uri(rule) for rule in all_rules()}


def finding_diagnostic(document: Document, index: TextIndex, finding: Finding,
                       links: dict[str, str]) -> types.Diagnostic:
    start = _offset(index, finding.line, finding.column)
    tags = [types.DiagnosticTag.Unnecessary] if finding.rule_id in UNNECESSARY else []
    if finding.rule_id in DEPRECATED:
        tags.append(types.DiagnosticTag.Deprecated)
    data: dict[str, Any] = {"pointer": finding.pointer,
                            "fix": finding.fix.applicability.value if finding.fix else None}
    return types.Diagnostic(
        range=document.range_of(start, token_end(document.text, start)),
        message=finding.message,
        severity=SEVERITY.get(family_prefix(finding.rule_id), types.DiagnosticSeverity.Warning),
        code=finding.rule_id,
        code_description=types.CodeDescription(href=links[finding.rule_id]) if finding.rule_id in links else None,
        source=SOURCE,
        tags=tags or None,
        data=data,
    )


def error_diagnostic(document: Document, index: TextIndex, error: ErrorEntry) -> types.Diagnostic:
    """The one diagnostic for input the engine could not read, at the position it names."""
    start = _offset(index, error.line, error.column)
    end = start if start >= len(document.text) else start + 1
    return types.Diagnostic(range=document.range_of(start, end), message=error.message,
                            severity=types.DiagnosticSeverity.Error, source=SOURCE)


def configuration_diagnostic(message: str) -> types.Diagnostic:
    """A bad configuration file or editor option: nothing is checked until it is mended, and this says why."""
    here = types.Position(line=0, character=0)
    return types.Diagnostic(range=types.Range(start=here, end=here), message=f"autofix configuration: {message}",
                            severity=types.DiagnosticSeverity.Error, source=SOURCE, code="configuration")


def diagnostics(document: Document, findings: list[Finding], input_error: ErrorEntry | None) -> list[types.Diagnostic]:
    """The diagnostics of one analysed version: its findings, or the one input error."""
    index = TextIndex(document.text)
    if input_error is not None:
        return [error_diagnostic(document, index, input_error)]
    links = _rule_links()
    return [finding_diagnostic(document, index, f, links) for f in findings]
