"""Shrunk examples of the bugs the property tests found, kept as plain unit tests."""

from __future__ import annotations

import json

import cfn_flip
import jsonpatch
import pytest

from autofix.document import TemplateDocument
from autofix.edits import apply_operations
from autofix.errors import EditError, LoadError
from autofix.load import load_text


def _apply(text: str, op: dict) -> str:
    doc = TemplateDocument.from_text(text, require_template=False)
    new = apply_operations(doc, [op])
    expected = jsonpatch.apply_patch(doc.data, [op])
    assert new.data == expected
    out = new.dumps()
    assert json.loads(cfn_flip.to_json(out.lstrip("\ufeff"))) == expected
    return out


@pytest.mark.parametrize("op", [
    {"op": "test", "path": "/Resources", "value": "not this"},
    {"op": "move", "from": "/Nope/deeper", "path": "/Resources/X"},
    {"op": "copy", "from": "/Nope", "path": "/Resources/X"},
])
def test_failed_test_and_missing_from_are_edit_errors(op: dict) -> None:
    doc = TemplateDocument.from_text('{"Resources": {"A": {"Type": "a"}}}')
    with pytest.raises(EditError):
        apply_operations(doc, [op])


def test_plain_scalar_that_means_something_else_in_flow_is_quoted() -> None:
    # "?q" is a plain scalar in block context but an explicit key inside [...]
    text = 'Resources: {"A0": {"Type": !If [A0, a, b]}}\n'
    out = _apply(text, {"op": "replace", "path": "/Resources", "value": {"Fn::If": ["A0", None, "?q"]}})
    assert out == "Resources: !If [A0, null, '?q']\n"


@pytest.mark.parametrize("value", [
    {"Fn::GetAtt": [0, "Arn"]},  # a tag keeps the text "0", not the number
    {"Fn::GetAtt": "a"},  # a tagged string reads back split at its dot, as a list
    {"Fn::GetAtt": [{"Ref": "X"}, "Arn"]},  # cfn-flip cannot read tags inside !GetAtt
    {"Fn::Sub": 5},
])
def test_intrinsics_a_short_form_tag_cannot_carry_stay_long_form(value: dict) -> None:
    text = "Resources:\n  A:\n    Type: !GetAtt B.Arn\n"
    out = _apply(text, {"op": "replace", "path": "/Resources/A/Type", "value": value})
    assert "Fn::" in out


def test_getatt_of_a_dotted_id_keeps_the_list_form() -> None:
    text = "Resources:\n  A:\n    Type: !GetAtt B.Arn\n"
    out = _apply(text, {"op": "replace", "path": "/Resources/A/Type", "value": {"Fn::GetAtt": ["A.B", "Arn"]}})
    assert out.endswith("Type: !GetAtt [A.B, Arn]\n")  # "!GetAtt A.B.Arn" would split at the first dot


def test_literal_block_at_the_end_of_a_file_without_final_newline() -> None:
    text = "Resources:\n  A:\n    Type: x"
    out = _apply(text, {"op": "replace", "path": "/Resources/A/Type", "value": "line one\nline two\n"})
    assert out == 'Resources:\n  A:\n    Type: "line one\\nline two\\n"'
    out = _apply(text, {"op": "add", "path": "/Resources/A/Code", "value": "line one\nline two\n"})
    assert out.endswith('Code: "line one\\nline two\\n"')


def test_literal_block_is_not_used_where_a_comment_beside_the_old_value_stays() -> None:
    text = 'Resources:\n  A:\n    Type: x  # keep me\n    B: 1\n'
    out = _apply(text, {"op": "replace", "path": "/Resources/A/Type", "value": "line one\nline two\n"})
    assert out == 'Resources:\n  A:\n    Type: "line one\\nline two\\n"  # keep me\n    B: 1\n'
    # where nothing follows on the line, a literal block is still the natural form
    out = _apply(text, {"op": "replace", "path": "/Resources/A/B", "value": "line one\nline two\n"})
    assert out.endswith("    B: |\n      line one\n      line two\n")


COMPACT = 'R:\n  A0:\n    Type:\n      - - null\n        - X  # two\n        - Y\n      - after\n'


def test_insert_into_a_compact_nested_sequence_keeps_other_lines() -> None:
    out = _apply(COMPACT, {"op": "add", "path": "/R/A0/Type/0/1", "value": "new"})
    assert out == COMPACT.replace("- - null\n", "- - null\n        - new\n")
    out = _apply(COMPACT, {"op": "add", "path": "/R/A0/Type/0/0", "value": "new"})
    assert out == COMPACT.replace("- - null\n", "- - new\n        - null\n")


def test_remove_first_item_of_a_compact_nested_sequence_keeps_other_lines() -> None:
    out = _apply(COMPACT, {"op": "remove", "path": "/R/A0/Type/0/0"})
    assert out == 'R:\n  A0:\n    Type:\n      - - X  # two\n        - Y\n      - after\n'


@pytest.mark.parametrize("text", [
    '---\r\n"Conditions": {"IsProduction"',  # YAML reports the end one line past a text without final newline
    'Resources:\r  A: [1,\n',  # YAML breaks lines at a lone CR; everyone else counts LF
])
def test_yaml_error_positions_are_inside_the_text(text: str) -> None:
    with pytest.raises(LoadError) as info:
        load_text(text, "t.yaml")
    assert 1 <= info.value.line <= text.count("\n") + 1


def test_literal_block_never_swallows_the_indented_comments_after_it() -> None:
    # found in CI by test_random_operations_match_jsonpatch_and_keep_other_lines: a value rewritten as a
    # `|` block ended right above a more indented comment line, which became part of the string
    text = ("Resources:\n  A0:\n    Type:\n      Fn::Join:\n      - ''\n      - - []\n        - Ref: A0\n"
            "      # TODO\n  # TODO\n# TODO\n\nOutputs: {}\n")
    value = {"Fn::Join": ["", ["line one\nline two\n", "line one\nline two\n"]]}
    doc = TemplateDocument.from_text(text)
    new = apply_operations(doc, [{"op": "add", "path": "/Resources", "value": value}])
    assert new.data["Resources"] == value
    out = new.dumps()
    assert out.count("# TODO") == 3
    assert out.endswith("      # TODO\n  # TODO\n# TODO\n\nOutputs: {}\n")


DASH_ALONE = ("Resources:\n  A:\n    Type: X\n    Properties:\n      Fn::If:\n      # c1\n      - A0\n"
              "      - - a  # c2\n        - b\n      -\n        Ref: AWS::NoValue  # c3\n      # c4\n\n# c5\n"
              "Outputs: {}\n")


def test_items_whose_dash_stands_alone_are_removed_and_inserted_locally() -> None:
    # found in CI by test_random_operations_match_jsonpatch_and_keep_other_lines: removing an item written
    # as "-" on one line and its value below rewrote the whole sequence, losing its comments
    out = _apply(DASH_ALONE, {"op": "remove", "path": "/Resources/A/Properties/Fn::If/2"})
    assert out == DASH_ALONE.replace("      -\n        Ref: AWS::NoValue  # c3\n", "")
    out = _apply(DASH_ALONE, {"op": "add", "path": "/Resources/A/Properties/Fn::If/2", "value": "new"})
    assert out == DASH_ALONE.replace("      -\n        Ref:", "      - new\n      -\n        Ref:")


def test_a_lone_dash_separated_from_its_item_by_comments_is_found() -> None:
    # found in CI by the same property: a comment line between the lone dash and its item
    text = "P:\n    D:\n    -\n# c0\n        Ref: A0  # c1\n    # c2\n    - a\nR: {}\n"
    assert _apply(text, {"op": "add", "path": "/P/D/0", "value": "new"}) == text.replace(
        "    -\n# c0", "    - new\n    -\n# c0")
    assert _apply(text, {"op": "remove", "path": "/P/D/0"}) == text.replace(
        "    -\n# c0\n        Ref: A0  # c1\n", "")
