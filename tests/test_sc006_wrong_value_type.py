"""SC006 wrong-value-type: wrapping in a list, tag lists as maps, and what is left alone."""

from __future__ import annotations

from rule_harness import findings

from autofix.rules.sc.sc006_wrong_value_type import WrongValueType
from autofix.settings import Settings

RULE = WrongValueType()


def check(resources):
    return findings(RULE, {"Resources": resources}, Settings())


def test_scalar_wrapped_in_list():
    (f,) = check({"I": {"Type": "AWS::EC2::Instance", "Properties": {"ImageId": "ami-1", "SecurityGroupIds": "sg-1"}}})
    assert f.fix.operations == ({"op": "replace", "path": "/Resources/I/Properties/SecurityGroupIds",
                                 "value": ["sg-1"]},)


def test_object_with_foreign_keys_is_not_wrapped():
    (f,) = check({"B": {"Type": "AWS::Backup::BackupSelection", "Properties": {
        "BackupPlanId": "p", "BackupSelection": {"IamRoleArn": "r", "SelectionName": "s", "Conditions": {
            "StringEquals": {"aws:ResourceTag/x": ["y"]}}}}}})
    assert f.fix is None


def test_tag_list_to_map_only_with_literal_distinct_keys():
    (f,) = check({"H": {"Type": "AWS::SecurityHub::Hub", "Properties": {"Tags": [{"Key": "a", "Value": "b"}]}}})
    assert f.fix.operations[0]["value"] == {"a": "b"}
    (f,) = check({"H": {"Type": "AWS::SecurityHub::Hub", "Properties": {
        "Tags": [{"Key": {"Ref": "K"}, "Value": "b"}]}}})
    assert f.fix is None


def test_intrinsics_and_valid_values_left_alone():
    assert check({"I": {"Type": "AWS::EC2::Instance", "Properties": {
        "ImageId": "ami-1", "SecurityGroupIds": {"Ref": "Groups"}, "Tags": [{"Key": "a", "Value": "b"}]}}}) == []
