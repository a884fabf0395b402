"""What rules read: a read-only view of one template, and facts several rules share, computed once.

Every rule of a run sees the same :class:`RuleContext`.  Its plain data is a
read-only copy (:class:`FrozenDict` / :class:`FrozenList`, still ``dict`` and
``list`` for ``isinstance``), so no rule can change what the next one sees,
and facts that several rules need (the DR context, the reference graph, a
family's precondition) are computed at most once per template through
:meth:`RuleContext.cached`.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from operator import itemgetter
from typing import Any, NamedTuple, NoReturn, TypeVar

from autofix.intrinsics import pointer_token, references_in, values, walk
from autofix.template import Template, resource_type

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


class SharedWalk(NamedTuple):
    """The template's containers walked once: every mapping as ``(pointer, mapping)`` in document order,
    and for every container (mapping or list) the slice of that list its subtree holds, with the
    container itself (a slice is only handed out for the template's own node)."""

    mappings: list[tuple[str, dict[str, Any]]]
    spans: dict[str, tuple[int, int, Any]]


#: Slices are kept for the containers down to a resource's ``Properties`` (the root is depth 1, a
#: section 2, a resource 3): what rules ask for.  A deeper container is walked afresh when asked.
SPAN_DEPTH = 4


class _TooDeep(Exception):
    pass


def shared_walk(data: Any, *, freeze_lists: bool = False, max_depth: int | None = None) -> SharedWalk | None:
    """The :class:`SharedWalk` of ``data``: every mapping with its pointer, and every container's slice.

    For parsed JSON, whose mappings the parser made read-only, the same pass makes every list a
    :class:`FrozenList` (``freeze_lists``) and measures the nesting (None when containers nest
    deeper than ``max_depth``): one pass over the data instead of three.
    """
    mappings: list[tuple[str, dict[str, Any]]] = []
    append = mappings.append
    spans: dict[str, tuple[int, int, Any]] = {}
    limit = max_depth if max_depth is not None else float("inf")

    def visit(pointer: str, value: Any, depth: int) -> None:  # value: a dict or a list
        if depth > limit:
            raise _TooDeep
        first = len(mappings)
        if isinstance(value, dict):
            append((pointer, value))
            for k, v in value.items():
                if isinstance(v, (dict, list)):
                    if freeze_lists and type(v) is list:
                        v = FrozenList(v)
                        dict.__setitem__(value, k, v)  # the same key: no resize while iterating
                    visit(f"{pointer}/{pointer_token(k)}", v, depth + 1)
        else:
            for i, v in enumerate(value):
                if isinstance(v, (dict, list)):
                    if freeze_lists and type(v) is list:
                        v = FrozenList(v)
                        list.__setitem__(value, i, v)
                    visit(f"{pointer}/{i}", v, depth + 1)
        if depth <= SPAN_DEPTH:
            spans[pointer] = (first, len(mappings), value)

    if isinstance(data, (dict, list)):
        try:
            visit("", data, 1)
        except _TooDeep:
            return None
    return SharedWalk(mappings, spans)


class RuleContext(Template):
    """The template as every rule of one detection pass sees it, plus a cache of shared facts."""

    def __init__(self, data: Any, *, frozen: bool = False, walk: SharedWalk | None = None) -> None:
        """``walk``: the :func:`shared_walk` of ``data`` when the loader already made it."""
        super().__init__(data if frozen else freeze(data))
        self._cache: dict[Hashable, Any] = {} if walk is None else {"walk": walk}

    def cached(self, key: Hashable, compute: Callable[[], T]) -> T:
        """``compute()`` the first time ``key`` is asked for in this template, the same value after."""
        try:
            return self._cache[key]
        except KeyError:
            value = self._cache[key] = compute()
            return value

    def walk_at(self, pointer: str, value: Any) -> Iterable[tuple[str, Any]]:
        """:func:`~autofix.intrinsics.walk` of ``value``, the template's value at ``pointer``.

        Scans that need every scalar with its pointer are rare (a cycle to break, a name to find
        elsewhere); they walk afresh, so the shared walk builds no pointer for a scalar.
        """
        return walk(value, pointer)

    def mappings_at(self, pointer: str, value: Any) -> Sequence[tuple[str, dict[str, Any]]]:
        """The mappings of :meth:`walk_at` (``(pointer, dict)``, in the same order): a slice of the
        list the template's one shared walk keeps.  Most values of a template are scalars and most
        scans want only mappings, so that walk visits containers only.  A value that is not the
        template's own node at ``pointer`` (a copy, a default) is walked on its own."""
        walked = self.cached("walk", self._walk_whole)
        span = walked.spans.get(pointer)
        if span is not None and span[2] is value:
            return walked.mappings[span[0]:span[1]]
        return _mappings(value, pointer)

    def _walk_whole(self) -> SharedWalk:
        walked = shared_walk(self.data)
        assert walked is not None  # no depth limit asked
        return walked

    def resources_of(self, *types: str) -> Iterator[tuple[str, dict[str, Any]]]:
        """:meth:`Template.resources_of` from an index built once per template (many rules ask)."""
        typed = self.cached("typed_resources", lambda: [
            (logical_id, resource, resource_type(resource)) for logical_id, resource in self.resources.items()])
        return ((logical_id, resource) for logical_id, resource, kind in typed if kind in types)

    @property
    def reference_graph(self) -> dict[str, frozenset[str]]:
        """Logical id -> the logical ids (resources, parameters...) its definition references."""
        return self.cached("reference_graph", lambda: {
            logical_id: frozenset(references_in(
                map(_VALUE, self.mappings_at(self.pointer("Resources", logical_id), resource))))
            for logical_id, resource in self.resources.items()})

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
                found |= references_in(map(_VALUE, mappings_in(self, self.section(section), f"/{section}")))
            return frozenset(found)

        return self.cached("referenced_anywhere", compute)


def walk_in(ctx: RuleContext, value: Any, pointer: str = "") -> Iterable[tuple[str, Any]]:
    """``walk(value, pointer)`` for a value of the template at ``pointer`` (see :meth:`RuleContext.walk_at`)."""
    return ctx.walk_at(pointer, value)


def mappings_in(ctx: RuleContext, value: Any, pointer: str = "") -> Iterable[tuple[str, dict[str, Any]]]:
    """The ``(pointer, mapping)`` pairs of :func:`walk_in`: only the mappings, a slice of the template's
    one shared walk (see :meth:`RuleContext.mappings_at`)."""
    return ctx.mappings_at(pointer, value)


def _mappings(value: Any, pointer: str) -> list[tuple[str, dict[str, Any]]]:
    return [(p, v) for p, v in walk(value, pointer) if isinstance(v, dict)]


_VALUE = itemgetter(1)


def values_in(ctx: RuleContext, value: Any, pointer: str = "") -> Iterable[Any]:
    """:func:`~autofix.intrinsics.values` of a value of the template (a pointer-free walk: nothing to share)."""
    return values(value)
