"""Which lines of a template an RFC 6902 operation may change, for the preservation properties.

A splice is local: an operation on one value may rewrite that value's lines
(its key line through its last line), a removal may also touch the separator
around it (JSON commas, a ``- Key:`` dash line pulled together with the next
key), and an insertion changes no existing line except, in JSON, the line
where the comma goes.  Where text cannot be edited in place (a YAML flow
collection, a short-form tag's argument, an emptied or newly non-empty
collection), the edit legitimately rewrites the nearest enclosing value that
can be; that value's lines are then the region.

Everything outside the region must come back byte for byte: the properties
compare the lines before it and the lines after it.
"""

from __future__ import annotations

from dataclasses import dataclass

from autofix.document import TemplateDocument
from autofix.nodes import MAP, SCALAR, Node, resolve, split_pointer


@dataclass(frozen=True)
class Region:
    """0-based lines ``first..last`` (inclusive) of the old text; ``last == first - 1`` is a pure insertion."""

    first: int
    last: int


def _entry_start(parent: Node, node: Node) -> int:
    """Where a child's entry starts: its key for a mapping value."""
    if parent.kind == MAP:
        for key, value in parent.items:
            if value is node:
                return key.start
    return node.start


def _siblings(parent: Node, node: Node) -> tuple[Node | None, Node | None]:
    """The entries before and after ``node`` in ``parent`` (keys for mappings)."""
    if parent.kind == MAP:
        values = [v for _, v in parent.items]
        keys = [k for k, _ in parent.items]
    else:
        values = keys = list(parent.items)
    i = next(j for j, v in enumerate(values) if v is node)
    prev = values[i - 1] if i > 0 else None
    nxt = keys[i + 1] if i + 1 < len(keys) else None
    return prev, nxt


def _content_end(doc: TemplateDocument, node: Node) -> int:
    text = doc.text
    if node.kind == SCALAR:
        end = node.end
        while end > node.start and text[end - 1] in " \t\r\n":
            end -= 1
        return max(end, node.start)
    if node.flow or not node.items:
        return node.end
    last = node.items[-1]
    return _content_end(doc, last[1] if node.kind == MAP else last)


def _whole(doc: TemplateDocument, chain: list[Node], node: Node, removal: bool = False) -> Region:
    """The lines of ``node`` (the last of ``chain``), from its key through its last line."""
    ix = doc.index
    parent = chain[-2] if len(chain) > 1 else None
    if parent is None:
        return Region(0, ix.line_of(len(doc.text)))
    first = ix.line_of(_entry_start(parent, node))
    last = ix.line_of(_content_end(doc, node))
    if doc.format == "yaml" and parent.kind != MAP:
        lone_dash = _lone_dash_line(doc, node)  # "-" alone above the item belongs to it
        if lone_dash is not None:
            first = min(first, lone_dash)
    prev, nxt = _siblings(parent, node)
    if removal or doc.format == "json":
        # separators: a comma on the previous entry's line, the next entry pulled up
        if prev is not None:
            first = min(first, ix.line_of(_content_end(doc, prev)))
        if nxt is not None:
            last = max(last, ix.line_of(nxt.start))
    return Region(first, last)


def _special(doc: TemplateDocument, node: Node) -> bool:
    return node.tag is not None or (doc.format == "yaml" and node.flow and node.kind != SCALAR)


def _lone_dash_line(doc: TemplateDocument, item: Node) -> int | None:
    """The line of ``item``'s dash when it stands alone above the item (comment and blank lines between)."""
    lines = doc.text.split("\n")
    line = doc.index.line_of(item.start)
    if doc.text[doc.index.line_start(item.start):item.start].strip(" \t"):
        return None
    for above in range(line - 1, -1, -1):
        content = lines[above].strip()
        if content == "" or content.startswith("#"):
            continue
        return above if content == "-" or (content.startswith("-") and content[1:].lstrip().startswith("#")) else None
    return None


def region(doc: TemplateDocument, op: dict) -> Region:
    """The lines of ``doc`` that the add/remove/replace ``op`` may change."""
    segments = split_pointer(op["path"])
    if not segments:
        return Region(0, doc.index.line_of(len(doc.text)))
    steps, rest = resolve(doc.root, "".join("/" + s.replace("~", "~0").replace("/", "~1") for s in segments[:-1]))
    assert not rest, "jsonpatch checked that the parent exists"
    chain: list[Node] = []
    for step in steps:
        if not chain or chain[-1] is not step.node:
            chain.append(step.node)
    container = chain[-1]
    # a tagged or YAML-flow ancestor is rewritten as a whole
    for i, node in enumerate(chain[1:], start=1):
        if _special(doc, node):
            return _whole(doc, chain[: i + 1], node)
    if any(s.inner for s in steps[1:]):  # the op names a tag's argument: the tagged value is rewritten
        return _whole(doc, chain, container)
    last_seg = segments[-1]
    target = None
    if container.kind == MAP and last_seg in container.keys:
        target = container.items[container.keys[last_seg]][1]
    elif container.kind != MAP and container.kind != SCALAR and last_seg.isdigit() and int(last_seg) < len(
        container.items
    ):
        target = container.items[int(last_seg)]
    kind = op["op"]
    if container.kind == SCALAR or not container.items or (kind == "remove" and len(container.items) < 2):
        return _whole(doc, chain, container, removal=kind == "remove")
    if kind == "remove":
        return _whole(doc, [*chain, target], target, removal=True)
    if target is not None and (kind == "replace" or container.kind == MAP):
        return _whole(doc, [*chain, target], target)
    # an insertion
    ix = doc.index
    items = container.items
    last_value = items[-1][1] if container.kind == MAP else items[-1]
    if container.kind != MAP and last_seg != "-" and int(last_seg) < len(items):
        target = items[int(last_seg)]
        at = ix.line_of(target.start)
        own_line = doc.text[ix.line_start(target.start):target.start].strip(" \t") == "-"
        if doc.format == "yaml" and not own_line:
            lone_dash = _lone_dash_line(doc, target)
            if lone_dash is not None:  # "-" alone on a line above the item: the new item goes before it
                return Region(lone_dash, lone_dash - 1)
        # JSON: the comma; "- - a": the target moves to a line of its own
        return Region(at, at - 1) if doc.format == "yaml" and own_line else Region(at, at)
    end_line = ix.line_of(_content_end(doc, last_value))
    if doc.format == "json":
        return Region(end_line, end_line)
    return Region(end_line + 1, end_line)


def lines(text: str) -> list[str]:
    """Lines without their line break (CR included), so that a moved final newline is no change."""
    return [line.rstrip("\r") for line in text.split("\n")]


def outside_kept(old: str, new: str, reg: Region) -> str | None:
    """None when every old line outside ``reg`` is in ``new`` unchanged and in place, else a message."""
    a, b = lines(old), lines(new)
    head = a[: reg.first]
    tail = a[reg.last + 1 :]
    if b[: len(head)] != head:
        pairs = zip(head, b, strict=False)
        bad = next(i for i, (x, y) in enumerate(pairs) if x != y) if len(b) >= len(head) else len(b)
        return f"line {bad + 1} before the edited region changed"
    if tail and (len(b) < len(head) + len(tail) or b[len(b) - len(tail) :] != tail):
        return f"lines after the edited region (old line {reg.last + 2} on) changed"
    return None
