"""The one walk a template's rules share (:func:`~autofix.context.shared_walk`, read through
:meth:`RuleContext.mappings_at <autofix.context.RuleContext.mappings_at>`) gives exactly what a fresh
:func:`~autofix.intrinsics.walk` gives: the same pointers, the very same mappings, in the same order."""

from __future__ import annotations

import json

from differential import assert_read_only, assert_strictly_equal
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import TemplateText, cfn_templates, documents_data, template_text

from autofix.context import RuleContext, freeze, mappings_in, values_in, walk_in
from autofix.intrinsics import values, walk
from autofix.load import load_text

_KEYS = st.sampled_from(["Resources", "A", "Ref", "Fn::Sub", "a/b", "c~d", "Properties", "0"])
_JSON = st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=4)),
                     lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(_KEYS, inner, max_size=4)),
                     max_leaves=30)


def assert_slices_are_fresh_walks(context: RuleContext) -> None:
    """For every value of the template, its slice of the shared walk is the fresh walk's mappings."""
    for pointer, value in list(walk(context.data)):
        fresh = list(walk(value, pointer))
        want = [(p, v) for p, v in fresh if isinstance(v, dict)]
        for got in (list(context.mappings_at(pointer, value)), list(mappings_in(context, value, pointer))):
            assert_strictly_equal(got, want)
            assert all(a is b for (_, a), (_, b) in zip(got, want, strict=True))  # the template's own objects
        assert_strictly_equal(list(walk_in(context, value, pointer)), fresh)
        assert_strictly_equal(list(values_in(context, value, pointer)), list(values(value)))


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(_KEYS, _JSON, max_size=5))
def test_every_subtree_slice_equals_a_fresh_walk(data: dict) -> None:
    assert_slices_are_fresh_walks(RuleContext(data))


@settings(max_examples=60, deadline=None)
@given(st.one_of(cfn_templates, template_text(documents_data())))
def test_every_slice_of_a_loaded_template_equals_a_fresh_walk(t: TemplateText) -> None:
    """What the rules get from the load (JSON: the walk the load made; YAML: the plain view's)."""
    assert_slices_are_fresh_walks(load_text(t.text, f"t.{t.fmt}").context())


def test_a_value_that_is_not_the_templates_own_node_is_walked_on_its_own() -> None:
    context = RuleContext({"Resources": {"A": {"Properties": {"X": {"Ref": "B"}}}}})
    copy = {"X": {"Ref": "C"}}
    got = context.mappings_at("/Resources/A/Properties", copy)
    assert_strictly_equal(list(got), [("/Resources/A/Properties", copy), ("/Resources/A/Properties/X", {"Ref": "C"})])
    assert got[0][1] is copy


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(_KEYS, _JSON, max_size=5))
def test_json_loads_read_only_and_hands_the_rules_its_walk(data: dict) -> None:
    """JSON's one pass after the parse freezes every list and is the rules' shared walk."""
    text = json.dumps({"Resources": {"A": {"Type": "AWS::S3::Bucket", "Properties": data}}})
    context = load_text(text, "t.json").context()
    assert_read_only(context.data)
    assert_strictly_equal(context.data, freeze(json.loads(text)))
    assert "walk" in context._cache  # made by the load, not again by the first rule that asks
    assert_slices_are_fresh_walks(context)
