"""What a template's text looks like, so that new content can look the same.

Measured once per document from its own text: line endings, indentation unit,
how block sequences sit under their keys, whether intrinsic functions are
written in YAML short form, and how string scalars are quoted.
"""

from __future__ import annotations

from collections import Counter
from typing import NamedTuple

from autofix.nodes import MAP, SCALAR, SEQ, Node
from autofix.textindex import TextIndex


class Style(NamedTuple):
    newline: str = "\n"
    indent: str = "  "
    # JSON
    colon: str = ": "
    compact: bool = False
    #: Short collections written on one line (``{"Ref": "X"}``) in a pretty-printed JSON file.
    inline_short: bool = False
    # YAML
    seq_offset: int = 2
    item_offset: int = 2
    short_form: bool = True
    quote: str = "'"
    quote_all: bool = False

    @property
    def unit(self) -> int:
        return len(self.indent)


def _newline(text: str) -> str:
    crlf = text.count("\r\n")
    return "\r\n" if crlf and crlf * 2 >= text.count("\n") else "\n"


def _most_common(counter: Counter, default):
    return counter.most_common(1)[0][0] if counter else default


def detect_json_style(text: str, root: Node, index: TextIndex) -> Style:
    newline = _newline(text)
    indents: Counter = Counter()
    colons: Counter = Counter()
    compact = True
    one_line = multi_line = 0
    stack = [(root, "")]
    seen = 0
    while stack and seen < 400:
        node, parent_ws = stack.pop()
        seen += 1
        if node.kind != SCALAR and node.items and node is not root:
            if index.line_of(node.start) == index.line_of(node.end - 1):
                one_line += 1
            else:
                multi_line += 1
        if node.kind == MAP:
            for key, value in node.items:
                colons[text[key.end:value.start]] += 1
                if index.at_line_start(key.start):
                    compact = False
                    ws = index.leading_ws(key.start)
                    if ws.startswith(parent_ws) and len(ws) > len(parent_ws):
                        indents[ws[len(parent_ws):]] += 1
                    stack.append((value, ws))
                else:
                    stack.append((value, parent_ws))
        elif node.kind == SEQ:
            for item in node.items:
                if index.at_line_start(item.start):
                    compact = False
                    ws = index.leading_ws(item.start)
                    if ws.startswith(parent_ws) and len(ws) > len(parent_ws):
                        indents[ws[len(parent_ws):]] += 1
                    stack.append((item, ws))
                else:
                    stack.append((item, parent_ws))
    colon = _most_common(colons, ": ")
    if "\n" in colon or colon.strip() != ":":
        colon = ": "
    return Style(newline=newline, indent=_most_common(indents, "    "), colon=colon, compact=compact,
                 inline_short=one_line * 3 >= multi_line and one_line > 0)


def detect_yaml_style(text: str, root: Node, index: TextIndex) -> Style:
    newline = _newline(text)
    units: Counter = Counter()
    seq_offsets: Counter = Counter()
    item_offsets: Counter = Counter()
    quotes: Counter = Counter()
    tagged = long_form = 0
    stack = [root]
    while stack:
        node = stack.pop()
        if node.tag is not None:
            tagged += 1
        if node.kind == MAP:
            if len(node.keys) == 1:
                (only,) = node.keys
                if only == "Ref" or only.startswith("Fn::"):
                    long_form += 1
            for key, value in node.items:
                if not node.flow and value.kind != SCALAR and not value.flow:
                    kcol = index.col(key.start)
                    vcol = index.col(value.start)
                    if index.line_of(value.start) != index.line_of(key.start):
                        if value.kind == MAP and vcol > kcol:
                            units[vcol - kcol] += 1
                        elif value.kind == SEQ and vcol >= kcol:
                            seq_offsets[vcol - kcol] += 1
                if value.kind == SCALAR and isinstance(value.value, str) and value.tag is None:
                    quotes[value.style if value.style in ("'", '"') else "plain"] += 1
                stack.append(value)
        elif node.kind == SEQ:
            if not node.flow and node.items:
                first = node.items[0]
                if index.line_of(first.start) == index.line_of(node.start):
                    item_offsets[index.col(first.start) - index.col(node.start)] += 1
            for item in node.items:
                if item.kind == SCALAR and isinstance(item.value, str) and item.tag is None:
                    quotes[item.style if item.style in ("'", '"') else "plain"] += 1
                stack.append(item)
    unit = _most_common(units, 2)
    quoted = quotes["'"] + quotes['"']
    return Style(
        newline=newline,
        indent=" " * unit,
        seq_offset=_most_common(seq_offsets, unit),
        item_offset=max(2, _most_common(item_offsets, 2)),
        short_form=tagged > 0 or long_form == 0,
        quote='"' if quotes['"'] > quotes["'"] else "'",
        quote_all=quoted > quotes["plain"],
    )
