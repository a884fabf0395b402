"""Line arithmetic over a text, for turning offsets into lines and columns and back."""

from __future__ import annotations

from bisect import bisect_right
from itertools import accumulate


def position(text: str, index: int) -> tuple[int, int]:
    """1-based (line, column) of a character offset: what :meth:`TextIndex.position` answers, without
    indexing every line (for the few offsets of an error or a file's findings)."""
    return text.count("\n", 0, index) + 1, index - text.rfind("\n", 0, index)


class TextIndex:
    """Offsets of line starts in ``text``; 0-based internally, 1-based for users."""

    def __init__(self, text: str) -> None:
        self.text = text
        # line i starts after lines 0..i-1 and their "\n"s; summed in C (no Python step per line)
        lines = text.split("\n")
        lines.pop()
        self.starts = [0, *accumulate(map((1).__add__, map(len, lines)))]

    def line_of(self, offset: int) -> int:
        """0-based line number holding ``offset``."""
        return bisect_right(self.starts, offset) - 1

    def col(self, offset: int) -> int:
        """0-based column of ``offset``."""
        return offset - self.starts[self.line_of(offset)]

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of ``offset``."""
        line = self.line_of(offset)
        return line + 1, offset - self.starts[line] + 1

    def line_start(self, offset: int) -> int:
        return self.starts[self.line_of(offset)]

    def after_line(self, offset: int) -> int:
        """Offset just past the line break ending the line of ``offset`` (or the text's end)."""
        i = self.text.find("\n", offset)
        return len(self.text) if i == -1 else i + 1

    def at_line_start(self, offset: int) -> bool:
        """True when only blanks precede ``offset`` on its line."""
        return self.text[self.line_start(offset):offset].strip(" \t") == ""

    def leading_ws(self, offset: int) -> str:
        start = self.line_start(offset)
        line = self.text[start:self.after_line(offset)]
        return line[: len(line) - len(line.lstrip(" \t"))]
