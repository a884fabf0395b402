"""Splice RFC 6902 operations into template text.

One small class per operation kind (add, remove, replace; move and copy are
expressed through them, test only checks).  Each edit first tries the most
local text change (insert one entry, delete one entry's lines, rewrite one
value) and checks the result: the re-parsed text must give exactly the plain
data that ``jsonpatch`` gives for the same operation.  When a local change is
not possible or does not check out (flow collections, short-form tags,
aliases, unusual layouts) the edit is retried one level up, rewriting the
enclosing value, and so on up to the root.  Correctness never depends on
the local strategies; they only keep diffs small.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from autofix.errors import EditError, LoadError, PatchError
from autofix.nodes import MAP, SCALAR, SEQ, Node, join_pointer, resolve, split_pointer
from autofix.render import YamlRenderer, render_json, yaml_scalar

if TYPE_CHECKING:
    from autofix.document import TemplateDocument


@dataclass(frozen=True)
class Splice:
    """Replace ``text[start:end]`` with ``new``."""

    start: int
    end: int
    new: str

    def apply(self, text: str) -> str:
        return text[: self.start] + self.new + text[self.end :]


class _Ctx:
    """What a strategy needs: the document, its text index, style and a renderer."""

    def __init__(self, doc: TemplateDocument, *, literals: bool = True) -> None:
        self.doc = doc
        self.text = doc.text
        self.ix = doc.index
        self.style = doc.style
        self.nl = self.style.newline
        self._yaml_last = YamlRenderer(self.style, literals=False)
        # Without literals, multi-line strings are written double-quoted: the retry when a literal
        # block would swallow what follows it (an indented comment line, for one).
        self.yaml = YamlRenderer(self.style) if literals else self._yaml_last

    def renderer(self, end: int) -> YamlRenderer:
        """The YAML renderer for new text that ends at offset ``end`` of the old text.

        A literal block (``|``) must end its line and be followed by a line break: text kept
        after it on the same line (a comment beside the old value) would join its content,
        and at the end of a file without a final newline it would lose its last line break.
        """
        newline = self.text.find("\n", end)
        if newline == -1 or self.text[end:newline].strip(" \t\r"):
            return self._yaml_last
        return self.yaml

    def insert_renderer(self, at: int) -> YamlRenderer:
        """The YAML renderer for whole lines inserted before offset ``at`` (see :meth:`insert_lines_after`)."""
        if at >= len(self.text) and not self.text.endswith("\n"):
            return self._yaml_last
        return self.yaml

    # ---------------------------------------------------------- geometry

    def dash_line(self, item: Node) -> int | None:
        """Start of the line holding ``item``'s dash when that dash stands alone on an earlier line.

        ``-`` followed by a line break puts the item on a later line (``-\n  Ref: X``), maybe after
        comment lines; removing or inserting before such an item must take the dash line with it.
        """
        if not self.ix.at_line_start(item.start):
            return None
        starts = self.ix.starts
        line = self.ix.line_of(item.start) - 1
        while line >= 0:
            start = starts[line]
            end = starts[line + 1] if line + 1 < len(starts) else len(self.text)
            content = self.text[start:end].strip()
            if content == "" or content.startswith("#"):
                line -= 1
                continue
            if content == "-" or (content.startswith("-") and content[1:].lstrip().startswith("#")):
                return start
            return None
        return None

    def content_end(self, node: Node) -> int:
        """Where a value's own text ends (block collections' marks run past trailing comments)."""
        if node.kind == SCALAR:
            if node.style in ("|", ">"):
                end = node.end
                while end > node.start and self.text[end - 1] in " \t\r\n":
                    end -= 1
                return end
            return node.end
        if node.flow or not node.items:
            return node.end
        last = node.items[-1]
        return self.content_end(last[1] if node.kind == MAP else last)

    def after_line(self, offset: int) -> int:
        return self.ix.after_line(offset)

    def colon_end(self, key: Node) -> int | None:
        i = key.end
        text = self.text
        while i < len(text) and text[i] in " \t":
            i += 1
        return i + 1 if i < len(text) and text[i] == ":" else None

    def insert_lines_after(self, offset: int, lines: list[str]) -> Splice:
        """Insert whole ``lines`` after the line holding ``offset``."""
        pos = self.after_line(offset)
        body = self.nl.join(lines)
        if pos == len(self.text) and not self.text.endswith("\n"):
            return Splice(pos, pos, self.nl + body)
        return Splice(pos, pos, body + self.nl)


# -------------------------------------------------------------- replacement of one value


def replace_value(ctx: _Ctx, parent: Node | None, key: Node | None, node: Node, value: Any) -> Splice | None:
    """Rewrite ``node`` (a child of ``parent``; ``key`` when parent is a mapping) as ``value``."""
    if ctx.doc.format == "json":
        base = ctx.ix.leading_ws(node.start)
        return Splice(node.start, node.end, render_json(value, ctx.style, base))
    if (parent is not None and parent.flow) or (node.flow and isinstance(value, (dict, list))):
        flow = ctx.yaml.flow(value)
        if flow is not None:
            return Splice(node.start, node.end, flow)
        if parent is not None and parent.flow:
            return None
    end = ctx.content_end(node)
    if parent is None:  # the root: rewrite the whole document body
        if isinstance(value, dict) and value:
            lines = ctx.renderer(end).mapping(value, 0)
        else:
            lines = [ctx.yaml.flow(value) or yaml_scalar(str(value), ctx.style)]
        return Splice(node.start, end, ctx.nl.join(lines))
    if parent.kind == MAP:
        assert key is not None
        colon = ctx.colon_end(key)
        if colon is None:
            return None
        col = ctx.ix.col(key.start)
        head, lines = ctx.renderer(end).value(value, col)
        head = _keep_quotes(node, value, head, ctx)
        new = (" " + head if head else "") + "".join(ctx.nl + line for line in lines)
        return Splice(colon, end, new)
    # a block sequence item: the value starts after its dash
    col = ctx.ix.col(node.start)
    dash_col = ctx.ix.col(parent.start)
    rendered = ctx.renderer(end).item(value, dash_col, " " * col)
    first = rendered[0][col:]
    return Splice(node.start, end, ctx.nl.join([first, *rendered[1:]]))


def _keep_quotes(node: Node, value: Any, head: str, ctx: _Ctx) -> str:
    """A string replacing a quoted scalar keeps that scalar's quote style."""
    if node.kind != SCALAR or node.style not in ("'", '"'):
        return head
    tag, inner = node.tag, value
    if tag is not None:
        from autofix.nodes import long_name

        if not (isinstance(value, dict) and list(value) == [long_name(tag)]):
            return head
        inner = value[long_name(tag)]
    if not isinstance(inner, str) or "\n" in inner:
        return head
    from autofix.render import _quoted

    quoted = _quoted(inner, node.style)
    return f"{tag} {quoted}" if tag else quoted


# -------------------------------------------------------------- the operation classes


class Edit:
    """A text strategy for one RFC 6902 operation on one container."""

    def __init__(self, ctx: _Ctx, container: Node, segment: str, value: Any = None) -> None:
        self.ctx = ctx
        self.container = container
        self.segment = segment
        self.value = value

    def splice(self) -> Splice | None:  # pragma: no cover - interface
        raise NotImplementedError


class AddEdit(Edit):
    """Add a new mapping key or insert a sequence item."""

    def splice(self) -> Splice | None:
        c, ctx = self.container, self.ctx
        if not c.items or c.tag is not None:
            return None
        if c.kind == MAP:
            if self.segment in c.keys:
                idx = c.keys[self.segment]
                k, v = c.items[idx]
                return replace_value(ctx, c, k, v, self.value)
            return self._add_key()
        index = len(c.items) if self.segment == "-" else int(self.segment)
        return self._add_item(index)

    def _add_key(self) -> Splice | None:
        c, ctx = self.container, self.ctx
        last_key, last_value = c.items[-1]
        if ctx.doc.format == "json":
            if ctx.style.compact or not ctx.ix.at_line_start(last_key.start):
                sep, base = " ", ctx.ix.leading_ws(last_key.start)
            else:
                base = ctx.ix.leading_ws(last_key.start)
                sep = ctx.nl + base
            colon = ctx.text[last_key.end:last_value.start] or ctx.style.colon
            if ctx.style.compact:
                sep = ""
            new = f",{sep}{render_json(self.segment, ctx.style)}{colon}{render_json(self.value, ctx.style, base)}"
            return Splice(last_value.end, last_value.end, new)
        if c.flow:
            return None
        col = ctx.ix.col(c.items[0][0].start)
        at = ctx.content_end(last_value)
        lines = ctx.insert_renderer(ctx.after_line(at)).mapping({self.segment: self.value}, col)
        return ctx.insert_lines_after(at, lines)

    def _add_item(self, index: int) -> Splice | None:
        c, ctx = self.container, self.ctx
        if ctx.doc.format == "json":
            anchor = c.items[min(index, len(c.items) - 1)]
            if ctx.style.compact or not ctx.ix.at_line_start(anchor.start):
                sep, base = ("" if ctx.style.compact else " "), ctx.ix.leading_ws(anchor.start)
            else:
                base = ctx.ix.leading_ws(anchor.start)
                sep = ctx.nl + base
            rendered = render_json(self.value, ctx.style, base)
            if index >= len(c.items):
                return Splice(anchor.end, anchor.end, f",{sep}{rendered}")
            return Splice(anchor.start, anchor.start, f"{rendered},{sep}")
        if c.flow:
            return None
        first = c.items[0]
        # the sequence starts its line, or is nested compactly after its parent's dash ("- - a")
        if ctx.text[ctx.ix.line_start(c.start):c.start].replace("-", " ").strip(" \t"):
            return None
        dash_col = ctx.ix.col(c.start)
        off = ctx.ix.col(first.start) - dash_col if ctx.ix.line_of(first.start) == ctx.ix.line_of(c.start) else 2
        dash = " " * dash_col + "-" + " " * max(1, off - 1)
        at = ctx.after_line(ctx.content_end(c.items[-1])) if index >= len(c.items) else c.items[index].start
        lines = ctx.insert_renderer(at).item(self.value, dash_col, dash)
        if index >= len(c.items):
            return ctx.insert_lines_after(ctx.content_end(c.items[-1]), lines)
        target = c.items[index]
        start = ctx.ix.line_start(target.start)
        if ctx.text[start:target.start].strip(" \t") == "-":
            return Splice(start, start, ctx.nl.join(lines) + ctx.nl)
        if ctx.dash_line(target) is not None:  # the target's dash stands alone on the line above it
            start = ctx.dash_line(target)
            return Splice(start, start, ctx.nl.join(lines) + ctx.nl)
        # the target shares its line with outer dashes ("- - a"): the new item takes its place
        # there and the target moves to a line of its own, at the same column
        before = ctx.text[start:target.start]
        if ctx.ix.col(target.start) != len(dash) or not before.rstrip(" \t").endswith("-"):
            return None
        return Splice(target.start, target.start, ctx.nl.join([lines[0][len(dash):], *lines[1:], dash]))


class RemoveEdit(Edit):
    """Remove a mapping key or a sequence item, with its lines but not its neighbours' comments."""

    def splice(self) -> Splice | None:
        c, ctx = self.container, self.ctx
        if c.tag is not None or len(c.items) < 2:
            return None
        if c.kind == MAP:
            idx = c.keys[self.segment]
            key, value = c.items[idx]
            first, last = key, value
            nxt = c.items[idx + 1][0] if idx + 1 < len(c.items) else None
            prev_end = c.items[idx - 1][1].end if idx > 0 else None
        else:
            idx = int(self.segment)
            first = last = c.items[idx]
            nxt = c.items[idx + 1] if idx + 1 < len(c.items) else None
            prev_end = c.items[idx - 1].end if idx > 0 else None
        if ctx.doc.format == "json" or c.flow:
            if ctx.doc.format != "json":
                return None
            if nxt is not None:
                return Splice(first.start, nxt.start, "")
            return Splice(prev_end, last.end, "")
        # block YAML
        if c.kind == SEQ and ctx.dash_line(first) is not None:
            # a dash alone on its line, the item below it: remove both lines
            start, end = ctx.dash_line(first), ctx.after_line(ctx.content_end(last))
            return Splice(start, end, "") if end < len(ctx.text) or ctx.text.endswith("\n") else None
        if c.kind == SEQ:
            line_start = ctx.ix.line_start(first.start)
            if ctx.text[line_start:first.start].strip(" \t") != "-":
                # the first item of a compact nested sequence ("- - a"): pull the next item up
                if nxt is None or ctx.ix.col(nxt.start) != ctx.ix.col(first.start):
                    return None
                if ctx.text[ctx.ix.line_start(nxt.start):nxt.start].strip(" \t") != "-":
                    return None
                return Splice(first.start, nxt.start, "")
        elif not ctx.ix.at_line_start(first.start):
            # first key of a "- Key: value" item: pull the next key up onto the dash line
            if nxt is None:
                return None
            return Splice(first.start, nxt.start, "") if ctx.ix.at_line_start(nxt.start) else None
        start = ctx.ix.line_start(first.start)
        end = ctx.after_line(ctx.content_end(last))
        if end == len(ctx.text) and not ctx.text.endswith("\n") and start > 0:
            start -= 1 + (ctx.text[start - 2:start] == "\r\n")
            start = max(start, 0)
        return Splice(start, end, "")


class ReplaceEdit(Edit):
    """Rewrite the value at a key or index."""

    def splice(self) -> Splice | None:
        c, ctx = self.container, self.ctx
        if c.tag is not None:
            return None
        if c.kind == MAP:
            key, value = c.items[c.keys[self.segment]]
            return replace_value(ctx, c, key, value, self.value)
        return replace_value(ctx, c, None, c.items[int(self.segment)], self.value)


_EDITS = {"add": AddEdit, "remove": RemoveEdit, "replace": ReplaceEdit}


# -------------------------------------------------------------- driving


def _normalise(op: dict, plain: Any) -> list[dict]:
    """Express move/copy through add/remove; check ``test`` against the plain view."""
    kind = op.get("op")
    if kind in ("add", "remove", "replace"):
        return [op]
    import jsonpatch  # only fixes need it: kept off the start-up of check
    import jsonpointer

    try:
        if kind == "test":
            jsonpatch.JsonPatch([op]).apply(plain)
            return []
        if kind in ("move", "copy"):
            value = copy.deepcopy(jsonpointer.resolve_pointer(plain, op["from"]))
    except (jsonpatch.JsonPatchException, jsonpointer.JsonPointerException, KeyError) as exc:
        # a failed test or a missing "from" is the patch's fault, reported like any other
        raise PatchError(f"patch does not apply: {exc}") from None
    if kind in ("move", "copy"):
        ops = [{"op": "add", "path": op["path"], "value": value}]
        if kind == "move":
            ops.insert(0, {"op": "remove", "path": op["from"]})
        return ops
    raise PatchError(f"unknown JSON patch operation {kind!r}")


def _escalations(doc: TemplateDocument, op: dict) -> list[tuple[str, str]]:
    """Candidate (container pointer, segment) pairs, innermost first."""
    segments = split_pointer(op["path"])
    if not segments:
        return []
    out = []
    for depth in range(len(segments), 0, -1):
        container = join_pointer(*segments[: depth - 1])
        out.append((container, segments[depth - 1]))
    return out


def _try(doc: TemplateDocument, op: dict, expected: Any, container_ptr: str, segment: str, first: bool):
    """Try one strategy; when its text does not check out, the same strategy without literal blocks."""
    for literals in (True, False):
        new = _attempt(_Ctx(doc, literals=literals), op, expected, container_ptr, segment, first)
        if new is not None:
            return new
    return None


def _attempt(ctx: _Ctx, op: dict, expected: Any, container_ptr: str, segment: str, first: bool):
    doc = ctx.doc
    steps, rest = resolve(doc.root, container_ptr)
    if rest or any(s.inner for s in steps):
        return None
    container = steps[-1].node
    if container.kind == SCALAR:
        return None
    if first:
        edit = _EDITS[op["op"]](ctx, container, segment, op.get("value"))
    else:
        # rewrite the whole child value at this level with its patched plain value
        child_ptr = join_pointer(*split_pointer(container_ptr), segment)
        if container.kind == MAP and segment not in container.keys:
            return None
        if container.kind == SEQ and (not segment.isdigit() or int(segment) >= len(container.items)):
            return None
        from jsonpointer import resolve_pointer

        edit = ReplaceEdit(ctx, container, segment, resolve_pointer(expected, child_ptr))
    splice = edit.splice()
    if splice is None:
        return None
    try:
        new = doc.reparse(splice.apply(doc.text))
    except LoadError:
        return None
    return new if new.data == expected else None


def _whole(doc: TemplateDocument, expected: Any) -> TemplateDocument:
    ctx = _Ctx(doc)
    splice = replace_value(ctx, None, None, doc.root, expected)
    new = doc.reparse(splice.apply(doc.text)) if splice else None
    if new is None or new.data != expected:
        raise EditError("could not express the patch in the template text")
    return new


def apply_operation(doc: TemplateDocument, op: dict) -> TemplateDocument:
    """Apply one add/remove/replace operation, escalating until the text checks out."""
    return apply_operation_traced(doc, op)[0]


def apply_operation_traced(doc: TemplateDocument, op: dict) -> tuple[TemplateDocument, str | None]:
    """:func:`apply_operation`, also saying which value was rewritten whole when the local edit was not
    possible: its pointer (``""`` for the whole document), or None when the edit stayed local."""
    import jsonpatch  # only fixes need it: kept off the start-up of check
    import jsonpointer

    try:
        expected = jsonpatch.JsonPatch([op]).apply(doc.data, in_place=False)
    except jsonpointer.JsonPointerException:
        raise PatchError(f"patch does not apply: {op.get('op')} {op.get('path')}: no such path") from None
    except jsonpatch.JsonPatchException as exc:
        reason = str(exc) if len(str(exc)) <= 120 else str(exc)[:117] + "..."
        raise PatchError(f"patch does not apply: {op.get('op')} {op.get('path')}: {reason}") from None
    if expected == doc.data:
        return doc, None
    for i, (container_ptr, segment) in enumerate(_escalations(doc, op)):
        new = _try(doc, op, expected, container_ptr, segment, first=(i == 0))
        if new is not None:
            return new, (None if i == 0 else join_pointer(*split_pointer(container_ptr), segment))
    return _whole(doc, expected), ""


def apply_operations(doc: TemplateDocument, operations: list[dict]) -> TemplateDocument:
    """Apply RFC 6902 ``operations`` in order; the result's plain view equals jsonpatch's."""
    for raw in operations:
        for op in _normalise(raw, doc.data):
            doc = apply_operation(doc, op)
    return doc
