"""Every fast path of loading held to its slow twin, type-strictly, over generated template text.

The pairs: YAML's plain view built straight from libyaml's graph against the positioned tree's
``to_plain``; ``json.loads`` (with the shared walk that freezes its lists) against the positioned JSON
reader; and, over whole texts, what ``check`` reads (:func:`~autofix.load.load_text`) against the
positioned document, errors, positions and ``validate()`` included (see :mod:`differential`).
"""

from __future__ import annotations

import json

import pytest
import yaml
from differential import (
    Outcome,
    assert_load_paths_agree,
    assert_mutable,
    assert_read_only,
    assert_same_outcome,
    assert_strictly_equal,
    outcome,
)
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import (
    cfn_templates,
    documents_data,
    json_reader_texts,
    mutated,
    template_text,
    yaml_reader_texts,
)

from autofix.context import FrozenDict, FrozenList, freeze, shared_walk, thaw
from autofix.errors import LoadError
from autofix.jsonsource import parse_json
from autofix.limits import MAX_DEPTH
from autofix.load import _no_duplicates, load_text
from autofix.nodes import to_plain
from autofix.yamlsource import build_yaml, compose_yaml, may_alias, plain_yaml

_BOM = "\ufeff"

generated_yaml = template_text(documents_data(), formats=("yaml",)).map(lambda t: t.text.removeprefix(_BOM))
generated_json = template_text(documents_data(), formats=("json",)).map(lambda t: t.text.removeprefix(_BOM))
any_yaml = st.one_of(yaml_reader_texts(), yaml_reader_texts(), generated_yaml, mutated(yaml_reader_texts()))
any_json = st.one_of(json_reader_texts(), json_reader_texts(), generated_json, mutated(generated_json))


# ----------------------------------------------------------------- the comparison itself


@pytest.mark.parametrize(("got", "want"), [
    ([1], FrozenList([1])), ({"a": 1}, FrozenDict({"a": 1})), (True, 1), (1, 1.0), (0.0, -0.0),
    ({"a": 1, "b": 2}, {"b": 2, "a": 1}), ({"a": [1, {"b": True}]}, {"a": [1, {"b": 1}]}), ("1", 1),
])
def test_the_comparison_tells_apart_what_equality_does_not(got, want) -> None:
    with pytest.raises(AssertionError):
        assert_strictly_equal(got, want)


def test_the_comparison_accepts_equal_values_of_equal_types() -> None:
    value = {"a": [1, 2.5, float("nan"), None, True, "x"], "b": {}}
    assert_strictly_equal(value, json.loads(json.dumps(value)))
    assert_strictly_equal(freeze(value), freeze(json.loads(json.dumps(value))))


# ----------------------------------------------------------------- YAML: the tree and the plain view


def _no_shared_nodes(root: yaml.Node) -> bool:
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            return False
        seen.add(id(node))
        if isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            stack.extend(v for pair in node.value for v in pair)
    return True


@settings(max_examples=100, deadline=None)
@given(any_yaml)
def test_the_yaml_plain_view_is_the_trees(text: str) -> None:
    """``plain_yaml`` (what ``check`` reads) gives the positioned tree's plain view, read-only, or its error."""
    try:
        graph = compose_yaml(text)
    except LoadError:
        return  # libyaml refused the text: one error, the same for every reader
    if graph is None:
        return
    aliases = may_alias(text)
    if not aliases:  # the alias-bomb measure is skipped only where no node can be reached twice
        assert _no_shared_nodes(graph)
    tree = outcome(lambda: to_plain(build_yaml(graph, aliases)))
    view = outcome(lambda: plain_yaml(graph, aliases))
    if tree.error is None:
        assert_mutable(tree.value)
        assert_read_only(view.value)
    assert_same_outcome(view, Outcome(tree.value if tree.error else freeze(tree.value), tree.error))


def test_a_getatt_list_is_read_only_in_the_plain_view() -> None:
    view = plain_yaml(compose_yaml("Resources:\n  A:\n    Value: !GetAtt B.Arn\n    List: !GetAtt [C, Arn]\n"))
    for name in ("Value", "List"):
        got = view["Resources"]["A"][name]["Fn::GetAtt"]
        assert type(got) is FrozenList
        with pytest.raises(TypeError):
            got.append("x")


def test_the_tree_gives_a_fresh_getatt_list_every_time() -> None:
    tree = build_yaml(compose_yaml("A: !GetAtt B.Arn\n"))
    first = to_plain(tree)
    first["A"]["Fn::GetAtt"].append("changed")
    assert to_plain(tree) == {"A": {"Fn::GetAtt": ["B", "Arn"]}}


# ----------------------------------------------------------------- JSON: json.loads and the positioned reader


@settings(max_examples=100, deadline=None)
@given(any_json)
def test_json_loads_reads_what_the_positioned_reader_reads(text: str) -> None:
    """Whatever ``json.loads`` accepts, the positioned reader accepts with the same data (the load's one
    walk freezing it as the rules read it); whatever it refuses, the positioned reader refuses."""
    tree = outcome(lambda: to_plain(parse_json(text)))
    try:
        data = json.loads(text, object_pairs_hook=_no_duplicates)
    except (ValueError, RecursionError):
        assert tree.error is not None  # the load then takes the positioned reader's error
        return
    walked = shared_walk(data, freeze_lists=True, max_depth=MAX_DEPTH)
    if walked is None:  # too deep for the rules: the load takes the positioned reader's error
        assert tree.error is not None and "nesting deeper" in tree.error[1]
        return
    assert tree.error is None
    assert_mutable(tree.value)
    assert_read_only(data)
    assert_strictly_equal(data, freeze(tree.value))
    assert_strictly_equal(thaw(data), tree.value)


def test_an_integer_too_long_for_python_is_an_error_not_a_crash() -> None:
    text = '{"Resources": {"A": {"Type": "T", "Properties": {"N": ' + "1" * 5000 + "}}}}"
    for read in (parse_json, load_text):
        with pytest.raises(LoadError, match="invalid JSON: bad number '1111") as error:
            read(text)
        assert (error.value.line, error.value.column) == (1, text.index("1111") + 1)


# ----------------------------------------------------------------- whole texts: what check reads


@settings(max_examples=100, deadline=None)
@given(st.one_of(any_yaml, any_json, st.one_of(cfn_templates, template_text(documents_data())).map(lambda t: t.text)))
def test_check_reads_what_the_document_holds(text: str) -> None:
    assert_load_paths_agree(text, "t")
