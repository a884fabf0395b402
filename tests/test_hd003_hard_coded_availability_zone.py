"""HD003 hard-coded-availability-zone."""

from __future__ import annotations

from rule_harness import findings

from autofix.rules.hd.hd003_hard_coded_availability_zone import HardCodedAvailabilityZone, zone_expression
from autofix.settings import Settings

RULE = HardCodedAvailabilityZone()


def test_zone_letters_map_to_indexes():
    assert zone_expression("us-east-1a") == {"Fn::Select": [0, {"Fn::GetAZs": ""}]}
    assert zone_expression("us-gov-west-1c") == {"Fn::Select": [2, {"Fn::GetAZs": ""}]}
    assert zone_expression("eu-central-1d") is None
    assert zone_expression("use1-az1") is None


def test_places_lists_and_intrinsics():
    res = {"S": {"Type": "AWS::EC2::Subnet", "Properties": {"AvailabilityZone": "us-west-2b"}},
           "G": {"Type": "AWS::AutoScaling::AutoScalingGroup",
                 "Properties": {"AvailabilityZones": ["us-west-2a", {"Ref": "Z"}]}},
           "I": {"Type": "AWS::EC2::Subnet", "Properties": {"AvailabilityZone": {"Fn::If": ["C", "us-west-2a", "x"]}}},
           "Q": {"Type": "AWS::SQS::Queue", "Properties": {"AvailabilityZone": "us-west-2a"}}}
    got = findings(RULE, {"Resources": res}, Settings())
    assert {f.pointer: f.fix.operations[0]["value"]["Fn::Select"][0] for f in got} == {
        "/Resources/S/Properties/AvailabilityZone": 1, "/Resources/G/Properties/AvailabilityZones/0": 0}
    assert all(f.fix.applicability.value == "unsafe" for f in got)


def test_templates_the_cdk_synthesized_are_left_alone():
    """cfn-lint skips W3010 on CDK output (cfn-lint's own fixture az_cdk.yaml): so does the rule."""
    subnet = {"Type": "AWS::EC2::Subnet", "Properties": {"VpcId": "vpc-12345678", "AvailabilityZone": "us-east-1a"}}
    assert len(findings(RULE, {"Resources": {"S": subnet}}, Settings())) == 1
    for marker in ({"CdkMetadata": {"Type": "AWS::CDK::Metadata"}}, {"CDKMetadata": {"Type": "AWS::SNS::Topic"}},
                   {"S": {**subnet, "Metadata": {"aws:cdk:path": "Stack/Subnet/Resource"}}}):
        assert findings(RULE, {"Resources": {"S": subnet, **marker}}, Settings()) == []
