"""The one cached walk that rules read through walk_in / values_in / mappings_in gives what a fresh walk gives."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from autofix.context import (
    FrozenDict,
    FrozenList,
    RuleContext,
    mappings_in,
    values_in,
    walk_in,
)
from autofix.intrinsics import values, walk
from autofix.load import load_text

_KEYS = st.sampled_from(["Resources", "A", "Ref", "Fn::Sub", "a/b", "c~d", "Properties", "0"])
_JSON = st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=4)),
                     lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(_KEYS, inner, max_size=4)),
                     max_leaves=30)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(_KEYS, _JSON, max_size=5))
def test_every_subtree_slice_equals_a_fresh_walk(data: dict) -> None:
    context = RuleContext(data)
    for pointer, value in list(walk(context.data)):
        fresh = list(walk(value, pointer))
        assert list(walk_in(context, value, pointer)) == fresh
        assert list(values_in(context, value, pointer)) == list(values(value))
        assert list(mappings_in(context, value, pointer)) == [(p, v) for p, v in fresh if isinstance(v, dict)]


def test_a_value_that_is_not_the_templates_own_node_is_walked_on_its_own() -> None:
    context = RuleContext({"Resources": {"A": {"Properties": {"X": {"Ref": "B"}}}}})
    copy = {"X": {"Ref": "C"}}
    assert list(mappings_in(context, copy, "/Resources/A/Properties")) == [
        ("/Resources/A/Properties", copy), ("/Resources/A/Properties/X", {"Ref": "C"})]


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(_KEYS, _JSON, max_size=5))
def test_json_loads_read_only_and_hands_the_rules_its_walk(data: dict) -> None:
    """JSON's one pass after the parse freezes every list and is the rules' shared walk."""
    text = json.dumps({"Resources": {"A": {"Type": "AWS::S3::Bucket", "Properties": data}}})
    context = load_text(text, "t.json").context()
    assert context.data == json.loads(text)
    for _, value in walk(context.data):
        if isinstance(value, list):
            assert type(value) is FrozenList
        elif isinstance(value, dict):
            assert type(value) is FrozenDict
    assert "walk" in context._cache  # made by the load, not again by the first rule that asks
    for pointer, value in list(walk(context.data)):
        assert list(mappings_in(context, value, pointer)) == [(p, v) for p, v in walk(value, pointer)
                                                              if isinstance(v, dict)]
