"""Which lines of a template an RFC 6902 operation may change, for the preservation properties.

"Outside the patched paths" means: every line that belongs to no node at or under a path the
operation touched, and that holds no separator or bracket of the container it changed.
Precisely, for an add, remove or replace at path ``P`` in container ``C``:

- replace (or add at an existing key): the lines of the entry at ``P``, from its key (or a dash
  alone above it) through its last line;
- remove: those lines, and the lines holding the separators around them: where the previous
  entry ends (its comma, in JSON or a YAML flow collection) and where the next entry starts
  (pulled up onto a ``- Key:`` dash line, or after a removed comma);
- add of a new entry: no existing line in block YAML (whole lines are inserted), nor in a JSON
  object whose last entry starts a line (the new key goes before it); elsewhere in JSON and YAML
  flow, the line where the comma goes (the last entry's, or the entry the new one goes before);
- a container that empties or stops being empty is rewritten as ``{}``/``[]`` or from them: its
  lines; an operation that names a short-form tag's argument as a whole (``.../Fn::Sub``), or
  that reaches inside a tagged scalar (``!GetAtt A.B``), rewrites the tagged value: its lines.

A value the engine reports as rewritten whole (see :class:`autofix.edits.Rewrite`) adds its own
lines.  Everything outside must come back byte for byte: the properties compare the lines before
the region and the lines after it.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from unittest.mock import patch

import cfn_flip
import jsonpatch
import jsonpointer

from autofix import edits
from autofix.document import TemplateDocument
from autofix.edits import Rewrite, apply_operation_traced, apply_operations_traced
from autofix.nodes import MAP, SCALAR, Node, resolve, split_pointer
from autofix.reuse import TextBank


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
    """The lines of ``node`` (the last of ``chain``), from its key through its last line; with the
    separator lines around it for a ``removal``."""
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
    if removal:
        # separators: a comma on the previous entry's line, the next entry pulled up
        if prev is not None:
            first = min(first, ix.line_of(_content_end(doc, prev)))
        if nxt is not None:
            last = max(last, ix.line_of(nxt.start))
    return Region(first, last)


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
    """The lines of ``doc`` that the add/remove/replace ``op`` may change.

    Items of one value side by side in a list are interchangeable: the engine diffs the list and may
    keep the text of any of them for the item the operation left (an inserted twin may land before,
    between or after them; a replaced or removed one may take a twin's text along), so the region
    spans such a run."""
    exact = _exact_region(doc, op)
    twins = _twin_run(doc, op)
    if twins is None:
        return exact
    return Region(min(exact.first, twins.first), max(exact.last, twins.last))


def _twin_run(doc: TemplateDocument, op: dict) -> Region | None:
    """The lines of the run of list items equal to the value ``op`` adds, replaces or removes, when
    the run holds more than that one item; else None."""
    parent, _, last_seg = op["path"].rpartition("/")
    if not last_seg.isdigit():
        return None
    listed = jsonpointer.resolve_pointer(doc.data, parent, None)
    steps, rest = resolve(doc.root, parent)
    if not isinstance(listed, list) or rest:
        return None
    container = steps[-1].node
    index = int(last_seg)
    if container.kind in (MAP, SCALAR) or len(container.items) != len(listed) or index > len(listed):
        return None
    if op["op"] == "add":
        value, low, high = op["value"], index, index
    elif index < len(listed):
        value, low, high = listed[index], index, index + 1
    else:
        return None
    while low and listed[low - 1] == value:
        low -= 1
    while high < len(listed) and listed[high] == value:
        high += 1
    if high - low < (1 if op["op"] == "add" else 2):
        return None
    ix = doc.index
    return Region(ix.line_of(container.items[low].start), ix.line_of(_content_end(doc, container.items[high - 1])))


def _exact_region(doc: TemplateDocument, op: dict) -> Region:
    """The lines the operation changes when no list item shares its value with a neighbour."""
    segments = split_pointer(op["path"])
    if not segments:
        return Region(0, doc.index.line_of(len(doc.text)))
    steps, rest = resolve(doc.root, "".join("/" + s.replace("~", "~0").replace("/", "~1") for s in segments[:-1]))
    chain: list[Node] = []
    for step in steps:
        if not chain or chain[-1] is not step.node:
            chain.append(step.node)
    container = chain[-1]
    if rest or (container.tag is not None and not steps[-1].inner):
        # inside a tagged scalar, or naming a tag's argument as a whole: the tagged value is rewritten
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
        index = int(last_seg)
        target = items[index]
        at = ix.line_of(target.start)
        own_line = doc.text[ix.line_start(target.start):target.start].strip(" \t") == "-"
        if not container.flow and not own_line:
            lone_dash = _lone_dash_line(doc, target)
            if lone_dash is not None:  # "-" alone on a line above the item: the new item goes before it
                return Region(lone_dash, lone_dash - 1)
        if not container.flow and own_line:
            # the new item goes before the target or before the comment lines above it (both keep every
            # line): those lines, between the item before and the target, are the edited region
            first = ix.line_of(_content_end(doc, items[index - 1])) + 1 if index else at
            return Region(min(first, at), at - 1)
        # JSON and flow: the comma; "- - a": the target moves to a line of its own
        return Region(at, at)
    if (doc.format == "json" and container.kind == MAP and len(items) > 1 and not doc.style.compact
            and ix.at_line_start(items[-1][0].start)):
        # a new key goes before the last one, which keeps its line (and JSON its comma-less end)
        at = ix.line_of(items[-1][0].start)
        return Region(at, at - 1)
    end_line = ix.line_of(_content_end(doc, last_value))
    if container.flow:
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


# ------------------------------------------------------------------ operations replayed and checked


def json_equal(a: object, b: object) -> bool:
    """Equal as JSON: ``false`` is not ``0`` nor ``1.0`` ``1`` (Python's ``==`` says they are); key order aside."""
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


def _plain_of(text: str) -> object:
    return json.loads(cfn_flip.to_json(text.lstrip("\ufeff")))


def _quiet(message: str) -> None:
    """Where a replay's notes go when nobody listens."""


def agrees_with_cfn_flip(doc: TemplateDocument) -> bool:
    """Whether cfn-flip reads ``doc`` as autofix does (a few real templates it reads otherwise, or not at all)."""
    try:
        return _plain_of(doc.dumps()) == doc.data
    except Exception:  # cfn-flip cannot read it
        return False


def check_step(old: TemplateDocument, op: dict, new: TemplateDocument, rewrites: Sequence[Rewrite], *,
               note: Callable[[str], None] = _quiet, event: Callable[[str], None] = _quiet,
               cfn_flip_agrees: bool = True) -> None:
    """Check the engine's result ``new`` (and the values it reports as ``rewritten`` whole) of one add/remove/
    replace ``op`` on ``old``: jsonpatch's data, read the same by cfn-flip (when it read ``old`` the same), BOM and
    line endings kept, and every line outside :func:`region` (widened by those values) byte-identical and in
    place."""
    expected = jsonpatch.apply_patch(old.data, [op], in_place=False)
    reg = region(old, op)
    for rewrite in rewrites:
        # no splice fitted: the engine rewrote the value it names, and nothing outside that value may change
        event(f"rewritten whole: {rewrite.reason}")
        whole = Region(0, len(old.text.split("\n")) - 1)
        wider = region(old, {"op": "replace", "path": rewrite.pointer}) if rewrite.pointer else whole
        reg = Region(min(reg.first, wider.first), max(reg.last, wider.last))
    out = new.dumps()
    note(f"op: {op}\nresult:\n{out}")
    assert json_equal(new.data, expected)
    if cfn_flip_agrees:
        assert _plain_of(out) == expected, "cfn-flip reads the output differently"
    assert out.startswith("\ufeff") == old.dumps().startswith("\ufeff")
    if "\r\n" in old.text and old.text.count("\n") == old.text.count("\r\n"):
        assert out.count("\n") == out.count("\r\n"), "a CRLF file got a bare LF"
    if json_equal(expected, old.data):
        assert out == old.dumps(), "an operation that changes no data must change no byte"
        return
    note(f"region: lines {reg.first + 1}..{reg.last + 1}")
    problem = outside_kept(old.text, new.text, reg)
    assert problem is None, problem
    if reg.last < len(old.text.split("\n")) - 1:
        assert new.text.endswith("\n") == old.text.endswith("\n"), "the final newline changed"


def checked_step(old: TemplateDocument, op: dict, bank: TextBank, *, note: Callable[[str], None] = _quiet,
                 event: Callable[[str], None] = _quiet, cfn_flip_agrees: bool = True) -> TemplateDocument:
    """Apply one add/remove/replace ``op`` as the engine does and :func:`check_step` the result."""
    new, rewrites = apply_operation_traced(old, op, bank=bank)
    check_step(old, op, new, rewrites, note=note, event=event, cfn_flip_agrees=cfn_flip_agrees)
    return new


def check_renamed(old: TemplateDocument, op: dict, new: TemplateDocument) -> bool:
    """Whether ``new`` is ``old`` with the ``move`` ``op`` written as a new name on the old key of the same
    mapping: jsonpatch's data, the same number of lines, nothing changed outside the moved entry's lines."""
    parent = op["path"].rpartition("/")[0]
    container = jsonpointer.resolve_pointer(old.data, parent)
    if op["from"].rpartition("/")[0] != parent or not isinstance(container, dict):
        return False
    if split_pointer(op["path"])[-1] in container:
        return False
    if len(new.text.split("\n")) != len(old.text.split("\n")):
        return False
    if outside_kept(old.text, new.text, region(old, {"op": "remove", "path": op["from"]})) is not None:
        return False
    assert json_equal(new.data, jsonpatch.apply_patch(old.data, [op], in_place=False))
    return True


def renamed_in_place(old: TemplateDocument, op: dict, bank: TextBank) -> TemplateDocument | None:
    """The engine's result for a ``move`` to a new key of the same mapping, when it wrote it as a new name
    on the old key (only the moved entry's lines change); None when it did not."""
    new = apply_operations_traced(old, [op], bank=bank)[0]
    return new if check_renamed(old, op, new) else None


@contextmanager
def observed_steps(*, cfn_flip_agrees: Callable[[TemplateDocument], bool] = lambda doc: False,
                   ) -> Iterator[list[int]]:
    """Within the block, check every step the edit engine takes as it takes it (its own results, not a
    replay): each add/remove/replace with :func:`check_step`, each move written as a rename with
    :func:`check_renamed`.  Yields a one-item list counting the steps checked.  ``cfn_flip_agrees``: whether
    cfn-flip reads the first document the engine edits as autofix does (asked once, at the first step: one
    template's fixes run in the block); only then is its reading of each step compared."""
    real_step, real_renamed = edits.apply_operation_traced, edits._renamed
    count = [0]
    agrees: list[bool] = []

    def step(old: TemplateDocument, op: dict, *, bank: TextBank | None = None):
        new, rewrites = real_step(old, op, bank=bank)
        if not agrees:
            agrees.append(cfn_flip_agrees(old))
        check_step(old, op, new, rewrites, cfn_flip_agrees=agrees[0])
        count[0] += 1
        return new, rewrites

    def renamed(old: TemplateDocument, op: dict) -> TemplateDocument | None:
        new = real_renamed(old, op)
        if new is not None:
            assert check_renamed(old, op, new), f"{op} renamed in place, but changed more than its entry"
            count[0] += 1
        return new

    with patch.object(edits, "apply_operation_traced", step), patch.object(edits, "_renamed", renamed):
        yield count


def replay(doc: TemplateDocument, operations: list[dict], bank: TextBank, *,
           note: Callable[[str], None] = _quiet, event: Callable[[str], None] = _quiet,
           cfn_flip_agrees: bool = True) -> TemplateDocument:
    """Apply ``operations`` one by one as :func:`autofix.edits.apply_operations_traced` does (values copied
    from ``bank``), checking each step with :func:`checked_step`; a move or copy is checked as its halves.
    ``cfn_flip_agrees``: whether cfn-flip reads ``doc`` as autofix does (else its reading is not compared)."""
    for op in operations:
        renamed = renamed_in_place(doc, op, bank) if op["op"] == "move" else None
        if renamed is not None:
            doc = renamed
        elif op["op"] in ("move", "copy"):
            value = copy.deepcopy(jsonpointer.resolve_pointer(doc.data, op["from"]))
            halves = [{"op": "add", "path": op["path"], "value": value}]
            if op["op"] == "move":
                halves.insert(0, {"op": "remove", "path": op["from"]})
            expected = jsonpatch.apply_patch(doc.data, [op], in_place=False)
            for half in halves:
                doc = checked_step(doc, half, bank, note=note, event=event, cfn_flip_agrees=cfn_flip_agrees)
            assert doc.data == expected
        elif op["op"] == "test":
            jsonpatch.apply_patch(doc.data, [op])
        else:
            doc = checked_step(doc, op, bank, note=note, event=event, cfn_flip_agrees=cfn_flip_agrees)
    return doc
