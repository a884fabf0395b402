"""Type-strict comparison of a fast path's answer with its slow twin's.

``==`` cannot tell ``list`` from :class:`~autofix.context.FrozenList`, ``True`` from ``1`` or ``1``
from ``1.0``, and every one of those differences changes what a rule sees (a writable list in the
read-only view, a boolean that prints as a number).  These helpers compare type and value all the way
down, and compare errors by what the user is shown: class, message, line and column.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from autofix.context import FrozenDict, FrozenList, freeze
from autofix.document import TemplateDocument
from autofix.errors import AutofixError
from autofix.intrinsics import walk
from autofix.load import load_text


def assert_strictly_equal(got: Any, want: Any, where: str = "") -> None:
    """``got == want``, and every value, container and key of the same type (dict key order too)."""
    assert type(got) is type(want), (
        f"at {where or '/'}: {type(got).__name__} {got!r} is not {type(want).__name__} {want!r}")
    if isinstance(got, dict):
        assert [(type(k), k) for k in got] == [(type(k), k) for k in want], f"at {where or '/'}: keys differ"
        for key in got:
            assert_strictly_equal(got[key], want[key], f"{where}/{key}")
    elif isinstance(got, (list, tuple)):
        assert len(got) == len(want), f"at {where or '/'}: {len(got)} items, not {len(want)}"
        for i, (a, b) in enumerate(zip(got, want, strict=True)):
            assert_strictly_equal(a, b, f"{where}/{i}")
    elif isinstance(got, float):
        assert repr(got) == repr(want), f"at {where or '/'}: {got!r} != {want!r}"  # nan, -0.0
    else:
        assert got == want, f"at {where or '/'}: {got!r} != {want!r}"


def assert_containers(value: Any, mapping: type, sequence: type, where: str = "") -> None:
    """Every mapping of ``value`` is exactly a ``mapping``, every list exactly a ``sequence``."""
    if isinstance(value, dict):
        assert type(value) is mapping, f"at {where or '/'}: {type(value).__name__}, not {mapping.__name__}"
        for key, item in value.items():
            assert_containers(item, mapping, sequence, f"{where}/{key}")
    elif isinstance(value, list):
        assert type(value) is sequence, f"at {where or '/'}: {type(value).__name__}, not {sequence.__name__}"
        for i, item in enumerate(value):
            assert_containers(item, mapping, sequence, f"{where}/{i}")


def assert_read_only(value: Any) -> None:
    """Rules' view: :class:`FrozenDict` and :class:`FrozenList` all the way down."""
    assert_containers(value, FrozenDict, FrozenList)


def assert_mutable(value: Any) -> None:
    """A fresh plain view: ``dict`` and ``list`` all the way down."""
    assert_containers(value, dict, list)


class Outcome(NamedTuple):
    """What one path gave: a value, or the error the user would see (its class, message and position)."""

    value: Any = None
    error: tuple[type, str, int | None, int | None] | None = None


def outcome(compute: Callable[[], Any]) -> Outcome:
    try:
        return Outcome(compute())
    except AutofixError as exc:
        return Outcome(error=(type(exc), exc.message, exc.line, exc.column))


def assert_same_outcome(fast: Outcome, slow: Outcome) -> None:
    """The same error, or type-strictly equal values."""
    assert fast.error == slow.error, (fast.error, slow.error)
    if slow.error is None:
        assert_strictly_equal(fast.value, slow.value)


def pointers_to_locate(data: Any) -> list[str]:
    """Every pointer of ``data``, and pointers that do not resolve (the nearest existing ancestor answers)."""
    found = [pointer for pointer, _ in walk(data)]
    return found + [p + "/Missing" for p in found[:40]] + [p + "/0" for p in found[:40]] + ["/Nowhere/1"]


def assert_load_paths_agree(text: str, name: str) -> None:
    """What ``check`` reads (:func:`~autofix.load.load_text`: the C parse, the plain view built from it,
    positions without the positioned tree, :meth:`~autofix.load.Loaded.validate` for files no rule
    reads) against the positioned reader: the same error, or the same data (read-only for the rules,
    fresh and mutable from the document) and the same position for every pointer."""
    slow = outcome(lambda: TemplateDocument.from_text(text, name))
    loaded = outcome(lambda: load_text(text, name))
    checked = loaded if loaded.error else outcome(lambda: loaded.value.validate())
    assert checked.error == slow.error, (checked.error, slow.error)
    fast = loaded if loaded.error else outcome(lambda: loaded.value.context().data)
    assert fast.error == slow.error, (fast.error, slow.error)
    if slow.error is not None:
        return
    document = slow.value
    assert_mutable(document.data)
    assert_read_only(fast.value)
    assert_strictly_equal(fast.value, freeze(document.data))
    for pointer in pointers_to_locate(document.data):
        assert_strictly_equal(loaded.value.locate(pointer), document.locate(pointer), pointer)
