"""The original text of values a fix moves or copies, shifted to their new place.

A fix that moves a value (RFC 6902 ``move``) or builds a new one out of parts of
the template (a policy split out to a resource of its own) adds data that is
already written in the template.  Rendered anew, that data would change its
quoting, lose its comments and take another layout, and every line of it would
show in the diff as rewritten.  The renderers ask a :class:`TextBank` first: a
collection found written in the document the fix started from is copied as it
is written, every line shifted by the same number of columns; a string found
there is quoted as it is there.

Nothing here has to be right for the result to be right: the edit engine reads
every spliced text back, and a copy that does not give the patched data is
rendered anew instead (see :mod:`autofix.edits`).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, NamedTuple

from autofix.nodes import MAP, SCALAR, SEQ, Node, content_end, long_name, to_plain
from autofix.yamlsource import may_alias

if TYPE_CHECKING:
    from autofix.document import TemplateDocument


class _Written(NamedTuple):
    node: Node
    #: the mapping key the value belongs to (None for a sequence item): what its lines are indented from
    key: Node | None


def same(a: Any, b: Any) -> bool:
    """Equal as JSON data: unlike ``==``, ``true`` is not ``1``, ``1.0`` is not ``1``, NaN is itself."""
    if a is b:
        return True
    try:
        return json.dumps(a, sort_keys=True, check_circular=False) == json.dumps(b, sort_keys=True,
                                                                              check_circular=False)
    except (TypeError, ValueError):  # pragma: no cover - plain views hold JSON data only
        return False


def _signature(value: Any) -> tuple | None:
    """What a collection is looked up by: its kind, size and first key (cheap, and rarely shared)."""
    if isinstance(value, dict) and value:
        return ("map", len(value), next(iter(value)))
    if isinstance(value, list) and value:
        return ("seq", len(value))
    return None


def _node_signature(node: Node) -> tuple | None:
    if node.tag is not None:
        return ("map", 1, long_name(node.tag))
    if node.kind == MAP and node.keys:
        return ("map", len(node.keys), next(iter(node.keys)))
    if node.kind == SEQ and node.items:
        return ("seq", len(node.items))
    return None


def _shifted(lines: list[str], shift: int) -> list[str] | None:
    """``lines`` moved ``shift`` columns right (left when negative); None when a line cannot move left."""
    out = []
    for line in lines:
        if line == "":
            out.append(line)
        elif shift >= 0:
            out.append(" " * shift + line)
        else:
            indent = len(line) - len(line.lstrip(" "))
            if indent >= -shift:
                out.append(line[-shift:])
            elif not line.strip(" \t"):
                out.append("")
            elif line.lstrip(" ").startswith("#"):  # a comment may stand at any column
                out.append(line.lstrip(" "))
            else:
                return None
    return out


class TextBank:
    """Where the values of one document are written, to copy that text for an equal value elsewhere."""

    def __init__(self, doc: TemplateDocument) -> None:
        self.doc = doc
        self._values: dict[tuple, list[_Written]] | None = None
        self._quotes: dict[tuple[bool, str], str] = {}
        #: whether a rendering copied text from here since last reset (a failed check then retries without)
        self.used = False

    # ------------------------------------------------------------ the index

    def _index(self) -> dict[tuple, list[_Written]]:
        if self._values is not None:
            return self._values
        values: dict[tuple, list[_Written]] = {}
        self._values = values
        doc = self.doc
        text = doc.text
        quotes = self._quotes
        stack: list[tuple[Node, Node | None]] = [(doc.root, None)]
        while stack:
            node, key = stack.pop()
            kind = node.kind
            if kind == SCALAR:
                if isinstance(node.value, str) and "\n" not in text[node.start:node.end]:
                    quotes.setdefault((False, node.value), node.style if node.style in ("'", '"') else "plain")
                if node.tag is not None and node is not doc.root:
                    values.setdefault(("map", 1, long_name(node.tag)), []).append(_Written(node, key))
                continue
            if node is not doc.root:
                sig = _node_signature(node)
                if sig is not None:
                    values.setdefault(sig, []).append(_Written(node, key))
            if kind == MAP:
                for k, _ in node.items:
                    if k.kind == SCALAR and k.tag is None and isinstance(k.value, str):
                        quotes.setdefault((True, k.value), k.style if k.style in ("'", '"') else "plain")
                stack.extend((v, k) for k, v in reversed(node.items))
            else:
                stack.extend((v, None) for v in reversed(node.items))
        return values

    def _owner(self, written: _Written) -> int:
        """The column of a value's key, or of its dash (of its line, in a flow sequence)."""
        ix = self.doc.index
        if written.key is not None:
            return ix.col(written.key.start)
        text = self.doc.text
        i = written.node.start - 1
        while i >= 0 and text[i] in " \t":
            i -= 1
        if i >= 0 and text[i] == "-":
            return ix.col(i)
        return len(ix.leading_ws(written.node.start))

    def find(self, value: Any) -> _Written | None:
        """Where ``value`` (a non-empty collection, or an intrinsic function) is written, if anywhere."""
        sig = _signature(value)
        if sig is None:
            return None
        for written in self._index().get(sig, ()):
            plain = to_plain(written.node)
            if plain == value and same(plain, value):
                return written
        return None

    def quote(self, value: str, *, key: bool = False) -> str | None:
        """How the string ``value`` is written in the document (``'``, ``"`` or ``plain``), if it is."""
        self._index()
        return self._quotes.get((key, value))

    # ------------------------------------------------------------ copies

    def _lines(self, node: Node) -> list[str]:
        text = self.doc.text
        return [line.removesuffix("\r") for line in text[node.start:content_end(text, node)].split("\n")]

    def yaml(self, value: Any, owner: int, block_col: int) -> tuple[str, list[str]] | None:
        """``value``'s text for a place whose key or dash is at column ``owner``, as ``(head, lines)``.

        A block collection comes back as lines starting at ``block_col`` (``head`` empty); a value
        written inline (a short-form tag, a flow collection) as its first line and the lines that
        continue it, shifted as far as its key or dash moved.
        """
        found = self.find(value)
        if found is None:
            return None
        node = found.node
        lines = self._lines(node)
        if may_alias("\n".join(lines)):
            return None  # a copied anchor would be defined twice
        block = node.kind != SCALAR and not node.flow and node.tag is None
        if block:
            rest = _shifted(lines[1:], block_col - self.doc.index.col(node.start))
            if rest is None:
                return None
            self.used = True
            return "", [" " * block_col + lines[0], *rest]
        rest = _shifted(lines[1:], owner - self._owner(found)) if len(lines) > 1 else []
        if rest is None:
            return None
        self.used = True
        return lines[0], rest

    def json(self, value: Any, base: str, newline: str) -> str | None:
        """``value``'s JSON text for a place whose line is indented by ``base``."""
        found = self.find(value)
        if found is None:
            return None
        lines = self._lines(found.node)
        old = self.doc.index.leading_ws(found.node.start)
        out = [lines[0]]
        for line in lines[1:]:
            if line.startswith(old):
                out.append(base + line[len(old):])
            elif not line.strip(" \t"):
                out.append("")
            else:
                return None
        self.used = True
        return newline.join(out)
