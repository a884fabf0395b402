"""pygls glue: the protocol class that feeds text synchronisation to autofix's document store.

pygls keeps its own copy of every open document and applies changes to it before a
server's handlers run; its line splitting disagrees with the protocol's (see
:mod:`autofix.server.documents`).  This protocol replaces those three built-in handlers
so that the server's store is the only copy, kept as the protocol defines it.
"""

from __future__ import annotations

from typing import Protocol

from lsprotocol import types
from pygls.protocol import LanguageServerProtocol, lsp_method


class DocumentSync(Protocol):
    """What this protocol needs of its server: the three text-synchronisation notifications.

    A structural type rather than the server class, so that the server module imports this one
    and not the other way round."""

    def did_open(self, params: types.DidOpenTextDocumentParams) -> None: ...

    def did_change(self, params: types.DidChangeTextDocumentParams) -> None: ...

    def did_close(self, params: types.DidCloseTextDocumentParams) -> None: ...


class AutofixProtocol(LanguageServerProtocol):
    """Text synchronisation goes to the server's document store (``AutofixServer.documents``);
    everything else is pygls's."""

    _server: DocumentSync  # type: ignore[assignment] - pygls types it as its LanguageServer

    @lsp_method(types.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(self, params: types.DidOpenTextDocumentParams) -> None:
        self._server.did_open(params)

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: types.DidChangeTextDocumentParams) -> None:
        self._server.did_change(params)

    @lsp_method(types.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(self, params: types.DidCloseTextDocumentParams) -> None:
        self._server.did_close(params)
