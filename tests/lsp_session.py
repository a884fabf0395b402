"""An editor for the language-server tests: pygls's client driving ``autofix server`` over stdio.

The session keeps its own copy of each document, as an editor does, and applies the
server's edits to it the way the protocol says (UTF-16 positions, versioned document
edits refused when the document has moved on).  Positions are worked out here
independently of the server's own code, so that the two cannot agree on the same mistake.
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pygls.lsp.client import LanguageClient

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 60.0


def offset(text: str, position: types.Position) -> int:
    """The code-point offset of a UTF-16 position in ``text`` (lines end at ``\\n``)."""
    lines = text.split("\n")
    if position.line >= len(lines):
        return len(text)
    start = sum(len(line) + 1 for line in lines[: position.line])
    units = 0
    for i, char in enumerate(lines[position.line]):
        if units >= position.character:
            return start + i
        units += 2 if ord(char) > 0xFFFF else 1
    return start + len(lines[position.line])


def utf16_position(text: str, index: int) -> types.Position:
    """The UTF-16 position of a code-point offset."""
    before = text[:index]
    line = before.count("\n")
    column = before[before.rfind("\n") + 1:]
    return types.Position(line=line, character=len(column.encode("utf-16-le")) // 2)


def apply_text_edits(text: str, edits: list[types.TextEdit]) -> str:
    spans = sorted(((offset(text, e.range.start), offset(text, e.range.end), e.new_text) for e in edits),
                   reverse=True)
    for start, end, new in spans:
        text = text[:start] + new + text[end:]
    return text


class Session:
    """One server process and the documents this editor has open in it."""

    def __init__(self, client: LanguageClient) -> None:
        self.client = client
        self.texts: dict[str, str] = {}
        self.versions: dict[str, int] = {}
        self.published: dict[str, list[types.PublishDiagnosticsParams]] = {}
        self.logs: list[str] = []
        self.stderr: list[str] = []
        self._stderr: asyncio.Future[None] | None = None
        self.configuration: dict[str, Any] = {}
        self.configuration_asked: list[types.ConfigurationItem] = []
        self._arrived = asyncio.Condition()

    # ------------------------------------------------------------ start and stop

    @classmethod
    async def start(cls, root: Path, *, initialization_options: Any = None, configuration: dict | None = None,
                    versioned: bool = True, folders: list[Path] | None = None) -> Session:
        client = LanguageClient("autofix-tests", "1")
        session = cls(client)
        session.configuration = configuration or {}

        @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        async def published(params: types.PublishDiagnosticsParams) -> None:
            async with session._arrived:
                session.published.setdefault(params.uri, []).append(params)
                session._arrived.notify_all()

        @client.feature(types.WINDOW_LOG_MESSAGE)
        def logged(params: types.LogMessageParams) -> None:
            session.logs.append(params.message)

        @client.feature(types.WORKSPACE_CONFIGURATION)
        def configuration_request(params: types.ConfigurationParams) -> list[Any]:
            session.configuration_asked.extend(params.items)
            return [session.configuration.get(item.scope_uri) for item in params.items]

        env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
        await client.start_io(sys.executable, "-m", "autofix", "server", env=env, cwd=str(root))
        session._stderr = asyncio.ensure_future(session._drain(client._server.stderr))
        capabilities = types.ClientCapabilities(workspace=types.WorkspaceClientCapabilities(
            configuration=configuration is not None,
            workspace_edit=types.WorkspaceEditClientCapabilities(document_changes=versioned)))
        workspace = [types.WorkspaceFolder(uri=f.as_uri(), name=f.name) for f in folders or [root]]
        await asyncio.wait_for(client.initialize_async(types.InitializeParams(
            capabilities=capabilities, root_uri=root.as_uri(), workspace_folders=workspace,
            initialization_options=initialization_options)), TIMEOUT)
        client.initialized(types.InitializedParams())
        return session

    async def _drain(self, stream: asyncio.StreamReader) -> None:
        """Keep reading the server's standard error (a full pipe would block it) for failure reports."""
        while line := await stream.readline():
            self.stderr.append(line.decode("utf-8", "replace"))

    async def stop(self) -> None:
        try:
            await asyncio.wait_for(self.client.shutdown_async(None), TIMEOUT)
            self.client.exit(None)
        finally:
            await self.client.stop()

    # ------------------------------------------------------------ documents

    def open(self, path: Path, text: str, language: str = "yaml") -> str:
        uri = path.as_uri()
        self.texts[uri], self.versions[uri] = text, 1
        self.client.text_document_did_open(types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id=language, version=1, text=text)))
        return uri

    def change(self, uri: str, edits: list[types.TextEdit]) -> int:
        """Send ``edits`` (applied one after the other) as one incremental didChange; the new version."""
        changes = []
        for edit in edits:
            self.texts[uri] = apply_text_edits(self.texts[uri], [edit])
            changes.append(types.TextDocumentContentChangePartial(range=edit.range, text=edit.new_text))
        self.versions[uri] += 1
        self.client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=self.versions[uri]),
            content_changes=changes))
        return self.versions[uri]

    def replace(self, uri: str, old: str, new: str) -> int:
        """Type ``new`` over the first ``old`` in the document (one incremental change)."""
        text = self.texts[uri]
        start = text.index(old)
        where = types.Range(start=utf16_position(text, start), end=utf16_position(text, start + len(old)))
        return self.change(uri, [types.TextEdit(range=where, new_text=new)])

    def close(self, uri: str) -> None:
        self.client.text_document_did_close(types.DidCloseTextDocumentParams(
            text_document=types.TextDocumentIdentifier(uri=uri)))

    async def diagnostics(self, uri: str, version: int | None = None) -> list[types.Diagnostic]:
        """The diagnostics published for ``version`` of ``uri`` (waiting for them)."""
        def found() -> types.PublishDiagnosticsParams | None:
            return next((p for p in reversed(self.published.get(uri, [])) if p.version == version), None)

        async with self._arrived:
            await asyncio.wait_for(self._arrived.wait_for(found), TIMEOUT)
        params = found()
        assert params is not None
        return list(params.diagnostics)

    # ------------------------------------------------------------ code actions

    async def code_actions(self, uri: str, where: types.Range, only: list[str] | None = None,
                           ) -> list[types.CodeAction]:
        params = types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri), range=where,
            context=types.CodeActionContext(diagnostics=[], only=only,
                                            trigger_kind=types.CodeActionTriggerKind.Invoked))
        return list(await asyncio.wait_for(self.client.text_document_code_action_async(params), TIMEOUT) or [])

    def apply(self, edit: types.WorkspaceEdit) -> bool:
        """Apply a workspace edit as an editor does: a versioned edit only to that version.  Sends the
        change to the server when applied; False when refused as stale."""
        document_edits = edit.document_changes or []
        for document_edit in document_edits:
            assert isinstance(document_edit, types.TextDocumentEdit)
            uri = document_edit.text_document.uri
            if document_edit.text_document.version != self.versions[uri]:
                return False
        for document_edit in document_edits:
            self.apply_edits(document_edit.text_document.uri, list(document_edit.edits))
        for uri, edits in (edit.changes or {}).items():
            self.apply_edits(uri, list(edits))
        return True

    def apply_edits(self, uri: str, edits: list[types.TextEdit]) -> int:
        """Apply edits of one version at once and send the result as one didChange (as editors do)."""
        before = self.texts[uri]
        after = apply_text_edits(before, edits)
        self.texts[uri] = before
        # one change for the whole span the edits cover, so the server receives exactly these bytes
        ordered = sorted(edits, key=lambda e: offset(before, e.range.start))
        changes = []
        for e in reversed(ordered):  # later edits first: earlier positions stay valid
            changes.append(types.TextEdit(range=e.range, new_text=e.new_text))
        version = self.change(uri, changes)
        assert self.texts[uri] == after
        return version


def run(coroutine: Any) -> Any:
    return asyncio.run(coroutine)


def error_code(exc: BaseException) -> int | None:
    return exc.code if isinstance(exc, JsonRpcException) else None
