"""HY003-HY005: unused parameters, conditions and mappings, and how their removals converge."""

from __future__ import annotations

from rule_harness import findings

from autofix.rules.hy.hy003_unused_parameter import UNUSED_PARAMETER
from autofix.rules.hy.hy004_unused_condition import UNUSED_CONDITION
from autofix.rules.hy.hy005_unused_mapping import UNUSED_MAPPING
from autofix.settings import Settings

S = Settings()


def names(rule, data):
    return [f.pointer.rsplit("/", 1)[1] for f in findings(rule, data, S)]


def test_parameters_used_by_ref_sub_rules_and_outputs_are_kept():
    data = {"Parameters": {p: {"Type": "String"} for p in ("A", "B", "C", "D", "E")},
            "Rules": {"R": {"Assertions": [{"Assert": {"Fn::Equals": [{"Ref": "C"}, "x"]}}]}},
            "Outputs": {"O": {"Value": {"Fn::Sub": "${D}"}}},
            "Resources": {"T": {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": {"Ref": "A"}}}}}
    assert names(UNUSED_PARAMETER, data) == ["B", "E"]


def test_transform_and_interface_only_use():
    base = {"Parameters": {"A": {"Type": "String"}},
            "Metadata": {"AWS::CloudFormation::Interface": {"ParameterGroups": [{"Parameters": ["A"]}]}},
            "Resources": {"T": {"Type": "AWS::SNS::Topic"}}}
    (f,) = findings(UNUSED_PARAMETER, base, S)
    paths = [op["path"] for op in f.fix.operations]
    assert paths == ["/Parameters", "/Metadata"]
    assert f.fix.applicability.value == "unsafe"
    assert names(UNUSED_PARAMETER, {**base, "Transform": "AWS::Serverless-2016-10-31"}) == []


def test_empty_sections_are_removed():
    data = {"Parameters": {}, "Conditions": {}, "Mappings": {}, "Resources": {"T": {"Type": "AWS::SNS::Topic"}}}
    for rule, section in ((UNUSED_PARAMETER, "/Parameters"), (UNUSED_CONDITION, "/Conditions"),
                          (UNUSED_MAPPING, "/Mappings")):
        (f,) = findings(rule, data, S)
        assert f.fix.operations == ({"op": "remove", "path": section},)
        assert f.fix.applicability.value == "safe"


def test_names_built_by_fn_foreach_make_nothing_unused():
    loop = {"Fn::ForEach::Topics": ["Name", ["A", "B"], {"Topic${Name}": {"Type": "AWS::SNS::Topic"}}]}
    data = {"Parameters": {"P": {"Type": "String"}}, "Conditions": {"C": {"Fn::Equals": ["a", "b"]}},
            "Resources": {"T": {"Type": "AWS::SNS::Topic"}, **loop}}
    plain = {**data, "Resources": {"T": {"Type": "AWS::SNS::Topic"}}}
    assert findings(UNUSED_PARAMETER, data, S) == []
    assert findings(UNUSED_CONDITION, data, S) == []
    assert names(UNUSED_PARAMETER, plain) == ["P"]
    deep = {**plain, "Resources": {"T": {"Type": "AWS::SNS::Topic", "Properties": {"Nested": loop}}}}
    assert names(UNUSED_PARAMETER, deep) == []


def test_a_parameter_a_broken_reference_names_is_used():
    data = {"Parameters": {p: {"Type": "String"} for p in ("Env", "Suffix", "Stale")},
            "Resources": {"B": {"Type": "AWS::S3::Bucket", "Properties": {
                "VersioningConfiguration": {"Fn::If": ["Env", {"Status": "Enabled"}, {"Ref": "AWS::NoValue"}]},
                "BucketName": {"Fn::Sub": "${Suffix.Value}-bucket"}}}}}
    assert names(UNUSED_PARAMETER, data) == ["Stale"]
