"""Regular expressions compiled on first use.

Rule modules define dozens of module-level patterns, and a run on one template
uses a few of them: compiling every pattern at import (``re`` compiles in
Python) was about a tenth of the start-up of ``autofix check`` on a small
template.  A :class:`LazyPattern` stands in for the compiled pattern and
compiles it the first time any of its methods is used; after that it costs one
attribute lookup more per call, so patterns used on every value of every
template (:mod:`autofix.intrinsics`) stay plain ``re.compile``.
"""

from __future__ import annotations

import re
from typing import Any


class LazyPattern:
    """``re.compile(pattern, flags)``, done when first used; answers every ``re.Pattern`` method."""

    __slots__ = ("_compiled", "_flags", "_source")

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self._source = pattern
        self._flags = flags
        self._compiled: re.Pattern[str] | None = None

    @property
    def compiled(self) -> re.Pattern[str]:
        compiled = self._compiled
        if compiled is None:
            compiled = self._compiled = re.compile(self._source, self._flags)
        return compiled

    def __getattr__(self, name: str) -> Any:  # match, search, sub, findall, pattern, flags...
        return getattr(self.compiled, name)

    def __repr__(self) -> str:
        return f"LazyPattern({self._source!r}, {self._flags!r})"


def lazy_pattern(pattern: str, flags: int = 0) -> LazyPattern:
    """A pattern compiled on first use (module-level patterns of rules and rarely used helpers)."""
    return LazyPattern(pattern, flags)
