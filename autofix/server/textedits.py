"""The smallest text edits that turn a document into the text the engine wrote.

The engine splices each fix into the text and proves the result; the editor needs that
result as edits of the text it holds.  The changed lines are found as SARIF output finds
them (:func:`autofix.formats.sarif.replacements`), and each changed block is then narrowed
to the characters that differ, so an edit covers only what the fix changed and applying
the edits gives exactly the engine's text, byte for byte.
"""

from __future__ import annotations

from typing import NamedTuple

from autofix.formats.sarif import replacements


class Edit(NamedTuple):
    """Replace ``text[start:end]`` (offsets into the old text) with ``new``."""

    start: int
    end: int
    new: str


def _unchanged_lines(before: list[str], after: list[str]) -> tuple[int, int]:
    """How many whole lines the two texts share at their start, and then at their end."""
    limit = min(len(before), len(after))
    head = 0
    while head < limit and before[head] == after[head]:
        head += 1
    tail = 0
    while tail < limit - head and before[-1 - tail] == after[-1 - tail]:
        tail += 1
    return head, tail


def text_edits(before: str, after: str) -> list[Edit]:
    """Non-overlapping edits of ``before``, in order, that together make ``after``.

    The lines both texts share at their start and end are set aside first: the line diff then
    runs on the changed middle only (a template's repetitive lines make it slow on a whole file).
    """
    old_lines, new_lines = before.splitlines(keepends=True), after.splitlines(keepends=True)
    head, tail = _unchanged_lines(old_lines, new_lines)
    skipped = sum(map(len, old_lines[:head]))
    old_middle = "".join(old_lines[head:len(old_lines) - tail])
    new_middle = "".join(new_lines[head:len(new_lines) - tail])
    edits = []
    for rep in replacements(old_middle, new_middle):
        region = rep["deletedRegion"]
        start = skipped + region["charOffset"]
        end = start + region["charLength"]
        old, new = before[start:end], rep.get("insertedContent", {}).get("text", "")
        same = 0
        limit = min(len(old), len(new))
        while same < limit and old[same] == new[same]:
            same += 1
        kept = 0
        while kept < limit - same and old[len(old) - 1 - kept] == new[len(new) - 1 - kept]:
            kept += 1
        # never split a CRLF: an editor cannot address the position between its two characters
        if same and old[same - 1] == "\r" and old[same:same + 1] == "\n":
            same -= 1
        if kept and old[len(old) - kept - 1:len(old) - kept + 1] == "\r\n":
            kept -= 1
        edits.append(Edit(start + same, end - kept, new[same:len(new) - kept]))
    return edits


def apply_edits(text: str, edits: list[Edit]) -> str:
    """``text`` with ``edits`` applied (the inverse of :func:`text_edits`, for checking)."""
    for edit in sorted(edits, reverse=True):
        text = text[:edit.start] + edit.new + text[edit.end:]
    return text
