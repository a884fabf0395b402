"""Which findings a fix run resolved, for the counts people read ("Fixed 3 findings").

A finding is resolved when it was reported on the input (before the fix loop) and is not reported
on the fixed template (after it).  One fix often resolves several findings: findings of other rules
at the places it rewrote, or findings its rule reported one by one.  Counting the fixes applied
under-counts them, so the summary counts findings instead.

Findings are matched across the loop by rule id and place.  The place of a finding on the input is
carried through the run's patch, operation by operation, the way the operation moves the
template's nodes: a ``move`` takes what lies under ``from`` to ``path``; removing a list element or
inserting one shifts the later elements' indices; ``remove`` (and ``replace``, or an ``add`` that
overwrites a member, for what lay beneath it) deletes a place.  A finding whose place was deleted
is resolved; any other is resolved unless the fixed template has a finding of the same rule at its
carried place (each finding after the loop answers for one finding before it).  A finding the
fixes created is never counted.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from autofix.model import Finding
from autofix.nodes import join_pointer, split_pointer

#: A place carried through the patch: its segments, or None once an operation deleted it.
Place = list[str] | None


def _container(data: Any, segments: list[str]) -> Any:
    """The value at ``segments`` of ``data`` (None when there is none)."""
    node = data
    for segment in segments:
        if isinstance(node, dict):
            node = node.get(segment)
        elif isinstance(node, list) and segment.isdigit() and int(segment) < len(node):
            node = node[int(segment)]
        else:
            return None
    return node


def _under(place: list[str], prefix: list[str]) -> bool:
    return place[:len(prefix)] == prefix


def _shift(places: list[Place], parent: list[str], index: int, by: int) -> None:
    """Move the list elements of ``parent`` from ``index`` on by ``by`` (places beneath them too)."""
    depth = len(parent)
    for place in places:
        if place is not None and len(place) > depth and _under(place, parent) and place[depth].isdigit() \
                and int(place[depth]) >= index:
            place[depth] = str(int(place[depth]) + by)


def _delete(places: list[Place], path: list[str], *, keep_self: bool) -> None:
    """Places at or under ``path`` are gone (``keep_self``: the node at ``path`` stays, rewritten)."""
    for i, place in enumerate(places):
        if place is not None and _under(place, path) and not (keep_self and len(place) == len(path)):
            places[i] = None


def _removed(places: list[Place], data: Any, path: list[str]) -> None:
    """What removing the node at ``path`` of ``data`` does to the places."""
    _delete(places, path, keep_self=False)
    parent = _container(data, path[:-1])
    if path and isinstance(parent, list) and path[-1].isdigit():
        _shift(places, path[:-1], int(path[-1]) + 1, -1)


def _added(places: list[Place], data: Any, path: list[str]) -> None:
    """What adding a node at ``path`` of ``data`` does to the places (an insertion, or an overwrite)."""
    if not path:
        _delete(places, path, keep_self=True)
        return
    parent = _container(data, path[:-1])
    if isinstance(parent, list):
        index = len(parent) if path[-1] == "-" else int(path[-1]) if path[-1].isdigit() else None
        if index is not None:
            _shift(places, path[:-1], index, 1)
    elif isinstance(parent, dict) and path[-1] in parent:
        _delete(places, path, keep_self=True)


def carry(pointers: Sequence[str], data: Any, patch: Sequence[dict[str, Any]]) -> list[str | None]:
    """Where each of ``pointers`` into ``data`` lies after ``patch`` (None: the patch deleted it).

    ``data`` is the input's plain view; it is copied, never changed.  A patch that does not apply
    (it was verified to) leaves the places where the last operation that applied put them.
    """
    import jsonpatch  # only fix runs count what they resolved: kept off the start-up of check

    from autofix.context import thaw

    doc = thaw(data)
    places: list[Place] = [split_pointer(p) for p in pointers]
    for op in patch:
        path = split_pointer(op["path"])
        kind = op["op"]
        if kind == "move":
            source = split_pointer(op["from"])
            moving = [i for i, place in enumerate(places) if place is not None and _under(place, source)]
            rest = [i for i in range(len(places)) if i not in moving]
            others: list[Place] = [places[i] for i in rest]
            _removed(others, doc, source)
            value_removed = jsonpatch.JsonPatch([{"op": "remove", "path": op["from"]}]).apply(doc)
            _added(others, value_removed, path)
            target = path if path[-1:] != ["-"] else [*path[:-1], str(len(_container(value_removed, path[:-1])))]
            for i, place in zip(rest, others, strict=True):
                places[i] = place
            for i in moving:
                place = places[i]
                assert place is not None
                places[i] = [*target, *place[len(source):]]
        elif kind == "remove":
            _removed(places, doc, path)
        elif kind in ("add", "copy"):
            _added(places, doc, path)
        elif kind == "replace":
            _delete(places, path, keep_self=True)
        try:
            doc = jsonpatch.JsonPatch([op]).apply(doc, in_place=True)
        except (jsonpatch.JsonPatchException, jsonpatch.JsonPointerException):
            break
    return [None if place is None else join_pointer(*place) for place in places]


def resolved(before: Sequence[Finding], after: Sequence[Finding], data: Any,
             patch: Sequence[dict[str, Any]]) -> list[Finding]:
    """The findings of ``before`` (on ``data``) that ``after`` (on ``data`` + ``patch``) no longer has."""
    left = Counter((f.rule_id, f.pointer) for f in after)
    gone = []
    for finding, place in zip(before, carry([f.pointer for f in before], data, patch), strict=True):
        key = (finding.rule_id, place)
        if place is not None and left[key] > 0:
            left[key] -= 1
        else:
            gone.append(finding)
    return gone
