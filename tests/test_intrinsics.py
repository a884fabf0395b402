"""The one reading of ``Fn::Sub`` and of references that every rule shares."""

from __future__ import annotations

import pytest

from autofix.intrinsics import Sub, parse_sub, references, sub_names, sub_resolve, sub_substitute


@pytest.mark.parametrize(("value", "expected"), [
    ({"Fn::Sub": "a-${X}"}, Sub("a-${X}", {}, ("Fn::Sub",))),
    ({"Fn::Sub": ["a-${X}"]}, Sub("a-${X}", {}, ("Fn::Sub", 0))),
    ({"Fn::Sub": ["a-${X}", {"X": "1"}]}, Sub("a-${X}", {"X": "1"}, ("Fn::Sub", 0))),
    ({"Fn::Sub": ["a", {}, "extra"]}, None),
    ({"Fn::Sub": ["a-${X}", "X"]}, None),
    ({"Fn::Sub": [{"Ref": "X"}]}, None),
    ({"Fn::Sub": "a", "Other": 1}, None),
    ("${X}", None),
])
def test_parse_sub_reads_the_forms_cloudformation_accepts(value, expected) -> None:
    assert parse_sub(value) == expected


def test_sub_variables_ignore_literals_and_the_spaces_around_a_name() -> None:
    text = "${A}-${ B }-${C.Arn}-${AWS::Region}-${!Literal}-${ !Spaced}-${}-${ }"
    assert sub_names(text) == ["A", "B", "C.Arn", "AWS::Region"]
    assert parse_sub({"Fn::Sub": [text, {"A": "x", "C": "y"}]}).outside() == ["B", "C.Arn", "AWS::Region"]


def test_references_leave_out_the_subs_own_variables() -> None:
    value = {"Fn::Sub": ["${Local}-${Param}-${Bucket.Arn}-${!Text}", {"Local": {"Ref": "Other"}}]}
    assert references(value) == {"Param", "Bucket", "Other"}
    assert references({"A": [{"Ref": "X"}, {"Fn::GetAtt": ["Y", "Arn"]}, {"Fn::GetAtt": "Z.Arn"}]}) == {"X", "Y", "Z"}
    assert references({"Ref": "X", "Other": 1}) == set()  # no intrinsic function: two keys


def test_certain_references_skip_conditional_branches() -> None:
    value = {"A": {"Ref": "X"}, "B": {"Fn::If": ["C", {"Ref": "Y"}, {"Fn::Sub": "${Z}"}]}}
    assert references(value) == {"X", "Y", "Z"}
    assert references(value, certain=True) == {"X"}


def test_substitute_and_resolve_write_variables_as_cloudformation_reads_them() -> None:
    text = "${A}/${ A }/${A.Arn}/${!A}"
    assert sub_substitute(text, {"A": "${B}"}) == "${B}/${B}/${A.Arn}/${!A}"
    assert sub_resolve(text, lambda name: name.lower()) == "a/a/a.arn/${A}"
