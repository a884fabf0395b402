"""HY004 unused-condition: uses through Condition keys, Fn::If and other conditions; chains converge."""

from __future__ import annotations

from rule_harness import findings

from autofix.rules.hy.hy004_unused_condition import UNUSED_CONDITION
from autofix.settings import Settings

S = Settings()


def names(rule, data):
    return [f.pointer.rsplit("/", 1)[1] for f in findings(rule, data, S)]



def test_conditions_used_by_if_condition_key_and_other_conditions():
    data = {"Conditions": {"A": {"Fn::Equals": ["a", "b"]}, "B": {"Fn::Not": [{"Condition": "A"}]},
                           "C": {"Fn::Equals": ["c", "d"]}, "D": {"Fn::Equals": ["e", "f"]}},
            "Resources": {"T": {"Type": "AWS::SNS::Topic", "Condition": "B",
                                "Properties": {"TopicName": {"Fn::If": ["C", "x", "y"]}}}}}
    assert names(UNUSED_CONDITION, data) == ["D"]


def test_condition_chain_removed_round_by_round():
    data = {"Conditions": {"A": {"Fn::Equals": ["a", "b"]}, "B": {"Fn::Not": [{"Condition": "A"}]}},
            "Resources": {"T": {"Type": "AWS::SNS::Topic"}}}
    assert names(UNUSED_CONDITION, data) == ["B"]
    del data["Conditions"]["B"]
    (f,) = findings(UNUSED_CONDITION, data, S)
    assert f.fix.operations == ({"op": "remove", "path": "/Conditions"},)


def test_for_each_templates_are_left_alone():
    data = {"Transform": "AWS::LanguageExtensions", "Conditions": {"A": {"Fn::Equals": ["a", "b"]}},
            "Resources": {"T": {"Type": "AWS::SNS::Topic"}}}
    assert names(UNUSED_CONDITION, data) == []
