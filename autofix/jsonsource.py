"""Positioned JSON reader.

The standard library parses JSON fast but forgets where values were; edits and
findings need offsets.  This reader follows ``json.loads`` semantics exactly
(the plain view of a JSON template is what ``json.loads`` gives) and records the
span of every value.  Duplicate keys are an error: CloudFormation rejects them
and silently keeping the last one would hide a real bug.
"""

from __future__ import annotations

import re
from json import scanner as _scanner
from json.decoder import JSONDecodeError, scanstring

from autofix.errors import LoadError
from autofix.limits import MAX_DEPTH
from autofix.nodes import MAP, SCALAR, SEQ, Node
from autofix.textindex import position

_WS = re.compile(r"[ \t\n\r]*")
_NUMBER = _scanner.NUMBER_RE
_CONSTANTS = {
    "true": True,
    "false": False,
    "null": None,
    "NaN": float("nan"),
    "Infinity": float("inf"),
    "-Infinity": float("-inf"),
}


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.depth = 0

    def fail(self, message: str, index: int) -> LoadError:
        line, col = position(self.text, index)
        return LoadError(f"invalid JSON: {message}", line=line, column=col)

    def skip(self, i: int) -> int:
        return _WS.match(self.text, i).end()

    def value(self, i: int) -> Node:
        text = self.text
        if i >= len(text):
            raise self.fail("unexpected end of file, expected a value", i)
        ch = text[i]
        if ch in "{[":
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise self.fail(f"nesting deeper than {MAX_DEPTH} levels", i)
            node = self.obj(i) if ch == "{" else self.arr(i)
            self.depth -= 1
            return node
        if ch == '"':
            try:
                s, end = scanstring(text, i + 1, True)
            except JSONDecodeError as exc:
                raise self.fail(exc.msg, exc.pos) from None
            return Node(SCALAR, i, end, value=s, style='"')
        m = _NUMBER.match(text, i)
        if m is not None and m.end() > i:
            integer, frac, exp = m.groups()
            if frac or exp:
                val: object = float(integer + (frac or "") + (exp or ""))
            else:
                try:
                    val = int(integer)
                except ValueError as exc:  # more digits than Python converts (json.loads refuses it too)
                    raise self.fail(f"bad number {integer[:40]!r}: {exc}", i) from None
            return Node(SCALAR, i, m.end(), value=val)
        for word, val in _CONSTANTS.items():
            if text.startswith(word, i):
                return Node(SCALAR, i, i + len(word), value=val)
        raise self.fail(f"unexpected character {ch!r}, expected a value", i)

    def obj(self, start: int) -> Node:
        text = self.text
        node = Node(MAP, start, start, flow=True)
        i = self.skip(start + 1)
        if text.startswith("}", i):
            node.end = i + 1
            return node
        while True:
            if not text.startswith('"', i):
                raise self.fail("expected a double-quoted property name", i)
            key = self.value(i)
            i = self.skip(key.end)
            if not text.startswith(":", i):
                raise self.fail("expected ':' after a property name", i)
            i = self.skip(i + 1)
            val = self.value(i)
            if key.value in node.keys:
                first_line, _ = position(text, node.items[node.keys[key.value]][0].start)
                line, col = position(text, key.start)
                raise LoadError(f"duplicate key {key.value!r} (first defined on line {first_line})",
                                line=line, column=col)
            node.keys[key.value] = len(node.items)
            node.items.append((key, val))
            i = self.skip(val.end)
            if text.startswith("}", i):
                node.end = i + 1
                return node
            if not text.startswith(",", i):
                raise self.fail("expected ',' or '}' after a property value", i)
            i = self.skip(i + 1)

    def arr(self, start: int) -> Node:
        text = self.text
        node = Node(SEQ, start, start, flow=True)
        i = self.skip(start + 1)
        if text.startswith("]", i):
            node.end = i + 1
            return node
        while True:
            val = self.value(i)
            node.items.append(val)
            i = self.skip(val.end)
            if text.startswith("]", i):
                node.end = i + 1
                return node
            if not text.startswith(",", i):
                raise self.fail("expected ',' or ']' after an array element", i)
            i = self.skip(i + 1)


def parse_json(text: str) -> Node:
    """Parse ``text`` (no BOM) into a positioned tree, or raise :class:`LoadError`."""
    parser = _Parser(text)
    i = parser.skip(0)
    root = parser.value(i)
    end = parser.skip(root.end)
    if end != len(text):
        raise parser.fail("extra data after the document", end)
    return root
