"""``autofix server``: the language server, its state and its handlers.

The protocol runs on one asyncio loop; the engine runs in two child processes beside it (see
:mod:`autofix.server.engine`): one checks, for the diagnostics, the other works out fixes, so
that a long fix-all never holds up the diagnostics of the next keystroke, and ending a
cancelled fix never costs the checks a cold start.  The server keeps reading and answering
(cancellations, newer changes) while a template is checked or fixed.  Per document it keeps
the latest version's analysis, shared by the diagnostics and every request for that version:

- ``didOpen`` checks at once; ``didChange`` waits for the typing to pause (the debounce),
  and a newer change cancels the wait and the older version's analysis;
- a request runs against the version the document has when it arrives; when the document
  changes before the answer is ready the request fails with ``ContentModified`` (the
  protocol's word for a superseded request), and ``$/cancelRequest`` cancels it;
- ``didClose`` forgets the document and clears its diagnostics.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Awaitable
from typing import Any, TypeVar

from lsprotocol import types
from pygls.capabilities import get_capability
from pygls.exceptions import JsonRpcContentModified
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from autofix import __version__
from autofix.discover import EXTENSIONS
from autofix.errors import ConfigError
from autofix.server import actions
from autofix.server.configuration import SECTION, client_options, settings_for
from autofix.server.diagnostics import configuration_diagnostic, diagnostics
from autofix.server.documents import Document, DocumentStore
from autofix.server.engine import Engine, EngineFailed, Job
from autofix.server.protocol import AutofixProtocol
from autofix.server.textedits import Edit
from autofix.settings import Settings

log = logging.getLogger(__name__)
T = TypeVar("T")

#: Seconds of quiet after a change before the document is checked again.
DEBOUNCE = 0.2
#: How long to wait for the editor's answer to ``workspace/configuration``.
CONFIGURATION_TIMEOUT = 5.0
#: Language ids worth reading; other documents are analysed only by file extension.
LANGUAGES = frozenset({"json", "jsonc", "yaml", "cloudformation", "yaml.cloudformation", "json.cloudformation"})


class Version:
    """One analysed version of a document, as the protocol side holds it."""

    def __init__(self, snapshot: Document, filename: str, settings: Settings | None) -> None:
        self.snapshot = snapshot
        self.filename = filename
        #: None when the configuration is bad (the one diagnostic says why)
        self.settings = settings
        self.findings: list[Any] = []
        self.diagnostics: list[types.Diagnostic] = []
        self.problems: list[str] = []

    @property
    def version(self) -> int | None:
        return self.snapshot.version

    def job(self, method: str, *args: Any) -> Job:
        assert self.settings is not None
        return Job(self.snapshot.uri, self.snapshot.version, self.snapshot.text, self.filename, self.settings,
                   method, args)


class AutofixServer(LanguageServer):
    """The language server; one instance serves one editor over standard input and output."""

    def __init__(self, debounce: float = DEBOUNCE) -> None:
        super().__init__("autofix", __version__, protocol_cls=AutofixProtocol,
                         text_document_sync_kind=types.TextDocumentSyncKind.Incremental)
        self.documents = DocumentStore()
        self.debounce = debounce
        #: the process that checks (diagnostics) and the one that works out edits
        self.checker, self.fixer = Engine(), Engine()
        #: uri -> (version, the analysis of that version, running or done)
        self._analyses: dict[str, tuple[int | None, asyncio.Future[Version]]] = {}
        #: uri -> the debounced diagnostics run waiting or in progress
        self._pending: dict[str, asyncio.Task[None]] = {}
        #: uri -> an event set when the document's version is superseded (changed or closed)
        self._superseded: dict[str, asyncio.Event] = {}
        #: the editor's options from initializationOptions / didChangeConfiguration (or why they are bad)
        self._options: dict[str, Any] = {}
        self._options_error: str | None = None
        #: workspace/configuration answers per scope uri
        self._folder_options: dict[str, dict[str, Any] | str] = {}
        self._logged: dict[str, set[str]] = {}
        self._folders: list[str] = []
        self._ask_configuration = False
        self._versioned_edits = False
        self._warming: asyncio.Future[Any] | None = None

    # ------------------------------------------------------------------ lifecycle

    def initialize(self, params: types.InitializeParams) -> None:
        capabilities = params.capabilities
        self.documents.encoding = self.protocol.workspace.position_encoding or types.PositionEncodingKind.Utf16
        self._ask_configuration = bool(get_capability(capabilities, "workspace.configuration", False))
        # versioned edits need documentChanges; a client announcing resource operations takes them too
        # (those exist only there), as Neovim 0.7 does without saying documentChanges
        edit = "workspace.workspace_edit"
        self._versioned_edits = bool(get_capability(capabilities, f"{edit}.document_changes", False)
                                     or get_capability(capabilities, f"{edit}.resource_operations", None))
        self._folders = [f.uri for f in params.workspace_folders or []]
        if not self._folders and params.root_uri:
            self._folders = [params.root_uri]
        self._set_options(params.initialization_options, "initializationOptions")
        self._warming = asyncio.gather(self.checker.warm(), self.fixer.warm())

    def shutdown_engine(self) -> None:
        for task in self._pending.values():
            task.cancel()
        self.checker.stop()
        self.fixer.stop()

    def _set_options(self, raw: Any, origin: str) -> None:
        try:
            self._options, self._options_error = client_options(raw, origin), None
        except ConfigError as exc:
            self._options, self._options_error = {}, exc.message

    def configuration_changed(self, params: types.DidChangeConfigurationParams) -> None:
        settings = params.settings
        if isinstance(settings, dict) and SECTION in settings:
            self._set_options(settings, "settings")
        self._folder_options.clear()
        for document in self.documents:
            self._schedule(document, 0)

    def folders_changed(self, params: types.DidChangeWorkspaceFoldersParams) -> None:
        removed = {f.uri for f in params.event.removed}
        self._folders = [f for f in self._folders if f not in removed] + [f.uri for f in params.event.added]
        self._folder_options.clear()

    # ------------------------------------------------------------------ text synchronisation

    def did_open(self, params: types.DidOpenTextDocumentParams) -> None:
        document = self.documents.open(params.text_document)
        self._supersede(document.uri)
        self._schedule(document, 0)

    def did_change(self, params: types.DidChangeTextDocumentParams) -> None:
        document = self.documents.change(params)
        if document is None:
            return
        self._supersede(document.uri)
        self._schedule(document, self.debounce)

    def did_close(self, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        self.documents.close(uri)
        self._supersede(uri)
        self._superseded.pop(uri, None)
        self._logged.pop(uri, None)
        pending = self._pending.pop(uri, None)
        if pending is not None:
            pending.cancel()
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    def _supersede(self, uri: str) -> None:
        """A newer version (or none): wake the requests that were answering for the old one, and
        drop its analysis (a check under way finishes, in a moment, rather than cost the engine a
        restart; its result is not used)."""
        event = self._superseded.get(uri)
        if event is not None:
            event.set()
        self._superseded[uri] = asyncio.Event()
        self._analyses.pop(uri, None)

    @staticmethod
    def wanted(document: Document) -> bool:
        """Whether the document could be a template: JSON or YAML by language or file extension."""
        if document.language_id.lower() in LANGUAGES:
            return True
        return os.path.splitext(document.uri.split("?", 1)[0])[1].lower() in EXTENSIONS

    # ------------------------------------------------------------------ diagnostics

    def _schedule(self, document: Document, delay: float) -> None:
        pending = self._pending.pop(document.uri, None)
        if pending is not None:
            pending.cancel()
        if self.wanted(document):
            self._pending[document.uri] = asyncio.ensure_future(self._diagnose(document, delay))

    async def _diagnose(self, document: Document, delay: float) -> None:
        if delay:
            await asyncio.sleep(delay)
        analysis = await self.analysis(document)
        if self.documents.get(document.uri) is not document or document.version != analysis.version:
            return  # superseded meanwhile: the newer version publishes its own
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
            uri=document.uri, diagnostics=analysis.diagnostics, version=analysis.version))
        self._log_problems(document.uri, analysis)

    def _log_problems(self, uri: str, analysis: Version) -> None:
        """Rule failures go to the editor's log, each once while it lasts (not on every keystroke)."""
        current = set(analysis.problems)
        for problem in sorted(current - self._logged.get(uri, set())):
            self.window_log_message(types.LogMessageParams(type=types.MessageType.Warning, message=problem))
        self._logged[uri] = current

    async def analysis(self, document: Document) -> Version:
        """The analysis of the document's current version (started now, or shared with whoever started it)."""
        cached = self._analyses.get(document.uri)
        if cached is None or cached[0] != document.version:
            snapshot = Document(document.uri, document.text, document.version, document.language_id,
                                document.encoding)
            cached = (document.version, asyncio.ensure_future(self._analyse(snapshot)))
            self._analyses[document.uri] = cached
        return await asyncio.shield(cached[1])

    async def _analyse(self, snapshot: Document) -> Version:
        path = to_fs_path(snapshot.uri) if snapshot.uri.startswith("file:") else None
        options = await self._options_for(snapshot.uri)
        try:
            if isinstance(options, str):
                raise ConfigError(options)
            settings = settings_for(path, options, self._folder_path(snapshot.uri))
        except ConfigError as exc:
            analysis = Version(snapshot, path or snapshot.uri, None)
            analysis.diagnostics = [configuration_diagnostic(exc.message)]
            return analysis
        analysis = Version(snapshot, path or snapshot.uri, settings)
        checked = await self.run(analysis, "check")
        if checked is not None:
            analysis.findings = checked.findings
            analysis.diagnostics = diagnostics(snapshot, checked.findings, checked.input_error)
        return analysis

    async def run(self, analysis: Version, method: str, *args: Any) -> Any:
        """A call on the engine's analysis of ``analysis``' version; None when the engine failed (logged)."""
        try:
            engine = self.checker if method == "check" else self.fixer
            value, problems = await engine.run(analysis.job(method, *args))
        except EngineFailed as exc:
            log.error("%s", exc)
            analysis.problems.append(f"internal error: {exc}")
            return None
        analysis.problems = problems
        return value

    async def edits(self, analysis: Version, method: str, *args: Any) -> list[Edit] | None:
        return await self.run(analysis, method, *args)

    # ------------------------------------------------------------------ configuration

    def _folder_of(self, uri: str) -> str | None:
        inside = [f for f in self._folders if uri.startswith(f.rstrip("/") + "/")]
        return max(inside, key=len) if inside else None

    def _folder_path(self, uri: str) -> str | None:
        folder = self._folder_of(uri) or (self._folders[0] if self._folders else None)
        return to_fs_path(folder) if folder and folder.startswith("file:") else None

    async def _options_for(self, uri: str) -> dict[str, Any] | str:
        """The editor's options for a document (its folder's over the global ones), or the error in them."""
        if self._options_error:
            return self._options_error
        if not self._ask_configuration:
            return self._options
        scope = self._folder_of(uri) or uri
        if scope not in self._folder_options:
            self._folder_options[scope] = await self._ask_folder(scope)
        folder = self._folder_options[scope]
        return folder if isinstance(folder, str) else {**self._options, **folder}

    async def _ask_folder(self, scope: str) -> dict[str, Any] | str:
        params = types.ConfigurationParams(items=[types.ConfigurationItem(scope_uri=scope, section=SECTION)])
        try:
            answer = await asyncio.wait_for(self.workspace_configuration_async(params), CONFIGURATION_TIMEOUT)
        except Exception as exc:  # an editor that cannot answer: use the global options
            log.info("workspace/configuration failed: %s", exc)
            return {}
        try:
            return client_options(answer[0] if answer else None, f"workspace configuration of {scope}")
        except ConfigError as exc:
            return exc.message

    # ------------------------------------------------------------------ code actions

    async def code_actions(self, params: types.CodeActionParams) -> list[types.CodeAction] | None:
        document = self.documents.get(params.text_document.uri)
        if document is None or not self.wanted(document):
            return None
        return await self._unless_superseded(document.uri, self._code_actions(document, params))

    async def _unless_superseded(self, uri: str, work: Awaitable[T]) -> T:
        """``work``'s result, or ``ContentModified`` as soon as the document changes under it."""
        changed = self._superseded.setdefault(uri, asyncio.Event())
        task = asyncio.ensure_future(work)
        waiter = asyncio.ensure_future(changed.wait())
        try:
            await asyncio.wait({task, waiter}, return_when=asyncio.FIRST_COMPLETED)
            if task.done() and not task.cancelled():
                return task.result()
            raise JsonRpcContentModified("the document changed; ask again for its new version")
        finally:
            task.cancel()
            waiter.cancel()

    async def _code_actions(self, document: Document, params: types.CodeActionParams) -> list[types.CodeAction]:
        analysis = await self.analysis(document)
        snapshot, versioned = analysis.snapshot, self._versioned_edits
        only = params.context.only
        out: list[types.CodeAction] = []
        if actions.wanted(types.CodeActionKind.QuickFix, only):
            hits = [i for i, d in enumerate(analysis.diagnostics[:len(analysis.findings)])
                    if actions.on_lines(d, params.range)]
            for i in hits:
                edits = await self.edits(analysis, "quick_fix", i)
                if edits:
                    out.append(actions.quick_fix_action(snapshot, analysis.findings[i], analysis.diagnostics[i],
                                                        edits, versioned))
            for i in hits:
                edits = await self.edits(analysis, "suppression", i)
                if edits:
                    out.append(actions.suppression_action(snapshot, analysis.findings[i], analysis.diagnostics[i],
                                                          edits, versioned))
        # the fix-all runs the whole fix loop: only when asked for by kind, or by the user, not for
        # every automatic request an editor sends as the cursor moves
        asked = only is not None or params.context.trigger_kind != types.CodeActionTriggerKind.Automatic
        if asked and actions.wanted(actions.FIX_ALL, only) and analysis.findings:
            edits = await self.edits(analysis, "fix_all")
            if edits:
                assert analysis.settings is not None
                out.append(actions.fix_all_action(snapshot, edits, analysis.settings.unsafe_fixes, versioned))
        self._log_problems(document.uri, analysis)
        return out


def create_server(debounce: float = DEBOUNCE) -> AutofixServer:
    """A server with every handler registered."""
    server = AutofixServer(debounce)

    @server.feature(types.INITIALIZE)
    def initialize(ls: AutofixServer, params: types.InitializeParams) -> None:
        ls.initialize(params)

    @server.feature(types.SHUTDOWN)
    def shutdown(ls: AutofixServer, params: None) -> None:
        ls.shutdown_engine()

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    def configuration(ls: AutofixServer, params: types.DidChangeConfigurationParams) -> None:
        ls.configuration_changed(params)

    @server.feature(types.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)
    def folders(ls: AutofixServer, params: types.DidChangeWorkspaceFoldersParams) -> None:
        ls.folders_changed(params)

    @server.feature(types.TEXT_DOCUMENT_CODE_ACTION,
                    types.CodeActionOptions(code_action_kinds=actions.KINDS, resolve_provider=False))
    async def code_action(ls: AutofixServer, params: types.CodeActionParams) -> list[types.CodeAction] | None:
        return await ls.code_actions(params)

    return server


def serve() -> None:
    """Serve one editor over standard input and output until it says exit."""
    logging.basicConfig(level=logging.WARNING, format="autofix server: %(levelname)s %(message)s")
    create_server().start_io()
