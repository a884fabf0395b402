"""Building a fix: RFC 6902 operations on the plain view, written the same way by every rule.

Rules describe changes by *path* (a tuple of segments, or a JSON pointer
string) and let :class:`FixBuilder` write the operations: pointers are joined
and escaped in one place, a value set under parents that do not exist yet
creates those parents in one ``add`` (RFC 6902 ``add`` needs its parent), and
keys are renamed with ``move`` so the value keeps its text.  The applicability
is chosen per fix when it is built, because one rule can offer a safe fix in
one template and an unsafe one in the next.

The builder reads the template it is given but never changes it; it tracks
what its own operations create so that later calls see earlier ones.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from autofix.model import Applicability, Fix
from autofix.nodes import join_pointer, split_pointer

Path = str | Sequence[str | int]

_MISSING = object()


def segments(path: Path) -> tuple[str, ...]:
    """``("Resources", "A", 0)`` or ``"/Resources/A/0"`` -> ``("Resources", "A", "0")``."""
    if isinstance(path, str):
        return tuple(split_pointer(path))
    return tuple(str(s) for s in path)


def pointer(path: Path) -> str:
    """The escaped JSON pointer of ``path``."""
    return path if isinstance(path, str) else join_pointer(*path)


class FixBuilder:
    """Collects the operations of one fix against ``data`` (the plain view, never modified)."""

    def __init__(self, data: Any) -> None:
        self._data = data
        self._ops: list[dict[str, Any]] = []
        #: values created or replaced by this builder, by path: later lookups see them
        self._written: dict[tuple[str, ...], Any] = {}
        self._removed: set[tuple[str, ...]] = set()

    # -- reading, as the fix so far leaves the template

    def get(self, path: Path, default: Any = None) -> Any:
        """The value at ``path`` once the operations so far are applied (``default`` when absent)."""
        found = self._lookup(segments(path))
        return default if found is _MISSING else found

    def exists(self, path: Path) -> bool:
        return self._lookup(segments(path)) is not _MISSING

    def _lookup(self, segs: tuple[str, ...]) -> Any:
        for i in range(len(segs), -1, -1):
            prefix = segs[:i]
            if prefix in self._removed:
                return _MISSING
            if prefix in self._written:
                return _descend(self._written[prefix], segs[i:])
        return _descend(self._data, segs)

    # -- writing

    def add(self, path: Path, value: Any) -> FixBuilder:
        """RFC 6902 ``add`` (the parent must exist; ``-`` appends to a list)."""
        return self._op("add", path, value)

    def replace(self, path: Path, value: Any) -> FixBuilder:
        return self._op("replace", path, value)

    def remove(self, path: Path) -> FixBuilder:
        segs = segments(path)
        self._ops.append({"op": "remove", "path": pointer(path)})
        self._removed.add(segs)
        self._written.pop(segs, None)
        return self

    def set(self, path: Path, value: Any) -> FixBuilder:
        """Make ``path`` hold ``value``: replace it, add it, or add its missing parents around it.

        Missing parents are created as mappings in a single ``add`` of the nearest
        missing ancestor, so the fix stays one operation that a reviewer reads at once.
        """
        segs = segments(path)
        if self._lookup(segs) is not _MISSING:
            if self._lookup(segs) == value:
                return self
            return self.replace(segs, value)
        for i in range(1, len(segs)):
            parent = self._lookup(segs[:i])
            if parent is _MISSING:
                nested: Any = value
                for key in reversed(segs[i:]):
                    nested = {key: nested}
                return self.add(segs[:i], nested)
            if not isinstance(parent, (dict, list)):
                raise ValueError(f"cannot set {pointer(segs)}: {pointer(segs[:i])} is not a mapping or list")
        return self.add(segs, value)

    def rename(self, path: Path, new_key: str) -> FixBuilder:
        """Rename the mapping key at ``path`` to ``new_key`` (a ``move``: the value keeps its text)."""
        segs = segments(path)
        target = (*segs[:-1], new_key)
        self._ops.append({"op": "move", "from": pointer(segs), "path": pointer(target)})
        value = self._lookup(segs)
        self._removed.add(segs)
        self._removed.discard(target)
        self._written[target] = value
        return self

    def move(self, source: Path, target: Path) -> FixBuilder:
        src, dst = segments(source), segments(target)
        value = self._lookup(src)
        self._ops.append({"op": "move", "from": pointer(src), "path": pointer(dst)})
        self._removed.add(src)
        self._removed.discard(dst)
        self._written[dst] = value
        return self

    def extend(self, operations: Sequence[dict[str, Any]]) -> FixBuilder:
        """Append operations built elsewhere (they are not tracked for later lookups)."""
        self._ops.extend(operations)
        return self

    def _op(self, op: str, path: Path, value: Any) -> FixBuilder:
        segs = segments(path)
        self._ops.append({"op": op, "path": pointer(path), "value": value})
        if segs and segs[-1] != "-":
            self._written[segs] = value
            self._removed.discard(segs)
        return self

    # -- result

    @property
    def operations(self) -> list[dict[str, Any]]:
        return list(self._ops)

    def __bool__(self) -> bool:
        return bool(self._ops)

    def build(self, description: str, applicability: Applicability | str) -> Fix:
        """The finished :class:`Fix`; its applicability is this fix's own, not the rule's."""
        return Fix(tuple(self._ops), description, Applicability(applicability))


def _descend(value: Any, segs: Sequence[str]) -> Any:
    for seg in segs:
        if isinstance(value, dict):
            if seg not in value:
                return _MISSING
            value = value[seg]
        elif isinstance(value, list):
            if not seg.isdigit() or int(seg) >= len(value):
                return _MISSING
            value = value[int(seg)]
        else:
            return _MISSING
    return value
