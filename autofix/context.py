"""What rules read: a read-only view of one template, and facts several rules share, computed once.

Every rule of a run sees the same :class:`RuleContext`.  Its plain data is a
read-only copy (:class:`FrozenDict` / :class:`FrozenList`, still ``dict`` and
``list`` for ``isinstance``), so no rule can change what the next one sees,
and facts that several rules need (the DR context, the reference graph, a
family's precondition) are computed at most once per template through
:meth:`RuleContext.cached`.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, NoReturn, TypeVar

from autofix.intrinsics import references
from autofix.template import Template

T = TypeVar("T")


def _read_only(*_: Any, **__: Any) -> NoReturn:
    raise TypeError("rules read the template; they change it only through fixes")


class FrozenDict(dict):
    """A ``dict`` that refuses changes (rules get the template read-only)."""

    __slots__ = ()
    __setitem__ = __delitem__ = clear = pop = popitem = setdefault = update = __ior__ = _read_only  # type: ignore[assignment]

    def __copy__(self) -> dict:
        return dict(self)

    def __deepcopy__(self, memo: dict) -> dict:
        return thaw(self)

    def __reduce__(self):  # pickles and copies as a plain dict
        return (dict, (dict(self),))


class FrozenList(list):
    """A ``list`` that refuses changes."""

    __slots__ = ()
    __setitem__ = __delitem__ = append = extend = insert = pop = remove = clear = sort = reverse = _read_only  # type: ignore[assignment]
    __iadd__ = __imul__ = _read_only  # type: ignore[assignment]

    def __copy__(self) -> list:
        return list(self)

    def __deepcopy__(self, memo: dict) -> list:
        return thaw(self)

    def __reduce__(self):
        return (list, (list(self),))


def freeze(value: Any) -> Any:
    """A read-only deep copy of JSON data (scalars are shared: they are immutable)."""
    if isinstance(value, dict):
        return FrozenDict({k: freeze(v) for k, v in value.items()})
    if isinstance(value, list):
        return FrozenList([freeze(v) for v in value])
    return value


def thaw(value: Any) -> Any:
    """A mutable deep copy (for code that builds new values from what a rule read)."""
    if isinstance(value, dict):
        return {k: thaw(v) for k, v in value.items()}
    if isinstance(value, list):
        return [thaw(v) for v in value]
    return value


class RuleContext(Template):
    """The template as every rule of one detection pass sees it, plus a cache of shared facts."""

    def __init__(self, data: Any, *, frozen: bool = False) -> None:
        super().__init__(data if frozen else freeze(data))
        self._cache: dict[Hashable, Any] = {}

    def cached(self, key: Hashable, compute: Callable[[], T]) -> T:
        """``compute()`` the first time ``key`` is asked for in this template, the same value after."""
        try:
            return self._cache[key]
        except KeyError:
            value = self._cache[key] = compute()
            return value

    @property
    def reference_graph(self) -> dict[str, frozenset[str]]:
        """Logical id -> the logical ids (resources, parameters...) its definition references."""
        return self.cached("reference_graph", lambda: {
            logical_id: frozenset(references(resource)) for logical_id, resource in self.resources.items()})

    def referrers(self, logical_id: str) -> list[str]:
        """Resources whose definition references ``logical_id``, in template order."""
        return [other for other, refs in self.reference_graph.items() if logical_id in refs and other != logical_id]

    def referenced_anywhere(self) -> frozenset[str]:
        """Every logical id referenced from Resources, Outputs, Conditions or Metadata-free sections."""
        def compute() -> frozenset[str]:
            found: set[str] = set()
            for refs in self.reference_graph.values():
                found |= refs
            for section in ("Outputs", "Conditions"):
                found |= references(self.section(section))
            return frozenset(found)

        return self.cached("referenced_anywhere", compute)


def context_of(template: Template) -> RuleContext | None:
    """``template`` when it is a :class:`RuleContext` (rules called directly in tests get a plain one)."""
    return template if isinstance(template, RuleContext) else None
