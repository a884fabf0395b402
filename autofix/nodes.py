"""A positioned syntax tree shared by the JSON and YAML readers.

Detectors read the *plain view* (JSON data, intrinsic functions in long form,
exactly what ``cfn_flip.to_json`` gives).  Findings and text edits need to know
where each value sits in the original text, so both readers build the same
small tree of :class:`Node` objects carrying character offsets.  A YAML
short-form tag (``!Sub``) is kept on the node it decorates: in the plain view
that node becomes ``{"Fn::Sub": <node>}``.
"""

from __future__ import annotations

from typing import Any, NamedTuple

MAP = "map"
SEQ = "seq"
SCALAR = "scalar"

#: Short-form tags that keep their name in the plain view instead of gaining ``Fn::``.
UNPREFIXED_TAGS = ("Ref", "Condition")


def long_name(tag: str) -> str:
    """``!Sub`` -> ``Fn::Sub``, ``!Ref`` -> ``Ref`` (the cfn-flip convention)."""
    name = tag[1:]
    return name if name in UNPREFIXED_TAGS else f"Fn::{name}"


class Node:
    """One value of the document and the span ``[start, end)`` of its text.

    ``items`` holds ``(key, value)`` pairs for a mapping and values for a
    sequence; ``value`` holds the constructed scalar.  ``keys`` maps each plain
    (string) key of a mapping to its index in ``items``.  Nodes are compared by
    identity (edits find them by position, never by value).
    """

    __slots__ = ("end", "flow", "items", "keys", "kind", "start", "style", "tag", "value")

    def __init__(self, kind: str, start: int, end: int, items: list[Any] | None = None, value: Any = None,
                 tag: str | None = None, style: str | None = None, flow: bool = False,
                 keys: dict[str, int] | None = None) -> None:
        self.kind = kind
        self.start = start
        self.end = end
        self.items: list[Any] = [] if items is None else items
        self.value = value
        self.tag = tag
        self.style = style
        self.flow = flow
        self.keys: dict[str, int] = {} if keys is None else keys

    def __repr__(self) -> str:
        return (f"Node(kind={self.kind!r}, start={self.start}, end={self.end}, items={self.items!r}, "
                f"value={self.value!r}, tag={self.tag!r}, style={self.style!r}, flow={self.flow!r})")

    def is_collection(self) -> bool:
        return self.kind != SCALAR


def escape_segment(segment: str) -> str:
    """Escape one JSON-pointer segment (RFC 6901: ``~`` -> ``~0``, ``/`` -> ``~1``)."""
    return segment.replace("~", "~0").replace("/", "~1")


def unescape_segment(segment: str) -> str:
    return segment.replace("~1", "/").replace("~0", "~")


def join_pointer(*segments: str | int) -> str:
    texts = list(map(str, segments))
    if not texts:
        return ""
    whole = "".join(texts)
    if "~" in whole or "/" in whole:  # some segment needs escaping
        return "".join("/" + escape_segment(t) for t in texts)
    return "/" + "/".join(texts)


def extend_pointer(pointer: str, *segments: str | int) -> str:
    """The pointer of ``segments`` below ``pointer`` (a pointer already escaped): what
    ``join_pointer`` gives for the whole path, without splitting ``pointer`` again."""
    return pointer + join_pointer(*segments)


def split_pointer(pointer: str) -> list[str]:
    if pointer == "":
        return []
    if not pointer.startswith("/"):
        raise ValueError(f"not a JSON pointer: {pointer!r}")
    if "~" not in pointer:  # nothing escaped
        return pointer[1:].split("/")
    return [unescape_segment(s) for s in pointer[1:].split("/")]


class Step(NamedTuple):
    """One step of a resolved pointer: the node reached and how.

    ``inner`` is true when the step crossed a short-form tag: the segment named
    the tag's long form (``Fn::Sub``) and the node is the same text as its parent.
    """

    node: Node
    inner: bool = False


def resolve(root: Node, pointer: str) -> tuple[list[Step], list[str]]:
    """Walk ``pointer`` from ``root``.

    Returns the steps that exist and the segments left over (empty when the
    whole pointer resolves).  The first step is the root.
    """
    steps = [Step(root)]
    segments = split_pointer(pointer)
    node = root
    tag_open = root.tag is not None
    for i, seg in enumerate(segments):
        if tag_open:
            if node.tag is not None and seg == long_name(node.tag):
                steps.append(Step(node, inner=True))
                tag_open = False
                continue
            return steps, segments[i:]
        child = _child(node, seg)
        if child is None:
            return steps, segments[i:]
        node = child
        steps.append(Step(node))
        tag_open = node.tag is not None
    return steps, []


def _child(node: Node, seg: str) -> Node | None:
    if node.kind == MAP:
        idx = node.keys.get(seg)
        return None if idx is None else node.items[idx][1]
    if node.kind == SEQ:
        if not seg.isdigit() or (seg != "0" and seg.startswith("0")):
            return None
        i = int(seg)
        return node.items[i] if i < len(node.items) else None
    return None


class ExpansionBudget:
    """Counts nodes produced while building the plain view (aliases can multiply them)."""

    def __init__(self, limit: int) -> None:
        self.left = limit

    def spend(self) -> None:
        self.left -= 1
        if self.left < 0:
            raise OverflowError("document expands to too many values (YAML alias bomb?)")


def to_plain(node: Node, budget: ExpansionBudget | None = None) -> Any:
    """Build the plain view of ``node`` (fresh containers every call)."""
    if budget is not None:
        budget.spend()
    if node.kind == MAP:
        value: Any = {k: to_plain(node.items[i][1], budget) for k, i in node.keys.items()}
    elif node.kind == SEQ:
        value = [to_plain(n, budget) for n in node.items]
    else:
        value = node.value
    if node.tag is not None:
        if value.__class__ is list:  # ``!GetAtt A.B``: the scalar's value is a list, fresh like the others
            value = list(value)
        value = {long_name(node.tag): value}
    return value


def content_end(text: str, node: Node) -> int:
    """Where the text of ``node`` ends: a block collection's span runs on past the comment and blank
    lines after its last value, and a block scalar's (``|``, ``>``) past its final line breaks."""
    while node.kind != SCALAR and not node.flow and node.items:
        last = node.items[-1]
        node = last[1] if node.kind == MAP else last
    if node.kind == SCALAR and node.style in ("|", ">"):
        end = node.end
        while end > node.start and text[end - 1] in " \t\r\n":
            end -= 1
        return end
    return node.end
