"""The editor's open documents: text kept in step with incremental changes, positions in LSP units.

LSP positions count lines by ``\\n``, ``\\r\\n`` and ``\\r`` only, and characters in the code
units the client and server agreed on (UTF-16 unless both chose otherwise).  pygls's own
document store splits lines with :meth:`str.splitlines`, which also breaks at U+2028, form
feeds and other characters that are plain text to an editor (a YAML string may hold one),
and then applies every later edit to the wrong line.  This store counts lines as the
protocol does, and converts between offsets into the text (code points, what the engine
uses) and client positions in one place.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from functools import cached_property

from lsprotocol import types

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def _units(text: str, encoding: str) -> int:
    """How many code units of ``encoding`` (an LSP ``PositionEncodingKind``) ``text`` takes."""
    if encoding == types.PositionEncodingKind.Utf32 or text.isascii():
        return len(text)
    if encoding == types.PositionEncodingKind.Utf8:
        return len(text.encode("utf-8", "surrogatepass"))
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _code_points(line: str, units: int, encoding: str) -> int:
    """The number of characters of ``line`` that ``units`` code units cover (clamped to the line)."""
    if encoding == types.PositionEncodingKind.Utf32 or line.isascii():
        return min(units, len(line))
    seen = 0
    for index, char in enumerate(line):
        if seen >= units:
            return index
        seen += _units(char, encoding)
    return len(line)


class Document:
    """One open text document: its uri, language, version and current text."""

    def __init__(self, uri: str, text: str, version: int | None, language_id: str = "",
                 encoding: str = types.PositionEncodingKind.Utf16) -> None:
        self.uri = uri
        self.language_id = language_id
        self.version = version
        self.encoding = encoding
        self._text = text

    @property
    def text(self) -> str:
        return self._text

    @cached_property
    def _starts(self) -> list[int]:
        return [0, *(m.end() for m in _LINE_BREAK.finditer(self._text))]

    def _line_end(self, line: int) -> int:
        """Where line ``line``'s content ends (before its line break)."""
        starts = self._starts
        if line + 1 >= len(starts):
            return len(self._text)
        end = starts[line + 1]
        return end - 2 if self._text.startswith("\r\n", end - 2) else end - 1

    def offset_at(self, position: types.Position) -> int:
        """The text offset of a client position; past the end of a line means its end, past the last
        line the end of the text (as the protocol asks)."""
        starts = self._starts
        if position.line >= len(starts):
            return len(self._text)
        start = starts[position.line]
        line = self._text[start:self._line_end(position.line)]
        return start + _code_points(line, position.character, self.encoding)

    def position_at(self, offset: int) -> types.Position:
        """The client position of a text offset."""
        offset = max(0, min(offset, len(self._text)))
        line = bisect_right(self._starts, offset) - 1
        start = self._starts[line]
        return types.Position(line=line, character=_units(self._text[start:offset], self.encoding))

    def range_of(self, start: int, end: int) -> types.Range:
        return types.Range(start=self.position_at(start), end=self.position_at(end))

    def apply(self, change: types.TextDocumentContentChangeEvent) -> None:
        """Apply one change from ``didChange``: a range replaced, or (no range) the whole text."""
        if isinstance(change, types.TextDocumentContentChangePartial):
            start = self.offset_at(change.range.start)
            end = max(start, self.offset_at(change.range.end))
            self._set(self._text[:start] + change.text + self._text[end:])
        else:
            self._set(change.text)

    def _set(self, text: str) -> None:
        self._text = text
        self.__dict__.pop("_starts", None)


class DocumentStore:
    """The open documents by uri (what ``didOpen`` / ``didChange`` / ``didClose`` maintain)."""

    def __init__(self) -> None:
        self._documents: dict[str, Document] = {}
        self.encoding: str = types.PositionEncodingKind.Utf16

    def open(self, item: types.TextDocumentItem) -> Document:
        document = Document(item.uri, item.text, item.version, item.language_id, self.encoding)
        self._documents[item.uri] = document
        return document

    def change(self, params: types.DidChangeTextDocumentParams) -> Document | None:
        """Apply ``params``' changes in order and take its version; None for a document not open."""
        document = self._documents.get(params.text_document.uri)
        if document is None:
            return None
        for change in params.content_changes:
            document.apply(change)
        document.version = params.text_document.version
        return document

    def close(self, uri: str) -> Document | None:
        return self._documents.pop(uri, None)

    def get(self, uri: str) -> Document | None:
        return self._documents.get(uri)

    def __iter__(self) -> Iterator[Document]:
        return iter(list(self._documents.values()))
