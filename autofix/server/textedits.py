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


def text_edits(before: str, after: str) -> list[Edit]:
    """Non-overlapping edits of ``before``, in order, that together make ``after``."""
    edits = []
    for rep in replacements(before, after):
        region = rep["deletedRegion"]
        start, end = region["charOffset"], region["charOffset"] + region["charLength"]
        old, new = before[start:end], rep.get("insertedContent", {}).get("text", "")
        head = 0
        limit = min(len(old), len(new))
        while head < limit and old[head] == new[head]:
            head += 1
        tail = 0
        while tail < limit - head and old[len(old) - 1 - tail] == new[len(new) - 1 - tail]:
            tail += 1
        # never split a CRLF: an editor cannot address the position between its two characters
        if head and old[head - 1] == "\r" and old[head:head + 1] == "\n":
            head -= 1
        if tail and old[len(old) - tail - 1:len(old) - tail + 1] == "\r\n":
            tail -= 1
        edits.append(Edit(start + head, end - tail, new[head:len(new) - tail]))
    return edits


def apply_edits(text: str, edits: list[Edit]) -> str:
    """``text`` with ``edits`` applied (the inverse of :func:`text_edits`, for checking)."""
    for edit in sorted(edits, reverse=True):
        text = text[:edit.start] + edit.new + text[edit.end:]
    return text
