"""RFC 6902 operations applied to plain data without copying what they do not touch.

``jsonpatch.apply_patch(data, ops, in_place=False)`` deep-copies the whole document first.  The edit
engine applies a fix one operation at a time and checks each against jsonpatch's result, and verify,
the language server and the DR layout completion apply whole patches: on a template of thousands of
values most of that work copied values no operation changes.  :func:`patched` copies, shallowly, only
the containers an operation changes and those on the way to them; everything else is shared with the
input, which is never changed.  jsonpatch still applies every operation (its errors, its semantics).

The result shares values with the input: like :attr:`autofix.document.TemplateDocument.data`, it is
read-only by convention.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from autofix.nodes import split_pointer

__all__ = ["patched"]


def patched(data: Any, operations: Sequence[dict[str, Any]]) -> Any:
    """``data`` with ``operations`` applied, as ``jsonpatch.apply_patch(data, operations, in_place=False)``
    gives it (the same exceptions for an operation that does not apply), ``data`` unchanged."""
    import jsonpatch  # only fixes need it: kept off the start-up of check

    box = [data]  # the root in a container of its own: copied and replaced like any other value
    # the containers made here, which later operations may change in place; held so that no id of one
    # is reused by an input container while this runs
    made: dict[int, Any] = {}
    for op in operations:
        kind = op.get("op")
        if kind in ("add", "remove", "replace", "move", "copy"):
            _own_parents(box, op.get("path"), made)
        if kind == "move":
            _own_parents(box, op.get("from"), made)
        box[0] = jsonpatch.apply_patch(box[0], [op], in_place=True)
    return box[0]


def _own_parents(box: list[Any], pointer: Any, made: dict[int, Any]) -> None:
    """Replace each container from the root down to the parent of ``pointer``'s target with a shallow
    copy made here (once: a copy already made is changed in place).  Stops where the path leaves the
    data: jsonpatch then reports the operation as it would have."""
    if not isinstance(pointer, str):
        return
    try:
        segments = split_pointer(pointer)
    except ValueError:
        return
    holder: Any = box
    slot: Any = 0
    for segment in [None, *segments[:-1]]:
        if segment is not None:
            container = holder[slot]
            if isinstance(container, dict) and segment in container:
                holder, slot = container, segment
            elif isinstance(container, list) and segment.isdigit() and int(segment) < len(container) \
                    and (segment == "0" or not segment.startswith("0")):
                holder, slot = container, int(segment)
            else:
                return
        value = holder[slot]
        if id(value) in made:
            continue
        if isinstance(value, dict):
            copied: Any = dict(value)
        elif isinstance(value, list):
            copied = list(value)
        else:
            return
        made[id(copied)] = copied
        holder[slot] = copied
