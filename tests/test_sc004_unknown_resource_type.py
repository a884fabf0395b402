"""SC004 unknown-resource-type: renames, parameter moves, target attachments, removal without dangling refs."""

from __future__ import annotations

from rule_harness import findings

from autofix.rules.sc.sc004_unknown_resource_type import UnknownResourceType
from autofix.settings import Settings

RULE = UnknownResourceType()


def check(data):
    return findings(RULE, data, Settings())


def test_case_rename_is_safe():
    (f,) = check({"Resources": {"N": {"Type": "AWS::EC2::NATGateway"}, "T": {"Type": "AWS::SNS::Topic"}}})
    assert f.fix.operations == ({"op": "replace", "path": "/Resources/N/Type", "value": "AWS::EC2::NatGateway"},)
    assert f.fix.applicability.value == "safe"


def test_alias_table_targets_exist():
    from autofix.patches import fragment
    from autofix.schema import known_types

    for wrong, right in fragment("SC004-unknown-resource-type", "aliases").items():
        right = right if isinstance(right, str) else right["type"]
        assert wrong not in known_types() and right in known_types(), wrong


def test_removal_takes_depends_on_and_outputs_along():
    data = {"Resources": {"P": {"Type": "AWS::IAM::AccountPasswordPolicy", "Properties": {}},
                          "A": {"Type": "AWS::SNS::Topic", "DependsOn": "P"},
                          "B": {"Type": "AWS::SNS::Topic", "DependsOn": ["P", "A"]}},
            "Outputs": {"O": {"Value": {"Ref": "P"}}}}
    (f,) = check(data)
    ops = f.fix.operations
    assert {"op": "remove", "path": "/Outputs"} in ops
    assert {"op": "remove", "path": "/Resources/A/DependsOn"} in ops
    assert {"op": "remove", "path": "/Resources/B/DependsOn/0"} in ops
    assert ops[-1] == {"op": "remove", "path": "/Resources/P"}
    assert f.fix.applicability.value == "unsafe" and "password policy" in f.fix.description


def test_referenced_or_only_resource_has_no_fix():
    (f,) = check({"Resources": {"P": {"Type": "AWS::IAM::AccountPasswordPolicy"},
                                "Q": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": {"Ref": "P"}}}}})
    assert f.fix is None and "resource Q" in f.detail
    (f,) = check({"Resources": {"P": {"Type": "AWS::IAM::AccountPasswordPolicy"}}})
    assert f.fix is None


def test_parameter_written_as_resource_moves():
    (f,) = check({"Resources": {"Ami": {"Type": "AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>",
                                        "Default": "/aws/service/x"},
                                "T": {"Type": "AWS::SNS::Topic"}}})
    assert f.fix.operations[-1] == {"op": "add", "path": "/Parameters", "value": {"Ami": {
        "Type": "AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>", "Default": "/aws/service/x"}}}


def test_sam_custom_and_known_types_are_left_alone():
    assert check({"Transform": "AWS::Serverless-2016-10-31", "Resources": {
        "F": {"Type": "AWS::Serverless::Function"}, "C": {"Type": "Custom::Thing"},
        "B": {"Type": "AWS::S3::Bucket"}, "M": {"Type": "My::Org::Thing::MODULE"}}}) == []


def test_removal_leaves_the_parameters_only_it_used():
    data = {"Parameters": {"Units": {"Type": "Number"}, "Shared": {"Type": "String"}},
            "Resources": {"P": {"Type": "AWS::Lambda::ProvisionedConcurrencyConfig", "Properties": {
                "ProvisionedConcurrencyUnits": {"Ref": "Units"}, "Name": {"Ref": "Shared"}}},
                "T": {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": {"Ref": "Shared"}}}}}
    (f,) = check(data)
    assert f.fix.operations == ({"op": "remove", "path": "/Resources/P"},)
    assert f.fix.applicability.value == "unsafe" and "provisioned concurrency" in f.detail


def test_an_alias_applies_only_when_the_properties_fit():
    policy = {"AutoScalingGroupName": "g", "TargetTrackingConfiguration": {"TargetValue": 50}}
    (f,) = check({"Resources": {"P": {"Type": "AWS::AutoScaling::TargetTrackingScalingPolicy", "Properties": policy},
                                "T": {"Type": "AWS::SNS::Topic"}}})
    assert f.fix.applicability.value == "safe"
    assert f.fix.operations == (
        {"op": "replace", "path": "/Resources/P/Type", "value": "AWS::AutoScaling::ScalingPolicy"},
        {"op": "add", "path": "/Resources/P/Properties/PolicyType", "value": "TargetTrackingScaling"})
    odd = {**policy, "Colour": "blue"}  # no ScalingPolicy property: the alias does not fit
    (f,) = check({"Resources": {"P": {"Type": "AWS::AutoScaling::TargetTrackingScalingPolicy", "Properties": odd},
                                "T": {"Type": "AWS::SNS::Topic"}}})
    assert f.fix.operations == ({"op": "remove", "path": "/Resources/P"},)


def test_a_type_whose_properties_fit_one_type_of_its_service_becomes_it_unsafely():
    (f,) = check({"Resources": {"V": {"Type": "AWS::EC2::VPCFlowLogs", "Properties": {
        "ResourceId": "vpc-1", "ResourceType": "VPC", "TrafficType": "ALL", "LogDestinationType": "s3"}},
        "T": {"Type": "AWS::SNS::Topic"}}})
    assert f.fix.operations[0] == {"op": "replace", "path": "/Resources/V/Type", "value": "AWS::EC2::FlowLog"}
    assert f.fix.applicability.value == "unsafe"
