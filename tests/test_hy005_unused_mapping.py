"""HY005 unused-mapping."""

from __future__ import annotations

from rule_harness import findings

from autofix.rules.hy.hy005_unused_mapping import UNUSED_MAPPING
from autofix.settings import Settings

S = Settings()


def names(rule, data):
    return [f.pointer.rsplit("/", 1)[1] for f in findings(rule, data, S)]



def test_mappings_and_computed_map_names():
    data = {"Mappings": {"M": {"k": {"v": "1"}}, "N": {"k": {"v": "2"}}},
            "Resources": {"T": {"Type": "AWS::SNS::Topic",
                                "Properties": {"TopicName": {"Fn::FindInMap": ["M", "k", "v"]}}}}}
    assert names(UNUSED_MAPPING, data) == ["N"]
    data["Resources"]["T"]["Properties"]["DisplayName"] = {"Fn::FindInMap": [{"Ref": "P"}, "k", "v"]}
    assert names(UNUSED_MAPPING, data) == []


def test_a_mapping_a_broken_reference_names_is_used():
    data = {"Mappings": {"RegionMap": {"us-east-1": {"Ami": "ami-1"}}, "Stale": {"k": {"v": "1"}}},
            "Resources": {"I": {"Type": "AWS::EC2::Instance",
                                "Properties": {"ImageId": {"Fn::Sub": "${RegionMap.Ami}"}}}}}
    assert names(UNUSED_MAPPING, data) == ["Stale"]
