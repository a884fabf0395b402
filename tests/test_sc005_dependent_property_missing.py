"""SC005 dependent-property-missing: single allowed values, the only id source, report-only."""

from __future__ import annotations

from rule_harness import findings

from autofix.rules.sc.sc005_dependent_property_missing import DependentPropertyMissing
from autofix.settings import Settings

RULE = DependentPropertyMissing()
SG = {"Type": "AWS::EC2::SecurityGroup", "Properties": {
    "GroupDescription": "d", "SecurityGroupEgress": [{"IpProtocol": "-1", "CidrIp": "0.0.0.0/0"}]}}


def check(data):
    return findings(RULE, data, Settings())


def test_single_enum_value_is_added_safely():
    (f,) = check({"Resources": {"T": {"Type": "AWS::DynamoDB::Table", "Properties": {
        "SSESpecification": {"SSEEnabled": True, "KMSMasterKeyId": "k"}}}}})
    assert f.fix.operations == ({"op": "add", "path": "/Resources/T/Properties/SSESpecification/SSEType",
                                 "value": "KMS"},)
    assert f.fix.applicability.value == "safe"


def test_only_vpc_resource_or_parameter():
    (f,) = check({"Resources": {"V": {"Type": "AWS::EC2::VPC"}, "S": SG}})
    assert f.fix.operations[0]["value"] == {"Ref": "V"} and f.fix.applicability.value == "unsafe"
    (f,) = check({"Parameters": {"Net": {"Type": "AWS::EC2::VPC::Id"}}, "Resources": {"S": SG}})
    assert f.fix.operations[0]["value"] == {"Ref": "Net"}


def test_two_vpcs_or_none_report_only():
    (f,) = check({"Resources": {"V": {"Type": "AWS::EC2::VPC"}, "W": {"Type": "AWS::EC2::VPC"}, "S": SG}})
    assert f.fix is None
    (f,) = check({"Resources": {"S": SG}})
    assert f.fix is None and "VpcId" in f.message
