"""Positions of findings without the positioned tree.

``check`` needs a line and column only for the few pointers it reports, while
building the positioned tree (:class:`~autofix.document.TemplateDocument`)
costs more than parsing the file.  These locators answer
:meth:`TemplateDocument.locate <autofix.document.TemplateDocument.locate>`'s
question from what the fast load already has, and give the same answer:

- YAML: the node graph libyaml composed (each node knows where it starts);
- JSON: the text itself, walked along the pointer only, skipping the values
  beside it with the C scanner of :mod:`json`.

The answer is the position of the value at the pointer, or of its nearest
existing ancestor; for a mapping entry it is the key's; a pointer that crosses a
short-form tag (``.../Ref`` below ``!Ref``) stops at the tagged value.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import yaml

from autofix.nodes import long_name, split_pointer
from autofix.textindex import position

_WS = re.compile(r"[ \t\n\r]*")
_SCAN = json.scanner.make_scanner(json.JSONDecoder())


def _index(seg: str) -> int | None:
    """A sequence index as the positioned tree accepts it (digits, no leading zero)."""
    if not seg.isdigit() or (seg != "0" and seg.startswith("0")):
        return None
    return int(seg)


def custom_tag(ynode: yaml.Node) -> str | None:
    """A node's short-form tag (``!Ref``): not a standard ``!!`` one, nor the non-specific ``!``."""
    tag = ynode.tag
    return tag if tag.startswith("!") and not tag.startswith("!!") and tag != "!" else None


def yaml_offset(root: yaml.Node, pointer: str, key_name: Callable[[yaml.Node], str]) -> int:
    """Text offset :meth:`TemplateDocument.locate` reports for ``pointer`` in a composed graph.

    ``key_name(knode)`` turns a mapping key node into the key the plain view uses.
    """
    node = root
    offset = root.start_mark.index
    tag = custom_tag(root)
    for seg in split_pointer(pointer):
        if tag is not None:
            if seg != long_name(tag):
                break
            tag = None  # the tag's long name: the same node, now its content
            offset = node.start_mark.index
            continue
        child = None
        if isinstance(node, yaml.MappingNode):
            for knode, vnode in node.value:
                if key_name(knode) == seg:
                    child = vnode
                    # the entry's position is that of the first key holding this very node
                    offset = next(k for k, v in node.value if v is vnode).start_mark.index
                    break
        elif isinstance(node, yaml.SequenceNode):
            i = _index(seg)
            if i is not None and i < len(node.value):
                child = node.value[i]
                offset = child.start_mark.index
        if child is None:
            break
        node = child
        tag = custom_tag(node)
    return offset


def _past(text: str, start: int) -> int:
    """The start of what follows the JSON value at ``start``: the next entry, or the closing bracket."""
    _, end = _SCAN(text, start)
    j = _WS.match(text, end).end()
    return _WS.match(text, j + 1).end() if text.startswith(",", j) else j


class _Scan:
    """The entries of one JSON container, read as far as a lookup needed and no further."""

    __slots__ = ("entries", "is_object", "next", "text")

    def __init__(self, text: str, i: int) -> None:
        self.text = text
        self.is_object = text.startswith("{", i)
        #: key -> (key offset, value offset) of an object (the first of a repeated key); item offsets of an array
        self.entries: dict[str, tuple[int, int]] | list[int] = {} if self.is_object else []
        self.next: int | None = _WS.match(text, i + 1).end()  # where reading resumes; None once at the end

    def find(self, seg: str) -> tuple[int, int] | None:
        """(offset reported, offset of the value) of entry ``seg``; None when there is none."""
        text, entries = self.text, self.entries
        if self.is_object:
            assert isinstance(entries, dict)
            while seg not in entries and self.next is not None:
                j = self.next
                if text.startswith("}", j):
                    self.next = None
                    break
                key, end = json.decoder.scanstring(text, j + 1, True)
                value = _WS.match(text, _WS.match(text, end).end() + 1).end()  # past the ':'
                entries.setdefault(key, (j, value))
                self.next = _past(text, value)
            return entries.get(seg)
        assert isinstance(entries, list)
        n = _index(seg)
        if n is None:
            return None
        while len(entries) <= n and self.next is not None:
            j = self.next
            if text.startswith("]", j):
                self.next = None
                break
            entries.append(j)
            self.next = _past(text, j)
        return (entries[n], entries[n]) if n < len(entries) else None


def json_offset(text: str, pointer: str, cache: dict[int, _Scan] | None = None) -> int:
    """Text offset :meth:`TemplateDocument.locate` reports for ``pointer`` in valid JSON ``text``.

    Each container on the way is read entry by entry (the C scanner skips the values beside the
    way) until the wanted one; ``cache`` keeps what was read of each container (by its offset) for
    the next pointer of the same text, so locating every finding of a file reads each container at
    most once.
    """
    i = _WS.match(text, 0).end()
    offset = i
    for seg in split_pointer(pointer):
        if not text.startswith(("{", "["), i):
            break
        scan = cache.get(i) if cache is not None else None
        if scan is None:
            scan = _Scan(text, i)
            if cache is not None:
                cache[i] = scan
        found = scan.find(seg)
        if found is None:
            break
        offset, i = found
    return offset


class Locator:
    """Line and column of pointers in one loaded template, from its graph (YAML) or text (JSON)."""

    def __init__(self, body: str, graph: yaml.Node | None, key_name: Callable[[yaml.Node], str] | None) -> None:
        """``key_name``: the plain view's key of a YAML key node (see :func:`yaml_offset`); None for JSON."""
        self.body = body
        self.graph = graph
        self.key_name = key_name
        self._scanned: dict[int, _Scan] = {}  # JSON containers read so far (see json_offset)

    def locate(self, pointer: str) -> tuple[int, int]:
        if self.graph is not None:
            assert self.key_name is not None
            offset = yaml_offset(self.graph, pointer, self.key_name)
        else:
            offset = json_offset(self.body, pointer, self._scanned)
        return position(self.body, offset)
