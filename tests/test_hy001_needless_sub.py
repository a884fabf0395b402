"""HY001 needless-sub: detection, escapes and applicability."""

from __future__ import annotations

from rule_harness import findings

from autofix.rules.hy.hy001_needless_sub import NeedlessSub, plain_text
from autofix.settings import Settings

RULE = NeedlessSub()


def check(props):
    data = {"Resources": {"T": {"Type": "AWS::SNS::Topic", "Properties": props}}}
    return findings(RULE, data, Settings())


def test_plain_text_unescapes_literals_and_refuses_odd_dollars():
    assert plain_text("a-b") == "a-b"
    assert plain_text("echo ${!HOME} ${!X}") == "echo ${HOME} ${X}"
    assert plain_text("${ }") is None
    assert plain_text("${!unclosed") is None
    assert plain_text("${!}") is None


def test_string_and_list_forms():
    got = check({"DisplayName": {"Fn::Sub": "x"}, "TopicName": {"Fn::Sub": ["y", {"V": "z"}]}})
    assert {f.pointer: f.fix.operations[0]["value"] for f in got} == {
        "/Resources/T/Properties/DisplayName": "x", "/Resources/T/Properties/TopicName": "y"}
    assert all(f.fix.applicability.value == "safe" for f in got)


def test_variables_pseudo_and_map_are_not_needless():
    assert check({"DisplayName": {"Fn::Sub": "${AWS::Region}"},
                  "TopicName": {"Fn::Sub": ["${V}", {"V": "z"}]},
                  "Other": {"Fn::Sub": "${ Spaced }"}}) == []


def test_dropping_a_map_with_references_is_unsafe():
    (f,) = check({"DisplayName": {"Fn::Sub": ["x", {"V": {"Ref": "Other"}}]}})
    assert f.fix.applicability.value == "unsafe"


def test_unclear_dollar_is_reported_without_fix():
    (f,) = check({"DisplayName": {"Fn::Sub": "cost ${ }"}})
    assert f.fix is None


def test_escape_naming_a_template_entry_keeps_the_sub():
    data = {"Parameters": {"Env": {"Type": "String"}},
            "Resources": {"T": {"Type": "AWS::SNS::Topic", "Properties": {
                "DisplayName": {"Fn::Sub": "${!Env}"}, "TopicName": {"Fn::Sub": "${!AWS::Region}"},
                "Other": {"Fn::Sub": "${!HOME}"}}}}}
    got = {f.pointer.rsplit("/", 1)[1]: f.fix for f in findings(RULE, data, Settings())}
    assert got["DisplayName"] is None and got["TopicName"] is None
    assert got["Other"].operations[0]["value"] == "${HOME}"
