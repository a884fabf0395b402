"""Code actions: what the editor's quick-fix and source-action menus offer for a document.

- ``quickfix``, one per finding under the cursor that has a fix: titled with the fix's own
  description; a safe fix is the preferred action, an unsafe one says so in its title;
- ``quickfix`` "Disable RULE for this resource": the ``Metadata`` suppression
  (``Metadata: {autofix: {ignore: [RULE]}}``) on the finding's resource, or on the template
  for a finding outside ``Resources``;
- ``source.fixAll.autofix``: every allowed fix applied to the fixpoint, as ``autofix fix``
  does (safe fixes; unsafe ones too when ``unsafe-fixes`` is configured).

Every edit is a versioned ``TextDocumentEdit`` of the version it was computed for, so an
editor that has moved on since refuses it instead of applying it to other text.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from lsprotocol import types

from autofix.rules.base import Applicability

if TYPE_CHECKING:
    from autofix.rules.base import Finding
    from autofix.server.documents import Document
    from autofix.server.textedits import Edit

FIX_ALL = f"{types.CodeActionKind.SourceFixAll.value}.autofix"
#: The kinds the server announces.
KINDS = [types.CodeActionKind.QuickFix, FIX_ALL]


def wanted(kind: str, only: Sequence[str] | None) -> bool:
    """Whether ``kind`` is among the kinds a request asked for (``only``), hierarchically:
    ``source`` asks for ``source.fixAll.autofix`` too."""
    if only is None:
        return True
    return any(kind == asked or kind.startswith(f"{asked}.") for asked in only)


def on_lines(diagnostic: types.Diagnostic, requested: types.Range) -> bool:
    """Whether the diagnostic touches a line of the requested range (editors ask for the cursor's
    position; the finding's key may be further along the line)."""
    return diagnostic.range.start.line <= requested.end.line and requested.start.line <= diagnostic.range.end.line


def workspace_edit(snapshot: Document, edits: Sequence[Edit], versioned: bool) -> types.WorkspaceEdit:
    """The edits as a workspace edit of ``snapshot``'s version (plain ``changes`` for a client that
    cannot take versioned edits)."""
    text_edits = [types.TextEdit(range=snapshot.range_of(e.start, e.end), new_text=e.new) for e in edits]
    if not versioned:
        return types.WorkspaceEdit(changes={snapshot.uri: text_edits})
    identifier = types.OptionalVersionedTextDocumentIdentifier(uri=snapshot.uri, version=snapshot.version)
    return types.WorkspaceEdit(document_changes=[types.TextDocumentEdit(text_document=identifier, edits=text_edits)])


def quick_fix_action(snapshot: Document, finding: Finding, diagnostic: types.Diagnostic, edits: Sequence[Edit],
                     versioned: bool) -> types.CodeAction:
    assert finding.fix is not None
    safe = finding.fix.applicability is Applicability.SAFE
    label = finding.rule_id if safe else f"{finding.rule_id} (unsafe fix)"
    return types.CodeAction(title=f"{label}: {finding.fix.description}", kind=types.CodeActionKind.QuickFix,
                            diagnostics=[diagnostic], is_preferred=safe,
                            edit=workspace_edit(snapshot, edits, versioned))


def suppression_action(snapshot: Document, finding: Finding, diagnostic: types.Diagnostic, edits: Sequence[Edit],
                       versioned: bool) -> types.CodeAction:
    scope = f"resource {finding.resource}" if finding.resource else "this template"
    return types.CodeAction(title=f"Disable {finding.rule_id} for {scope}", kind=types.CodeActionKind.QuickFix,
                            diagnostics=[diagnostic], edit=workspace_edit(snapshot, edits, versioned))


def fix_all_action(snapshot: Document, edits: Sequence[Edit], unsafe: bool, versioned: bool) -> types.CodeAction:
    title = "autofix: fix all fixable problems, unsafe fixes included" if unsafe else "autofix: fix all safe problems"
    return types.CodeAction(title=title, kind=FIX_ALL, edit=workspace_edit(snapshot, edits, versioned))
