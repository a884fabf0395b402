"""Text changes for one value of a template: remove entries, insert entries, rewrite a value, or splice
only what differs between a value and its patched form.

Each change is a :class:`Splice` of the old text.  Entries are removed and inserted in their
collection's own style: block YAML by whole lines at the collection's indentation, flow YAML and
JSON between the brackets with the collection's own separator.  :meth:`Splicer.diff` compares a
value with its patched form and splices only the entries that differ, recursively, so that a
rule which replaces a whole value to change one part of it touches only that part.  A value is
rewritten whole only where no splice fits its layout; when the rewrite also re-renders text the
patch left alone, it is recorded as a :class:`Rewrite` for the report.

None of this has to be right for the result to be right: :mod:`autofix.edits` reads every
spliced text back and falls back to a wider rewrite when it does not give the patched data.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from difflib import SequenceMatcher
from itertools import pairwise
from typing import TYPE_CHECKING, Any, NamedTuple

from autofix.nodes import MAP, SCALAR, SEQ, Node, content_end, join_pointer, long_name
from autofix.render import YamlRenderer, plain_ok, quoted, render_json, yaml_scalar
from autofix.reuse import same

if TYPE_CHECKING:
    from autofix.document import TemplateDocument
    from autofix.reuse import TextBank


@dataclass(frozen=True)
class Splice:
    """Replace ``text[start:end]`` with ``new``."""

    start: int
    end: int
    new: str

    def apply(self, text: str) -> str:
        return text[: self.start] + self.new + text[self.end :]


def apply_splices(text: str, splices: list[Splice]) -> str | None:
    """``text`` with every splice made; None when two of them overlap (or insert at one place)."""
    ordered = sorted(splices, key=lambda s: (s.start, s.end))
    for a, b in pairwise(ordered):
        if a.end > b.start or (a.start == a.end == b.start == b.end):
            return None
    out, pos = [], 0
    for s in ordered:
        out += (text[pos:s.start], s.new)
        pos = s.end
    out.append(text[pos:])
    return "".join(out)


class Rewrite(NamedTuple):
    """A value the edit engine wrote anew, with text the patch did not change: comments and layout there
    are lost.  ``pointer`` is ``""`` for the whole document."""

    pointer: str
    reason: str


#: Why a value is rewritten whole (the report shows it beside the pointer).
NO_SPLICE = "no splice fits its layout"
NO_READBACK = "a splice did not read back as the patch"


def _runs(indices: list[int]) -> list[tuple[int, int]]:
    """Sorted indices as (first, last) runs of consecutive ones."""
    runs: list[tuple[int, int]] = []
    for i in indices:
        if runs and runs[-1][1] == i - 1:
            runs[-1] = (runs[-1][0], i)
        else:
            runs.append((i, i))
    return runs


def _canon(value: Any) -> str:
    return json.dumps(value, sort_keys=True, check_circular=False)


def shares(old: Any, new: Any) -> bool:
    """Whether ``new`` keeps a part of ``old`` (so that rendering ``new`` whole rewrites kept text)."""
    if isinstance(old, dict) and isinstance(new, dict):
        return any(k in new and (same(v, new[k]) or shares(v, new[k])) for k, v in old.items())
    if isinstance(old, list) and isinstance(new, list):
        kept = {_canon(v) for v in new}
        return any(_canon(v) in kept for v in old) or any(shares(a, b) for a, b in zip(old, new, strict=False))
    return False


class Splicer:
    """Splices into one document's text: its geometry, its style and the renderers that match them."""

    def __init__(self, doc: TemplateDocument, *, literals: bool = True, bank: TextBank | None = None) -> None:
        self.doc = doc
        self.text = doc.text
        self.ix = doc.index
        self.style = doc.style
        self.nl = self.style.newline
        self.json = doc.format == "json"
        self.bank = bank
        self._yaml_last = YamlRenderer(self.style, literals=False, bank=bank)
        # Without literals, multi-line strings are written double-quoted: the retry when a literal
        # block would swallow what follows it (an indented comment line, for one).
        self.yaml = YamlRenderer(self.style, bank=bank) if literals else self._yaml_last
        #: values rewritten whole although the patch kept part of them
        self.rewrites: list[Rewrite] = []

    @property
    def wrote_literal(self) -> bool:
        return self.yaml.wrote_literal

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

        ``-`` followed by a line break puts the item on a later line (``-\\n  Ref: X``), maybe after
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

    def _dash(self, item: Node) -> int | None:
        """Offset of the dash that introduces block sequence item ``item``."""
        i = item.start - 1
        while i >= 0 and self.text[i] in " \t":
            i -= 1
        if i >= 0 and self.text[i] == "-":
            return i
        line = self.dash_line(item)
        return None if line is None else self.text.index("-", line)

    def content_end(self, node: Node) -> int:
        return content_end(self.text, node)

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

    def _separator(self, first: Node, second: Node | None) -> str:
        """What follows the comma between two entries written on one line (``" "`` unless the text says)."""
        if self.json and self.style.compact:
            return ""
        if second is not None:
            gap = self.text[first.end:second.start]
            if "\n" not in gap and "," in gap:
                return gap.split(",", 1)[1]
        return " "

    # ---------------------------------------------------------- one value rewritten

    def replaced(self, parent: Node | None, key: Node | None, node: Node, value: Any) -> Splice | None:
        """Rewrite ``node`` (a child of ``parent``; ``key`` when parent is a mapping) as ``value``."""
        if self.json:
            base = self.ix.leading_ws(node.start)
            return Splice(node.start, node.end, render_json(value, self.style, base, self.bank))
        in_flow = parent is not None and parent.flow
        scalar = self._scalar_in_place(node, value, in_flow)
        if scalar is not None:
            return Splice(node.start, node.end, scalar)
        if in_flow or (node.flow and isinstance(value, (dict, list))):
            flow = self.yaml.flow(value)
            if flow is not None:
                return Splice(node.start, node.end, flow)
            if in_flow:
                return None
        end = self.content_end(node)
        if parent is None:  # the root: rewrite the whole document body
            if isinstance(value, dict) and value:
                lines = self.renderer(end).mapping(value, 0)
            else:
                lines = [self.yaml.flow(value) or yaml_scalar(str(value), self.style)]
            return Splice(node.start, end, self.nl.join(lines))
        if parent.kind == MAP:
            assert key is not None
            colon = self.colon_end(key)
            if colon is None:
                return None
            col = self.ix.col(key.start)
            head, lines = self.renderer(end).value(value, col)
            new = (" " + head if head else "") + "".join(self.nl + line for line in lines)
            return Splice(colon, end, new)
        # a block sequence item: the value starts after its dash
        col = self.ix.col(node.start)
        dash = self._dash(node)
        dash_col = self.ix.col(dash) if dash is not None else self.ix.col(parent.start)
        rendered = self.renderer(end).item(value, dash_col, " " * col)
        first = rendered[0][col:]
        return Splice(node.start, end, self.nl.join([first, *rendered[1:]]))

    def _scalar_in_place(self, node: Node, value: Any, in_flow: bool) -> str | None:
        """A one-line string replacing a scalar, written as that scalar is: in its quotes, or plain."""
        if node.kind != SCALAR or node.style not in ("'", '"', None):
            return None
        inner = value
        if node.tag is not None:
            if not (isinstance(value, dict) and list(value) == [long_name(node.tag)]):
                return None
            inner = value[long_name(node.tag)]
            if node.tag == "!GetAtt":
                return None  # its text is a dotted pair, not the list the plain view holds
        if not isinstance(inner, str) or "\n" in inner or "\r" in inner:
            return None
        if node.style is None:
            if not isinstance(node.value, str) or not plain_ok(inner, in_flow):
                return None
            text = inner
        else:
            text = quoted(inner, node.style)
        return f"{node.tag} {text}" if node.tag else text

    # ---------------------------------------------------------- entries removed

    def removed(self, c: Node, i: int, j: int) -> Splice | None:
        """Remove entries ``i..j`` of ``c`` with their lines, but not their neighbours' comments."""
        n = len(c.items)
        if j - i + 1 >= n:
            return None  # the collection empties: rewritten as {} or [] by the caller
        if c.kind == MAP:
            first, last = c.items[i][0], c.items[j][1]
            nxt = c.items[j + 1][0] if j + 1 < n else None
            prev = c.items[i - 1][1] if i > 0 else None
        else:
            first, last = c.items[i], c.items[j]
            nxt = c.items[j + 1] if j + 1 < n else None
            prev = c.items[i - 1] if i > 0 else None
        ix, text = self.ix, self.text
        if c.flow:  # JSON, or YAML flow: the entries and one comma
            if nxt is not None:
                start, end = ix.line_start(first.start), ix.line_start(nxt.start)
                if (ix.at_line_start(first.start) and ix.at_line_start(nxt.start)
                        and text[last.end:end].strip(" \t\r\n") == ","):
                    return Splice(start, end, "")  # entries on lines of their own: those lines
                return Splice(first.start, nxt.start, "")
            assert prev is not None
            return Splice(prev.end, last.end, "")
        if c.kind == SEQ and self.dash_line(first) is not None:
            # a dash alone on its line, the item below it: remove both lines
            start, end = self.dash_line(first), self.after_line(self.content_end(last))
            return Splice(start, end, "") if end < len(text) or text.endswith("\n") else None
        if c.kind == SEQ:
            line_start = ix.line_start(first.start)
            if text[line_start:first.start].strip(" \t") != "-":
                # the first item of a compact nested sequence ("- - a"): pull the next item up
                if nxt is None or ix.col(nxt.start) != ix.col(first.start):
                    return None
                if text[ix.line_start(nxt.start):nxt.start].strip(" \t") != "-":
                    return None
                return Splice(first.start, nxt.start, "")
        elif not ix.at_line_start(first.start):
            # first key of a "- Key: value" item: pull the next key up onto the dash line
            if nxt is None:
                return None
            return Splice(first.start, nxt.start, "") if ix.at_line_start(nxt.start) else None
        start = ix.line_start(first.start)
        end = self.after_line(self.content_end(last))
        if end == len(text) and not text.endswith("\n") and start > 0:
            start -= 1 + (text[start - 2:start] == "\r\n")
            start = max(start, 0)
        return Splice(start, end, "")

    # ---------------------------------------------------------- entries inserted

    def inserted_entries(self, c: Node, entries: dict[str, Any], *, last_kept: bool = True) -> Splice | None:
        """Add new keys to mapping ``c``: at its end, or in JSON before its last entry when that entry
        stays (``last_kept``) and has a line of its own."""
        if not c.items:
            return None
        last_key, last_value = c.items[-1]
        if c.flow:
            if (self.json and last_kept and not self.style.compact and len(c.items) > 1
                    and self.ix.at_line_start(last_key.start)):
                # before the last entry, which keeps its line: JSON wants no comma after a last entry, and
                # the order of keys means nothing
                base = self.ix.leading_ws(last_key.start)
                colon = self.text[last_key.end:last_value.start] or self.style.colon
                lines = [f"{base}{render_json(k, self.style)}{colon}{render_json(v, self.style, base, self.bank)},"
                         for k, v in entries.items()]
                at = self.ix.line_start(last_key.start)
                return Splice(at, at, self.nl.join(lines) + self.nl)
            if self.json and not self.style.compact and self.ix.at_line_start(last_key.start):
                base = self.ix.leading_ws(last_key.start)
                sep = self.nl + base
            else:
                base = self.ix.leading_ws(last_key.start)
                sep = self._separator(c.items[-2][1], last_key) if len(c.items) > 1 else self._separator(
                    last_value, None)
            colon = self.text[last_key.end:last_value.start] or self.style.colon
            parts = []
            for k, v in entries.items():
                if self.json:
                    parts.append(f"{render_json(k, self.style)}{colon}{render_json(v, self.style, base, self.bank)}")
                else:
                    flow = self.yaml.flow(v)
                    if flow is None:
                        return None
                    parts.append(f"{self.yaml.scalar(k, key=True, flow=True)}{colon}{flow}")
            return Splice(last_value.end, last_value.end, "".join(f",{sep}{p}" for p in parts))
        col = self.ix.col(c.items[0][0].start)
        at = self.content_end(last_value)
        lines = self.insert_renderer(self.after_line(at)).mapping(entries, col)
        return self.insert_lines_after(at, lines)

    def inserted_items(self, c: Node, index: int, values: list[Any]) -> Splice | None:
        """Insert ``values`` into sequence ``c`` before its item ``index`` (at the end when past it)."""
        if not c.items:
            return None
        n = len(c.items)
        if c.flow:
            anchor = c.items[min(index, n - 1)]
            base = self.ix.leading_ws(anchor.start)
            if self.ix.at_line_start(anchor.start) and not (self.json and self.style.compact):
                sep = self.nl + base
            else:
                sep = self._separator(c.items[0], c.items[1] if n > 1 else None)
            rendered = []
            for v in values:
                text = render_json(v, self.style, base, self.bank) if self.json else self.yaml.flow(v)
                if text is None:
                    return None
                rendered.append(text)
            joined = ("," + sep).join(rendered)
            if index >= n:
                return Splice(anchor.end, anchor.end, f",{sep}{joined}")
            return Splice(anchor.start, anchor.start, f"{joined},{sep}")
        text, ix = self.text, self.ix
        first = c.items[0]
        dash_at = self._dash(first)
        if dash_at is None:
            return None
        # the sequence starts its line, or is nested compactly after its parent's dash ("- - a")
        if text[ix.line_start(dash_at):dash_at].replace("-", " ").strip(" \t"):
            return None
        dash_col = ix.col(dash_at)
        off = ix.col(first.start) - dash_col if ix.line_of(first.start) == ix.line_of(dash_at) else 2
        dash = " " * dash_col + "-" + " " * max(1, off - 1)
        at = self.after_line(self.content_end(c.items[-1])) if index >= n else c.items[index].start
        renderer = self.insert_renderer(at)
        lines = [line for v in values for line in renderer.item(v, dash_col, dash)]
        if index >= n:
            return self.insert_lines_after(self.content_end(c.items[-1]), lines)
        target = c.items[index]
        start = ix.line_start(target.start)
        if text[start:target.start].strip(" \t") == "-":
            return Splice(start, start, self.nl.join(lines) + self.nl)
        if self.dash_line(target) is not None:  # the target's dash stands alone on the line above it
            start = self.dash_line(target)
            return Splice(start, start, self.nl.join(lines) + self.nl)
        # the target shares its line with outer dashes ("- - a"): the new items take its place
        # there and the target moves to a line of its own, at the same column
        before = text[start:target.start]
        if ix.col(target.start) != len(dash) or not before.rstrip(" \t").endswith("-"):
            return None
        return Splice(target.start, target.start, self.nl.join([lines[0][len(dash):], *lines[1:], dash]))

    # ---------------------------------------------------------- a value and its patched form

    def diff(self, parent: Node | None, key: Node | None, node: Node, old: Any, new: Any,
             pointer: str) -> list[Splice] | None:
        """Splices that turn ``node`` (at ``pointer``, plain value ``old``) into ``new``, touching only the
        entries that differ; None when not even a rewrite of ``node`` fits."""
        if same(old, new):
            return []
        mark = len(self.rewrites)
        parts = self._diff_entries(node, old, new, pointer)
        if parts is not None:
            return parts
        del self.rewrites[mark:]
        whole = self.replaced(parent, key, node, new)
        if whole is None:
            return None
        if self.loses(node, old, new):
            self.rewrites.append(Rewrite(pointer, NO_SPLICE))
        return [whole]

    def loses(self, node: Node, old: Any, new: Any) -> bool:
        """Whether writing ``new`` in place of ``node`` (whose value is ``old``) anew rewrites lines the patch
        left alone: ``new`` keeps part of ``old``, and ``old`` spans lines (on its one line, the patched
        line, nothing else is lost)."""
        ix = self.ix
        return ix.line_of(node.start) != ix.line_of(self.content_end(node)) and shares(old, new)

    def _diff_entries(self, node: Node, old: Any, new: Any, pointer: str) -> list[Splice] | None:
        if node.tag is not None:
            name = long_name(node.tag)
            if node.kind == SCALAR or not (_wraps(old, name) and _wraps(new, name)):
                return None
            old, new, pointer = old[name], new[name], join_pointer_to(pointer, name)
            if node.tag == "!GetAtt" and not (isinstance(new, list) and isinstance(old, list) and len(new) == len(old)
                                              and all(isinstance(v, str) for v in new)):
                return None  # cfn-flip reads its items as raw text: strings replaced in place, or the renderer decides
        if node.kind == MAP and isinstance(old, dict) and isinstance(new, dict):
            return self._diff_map(node, old, new, pointer)
        if node.kind == SEQ and isinstance(old, list) and isinstance(new, list):
            return self._diff_seq(node, old, new, pointer)
        return None

    def _diff_map(self, node: Node, old: dict, new: dict, pointer: str) -> list[Splice] | None:
        if any(k not in node.keys for k in old):
            return None  # keys the text does not hold one for one (a YAML merge key)
        kept = [k for k in old if k in new]
        if not kept:
            return None
        out: list[Splice] = []
        gone = sorted(node.keys[k] for k in old if k not in new)
        for i, j in _runs(gone):
            splice = self.removed(node, i, j)
            if splice is None:
                return None
            out.append(splice)
        for k in kept:
            key, value = node.items[node.keys[k]]
            parts = self.diff(node, key, value, old[k], new[k], join_pointer_to(pointer, k))
            if parts is None:
                return None
            out += parts
        added = {k: v for k, v in new.items() if k not in old}
        if added:
            splice = self.inserted_entries(node, added, last_kept=len(node.items) - 1 not in gone)
            if splice is None:
                return None
            out.append(splice)
        return out

    def _diff_seq(self, node: Node, old: list, new: list, pointer: str) -> list[Splice] | None:
        if not old or not new or len(old) != len(node.items):
            return None
        old_keys, new_keys = [_canon(v) for v in old], [_canon(v) for v in new]
        matcher = SequenceMatcher(None, old_keys, new_keys, autojunk=False)
        out: list[Splice] = []
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                continue
            gone: list[int] = []
            pending: list[Any] = []  # new items waiting for the next old item that stays
            for i, j in [*_aligned(old[i1:i2], new[j1:j2]), (i2 - i1, None)]:
                if j is None and i < i2 - i1:
                    gone.append(i1 + i)
                    continue
                if j is not None and i is None:
                    pending.append(new[j1 + j])
                    continue
                if pending:
                    splice = self.inserted_items(node, i1 + i, pending)
                    if splice is None:
                        return None
                    out.append(splice)
                    pending = []
                if j is not None:
                    parts = self.diff(node, None, node.items[i1 + i], old[i1 + i], new[j1 + j],
                                      join_pointer_to(pointer, i1 + i))
                    if parts is None:
                        return None
                    out += parts
            for first, last in _runs(gone):
                splice = self.removed(node, first, last)
                if splice is None:
                    return None
                out.append(splice)
        return out


def _likeness(a: Any, b: Any) -> int:
    """How much of ``a`` stays in ``b``: entries kept (twice) and keys kept, items kept."""
    if isinstance(a, dict) and isinstance(b, dict):
        return sum(2 if _canon(v) == _canon(b[k]) else 1 for k, v in a.items() if k in b)
    if isinstance(a, list) and isinstance(b, list):
        return len({_canon(v) for v in a} & {_canon(v) for v in b})
    return 0


def _aligned(old: list, new: list) -> list[tuple[int | None, int | None]]:
    """Pairs (old index, new index) in order, best alike first: None on one side is a removal or an
    insertion.  A changed run of a list pairs each new item with the old item it keeps most of."""
    m, n = len(old), len(new)
    if m == n:
        return [(i, i) for i in range(m)]
    score = [[0] * (n + 1) for _ in range(m + 1)]
    for i in range(m - 1, -1, -1):
        for j in range(n - 1, -1, -1):
            score[i][j] = max(score[i + 1][j], score[i][j + 1], score[i + 1][j + 1] + 1 + _likeness(old[i], new[j]))
    pairs: list[tuple[int | None, int | None]] = []
    i = j = 0
    while i < m or j < n:
        if i < m and j < n and score[i][j] == score[i + 1][j + 1] + 1 + _likeness(old[i], new[j]):
            pairs.append((i, j))
            i, j = i + 1, j + 1
        elif i < m and (j == n or score[i][j] == score[i + 1][j]):
            pairs.append((i, None))
            i += 1
        else:
            pairs.append((None, j))
            j += 1
    return pairs


def _wraps(value: Any, name: str) -> bool:
    return isinstance(value, dict) and len(value) == 1 and name in value


def join_pointer_to(pointer: str, segment: str | int) -> str:
    """``pointer`` with one more segment."""
    return pointer + join_pointer(segment)
