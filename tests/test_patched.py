"""``autofix.patched``: RFC 6902 operations applied without a deep copy of what they leave alone.

Held strictly to its slow twin, ``jsonpatch.apply_patch(..., in_place=False)``: the same result, value for
value and type for type, the same exception for an operation that does not apply, and the input left as it
was (including a read-only view's frozen containers).
"""

from __future__ import annotations

import copy

import jsonpatch
import jsonpointer
import pytest
from differential import assert_strictly_equal
from hypothesis import given
from hypothesis import strategies as st
from strategies import documents_data, operation

from autofix.context import FrozenDict, FrozenList, freeze
from autofix.patched import patched

_FAILURES = (jsonpatch.JsonPatchException, jsonpointer.JsonPointerException)


def _jsonpatch(data, ops):
    """The twin."""
    return jsonpatch.apply_patch(data, ops, in_place=False)


def _outcome(apply, data, ops):
    """What ``apply`` gives, or the class of what it raised."""
    try:
        return apply(data, ops)
    except _FAILURES as exc:
        return type(exc)


@st.composite
def patches(draw) -> tuple[dict, list[dict]]:
    """A document and up to six operations, each drawn against the document the ones before it leave
    (so that most apply; some, e.g. an add past the end of a list, do not)."""
    data = draw(documents_data())
    state, ops = data, []
    for _ in range(draw(st.integers(1, 6))):
        op = draw(operation(state))
        ops.append(op)
        after = _outcome(_jsonpatch, state, [op])
        if isinstance(after, type):
            break
        state = after
    return data, ops


@given(patches(), st.booleans())
def test_patched_is_jsonpatch_without_touching_its_input(case: tuple[dict, list[dict]], frozen: bool) -> None:
    plain, ops = case
    want = _outcome(_jsonpatch, copy.deepcopy(plain), copy.deepcopy(ops))
    # a detector's read-only view: patched must copy what it changes, never write into it
    data = freeze(plain) if frozen else plain
    before = freeze(plain) if frozen else copy.deepcopy(plain)
    got = _outcome(patched, data, ops)
    if isinstance(want, type):
        assert got is want
    else:
        assert not isinstance(got, type), got
        assert got == want
        if not frozen:
            assert_strictly_equal(got, want)
    assert_strictly_equal(data, before)  # the input, frozen containers included, is as it was


def test_untouched_values_are_shared_and_changed_ones_copied() -> None:
    data = {"Resources": {"A": {"Properties": {"X": [1, 2]}}, "B": {"Properties": {"Y": {"k": "v"}}}}}
    got = patched(data, [{"op": "add", "path": "/Resources/A/Properties/X/-", "value": 3}])
    assert got == {"Resources": {"A": {"Properties": {"X": [1, 2, 3]}}, "B": {"Properties": {"Y": {"k": "v"}}}}}
    assert data["Resources"]["A"]["Properties"]["X"] == [1, 2]
    assert got["Resources"]["B"] is data["Resources"]["B"]  # not copied: no operation reaches it
    assert got["Resources"]["A"] is not data["Resources"]["A"]


@pytest.mark.parametrize("ops", [
    [{"op": "move", "from": "/a/x", "path": "/b/y"}, {"op": "add", "path": "/b/y/z", "value": 1}],
    [{"op": "copy", "from": "/a", "path": "/c"}, {"op": "remove", "path": "/c/x"}],
    [{"op": "replace", "path": "", "value": {"n": []}}, {"op": "add", "path": "/n/0", "value": 2}],
    [{"op": "remove", "path": "/a/x"}, {"op": "add", "path": "/a/x", "value": {"again": True}}],
])
def test_later_operations_write_only_into_copies(ops: list[dict]) -> None:
    data = {"a": {"x": {"w": 0}}, "b": {}}
    before = copy.deepcopy(data)
    assert patched(data, ops) == jsonpatch.apply_patch(copy.deepcopy(data), ops)
    assert data == before


def test_frozen_input_gives_writable_copies_on_the_path() -> None:
    data = freeze({"A": [{"B": 1}]})
    assert isinstance(data["A"], FrozenList) and isinstance(data, FrozenDict)
    got = patched(data, [{"op": "add", "path": "/A/0/C", "value": 2}])
    assert got == {"A": [{"B": 1, "C": 2}]} and data == {"A": [{"B": 1}]}
