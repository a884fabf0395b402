"""The language server's document store and edits, without a server: LSP positions and minimal edits."""

from __future__ import annotations

import itertools

import pytest

pytest.importorskip("lsprotocol")

from hypothesis import given
from hypothesis import strategies as st
from lsprotocol import types

from autofix.server.documents import Document
from autofix.server.textedits import apply_edits, text_edits


def change(line: int, start: int, end: int, text: str,
           end_line: int | None = None) -> types.TextDocumentContentChangePartial:
    return types.TextDocumentContentChangePartial(range=types.Range(
        start=types.Position(line=line, character=start),
        end=types.Position(line=line if end_line is None else end_line, character=end)), text=text)


def test_lines_end_only_where_the_protocol_says() -> None:
    # U+2028, a form feed and U+0085 are characters inside a line to an editor, not line breaks
    document = Document("file:///t.yaml", 'a: "x\u2028y\x0cz\x85"\nb: 1\r\nc: 2\rd: 3\n', 1)
    document.apply(change(1, 3, 4, "9"))
    document.apply(change(2, 3, 4, "8"))
    document.apply(change(3, 3, 4, "7"))
    assert document.text == 'a: "x\u2028y\x0cz\x85"\nb: 9\r\nc: 8\rd: 7\n'


def test_utf16_units_past_a_non_bmp_character() -> None:
    document = Document("file:///t.yaml", 'k: "\U0001F600" v\n', 1)
    # the emoji is two UTF-16 units: "v" is at character 8, not 7
    document.apply(change(0, 8, 9, "w"))
    assert document.text == 'k: "\U0001F600" w\n'
    assert document.position_at(document.text.index("w")) == types.Position(line=0, character=8)


@pytest.mark.parametrize(("encoding", "character"), [(types.PositionEncodingKind.Utf8, 10),
                                                     (types.PositionEncodingKind.Utf16, 8),
                                                     (types.PositionEncodingKind.Utf32, 7)])
def test_negotiated_encodings(encoding: str, character: int) -> None:
    document = Document("file:///t.yaml", 'k: "\U0001F600" v\n', 1, encoding=encoding)
    assert document.position_at(document.text.index("v")).character == character
    assert document.offset_at(types.Position(line=0, character=character)) == document.text.index("v")


def test_positions_past_the_end_are_clamped() -> None:
    document = Document("file:///t.yaml", "ab\ncd\n", 1)
    assert document.offset_at(types.Position(line=0, character=99)) == 2  # the line's end, before its break
    assert document.offset_at(types.Position(line=9, character=0)) == len(document.text)
    document.apply(change(0, 1, 99, "X", end_line=0))
    assert document.text == "aX\ncd\n"


def test_whole_document_change() -> None:
    document = Document("file:///t.yaml", "old\n", 1)
    document.apply(types.TextDocumentContentChangeWholeDocument(text="new\n"))
    assert document.text == "new\n" and document.position_at(4) == types.Position(line=1, character=0)


def test_edits_are_the_changed_characters_only() -> None:
    before = "a: 1\r\nkey: aes256\r\nz: 2\r\n"
    after = "a: 1\r\nkey: AES256\r\nnew: x\r\nz: 2\r\n"
    edits = text_edits(before, after)
    assert apply_edits(before, edits) == after
    assert [before[e.start:e.end] for e in edits] == ["aes256"]  # not the key, not the lines around
    for edit in edits:  # never between the two characters of a CRLF
        assert before[edit.start - 1:edit.start + 1] != "\r\n"
        assert before[edit.end - 1:edit.end + 1] != "\r\n"


lines = st.lists(st.sampled_from(["a: 1", "b: [x, y]", "  c: \U0001F600", "", "# note"]), max_size=8)


@given(lines, lines, st.sampled_from(["\n", "\r\n"]))
def test_edits_turn_one_text_into_the_other(old: list[str], new: list[str], newline: str) -> None:
    before, after = newline.join(old) + newline, newline.join(new) + newline
    edits = text_edits(before, after)
    assert apply_edits(before, edits) == after
    assert all(a.end <= b.start for a, b in itertools.pairwise(edits))
