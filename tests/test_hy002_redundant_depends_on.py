"""HY002 redundant-depends-on."""

from __future__ import annotations

from rule_harness import findings

from autofix.rules.hy.hy002_redundant_depends_on import RedundantDependsOn
from autofix.settings import Settings

RULE = RedundantDependsOn()


def check(depends, props, extra=None):
    res = {"A": {"Type": "AWS::SNS::Topic"}, "B": {"Type": "AWS::SNS::Topic"},
           "C": {"Type": "AWS::SQS::Queue", "DependsOn": depends, "Properties": props}, **(extra or {})}
    return findings(RULE, {"Resources": res}, Settings())


def test_string_depends_on_is_removed():
    (f,) = check("A", {"X": {"Ref": "A"}})
    assert f.fix.operations == ({"op": "remove", "path": "/Resources/C/DependsOn"},)


def test_list_keeps_other_entries_and_removes_from_the_end():
    (f,) = check(["A", "B", "A"], {"X": {"Fn::GetAtt": ["A", "Arn"]}})
    assert [op["path"] for op in f.fix.operations] == ["/Resources/C/DependsOn/2", "/Resources/C/DependsOn/0"]


def test_list_emptied_removes_the_key():
    (f,) = check(["A", "B"], {"X": {"Fn::Sub": "${A}-${B.Arn}"}})
    assert f.fix.operations == ({"op": "remove", "path": "/Resources/C/DependsOn"},)


def test_conditional_and_shadowed_references_do_not_count():
    assert check(["A", "B"], {"X": {"Fn::If": ["Cond", {"Ref": "A"}, "n"]},
                              "Y": {"Fn::Sub": ["${B}", {"B": "literal"}]}}) == []


def test_references_outside_properties_do_not_count():
    res = {"A": {"Type": "AWS::SNS::Topic"},
           "C": {"Type": "AWS::SQS::Queue", "DependsOn": "A", "Metadata": {"x": {"Ref": "A"}}}}
    assert findings(RULE, {"Resources": res}, Settings()) == []
