"""DR008 same-region-replication: detection, region separation, the region-layout fix."""

from __future__ import annotations

import copy

import jsonpatch
import pytest
from rule_harness import findings

from autofix.rules.dr._deploy import simulate, simulate_update
from autofix.rules.dr.dr008_same_region_replication import SameRegionReplication
from autofix.settings import Settings

RULE = SameRegionReplication()
DR = Settings(dr="true")


def template(**replica_extra) -> dict:
    return {
        "Parameters": {"Env": {"Type": "String", "Default": "prod", "MaxLength": 8}},
        "Resources": {
            "Data": {"Type": "AWS::S3::Bucket", "DependsOn": ["Replica", "Role"], "Properties": {
                "BucketName": {"Fn::Sub": "data-${Env}-${AWS::AccountId}"},
                "VersioningConfiguration": {"Status": "Enabled"},
                "ReplicationConfiguration": {"Role": {"Fn::GetAtt": ["Role", "Arn"]}, "Rules": [
                    {"Status": "Enabled", "Prefix": "",
                     "Destination": {"Bucket": {"Fn::GetAtt": ["Replica", "Arn"]}}}]}}},
            "Replica": {"Type": "AWS::S3::Bucket", **replica_extra, "Properties": {
                "BucketName": {"Fn::Sub": "data-${Env}-${AWS::AccountId}-replica"},
                "VersioningConfiguration": {"Status": "Enabled"}}},
            "Role": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {}}},
            "Policy": {"Type": "AWS::IAM::Policy", "Properties": {
                "PolicyName": "replicate", "Roles": [{"Ref": "Role"}], "PolicyDocument": {"Statement": [
                    {"Effect": "Allow", "Action": "s3:ReplicateObject",
                     "Resource": {"Fn::Sub": "${Replica.Arn}/*"}}]}}},
        },
        "Outputs": {"ReplicaName": {"Value": {"Ref": "Replica"}}},
    }


def check(data: dict, settings: Settings = DR) -> list:
    return findings(RULE, data, settings)


def detail(finding) -> str:
    return finding.detail


def test_the_post_mortem_pattern_is_reported_and_moved_to_the_secondary_region() -> None:
    data = template()
    (finding,) = check(data)
    assert finding.pointer == "/Resources/Data/Properties/ReplicationConfiguration/Rules/0/Destination/Bucket"
    assert finding.message == "Data replicates to Replica, which the same stack creates in its own region"
    assert finding.fix.applicability.value == "unsafe"
    fixed = jsonpatch.apply_patch(copy.deepcopy(data), list(finding.fix.operations))
    replica = fixed["Resources"]["Replica"]
    assert (replica["Condition"], replica["DeletionPolicy"], replica["UpdateReplacePolicy"]) == (
        "IsSecondaryRegion", "Retain", "Retain")
    # a new name: on an existing primary stack the old replica is retained under the old one
    name = "data-${Env}-${AWS::AccountId}-replica-dr"
    assert replica["Properties"]["BucketName"] == {"Fn::Sub": name}
    data_bucket = fixed["Resources"]["Data"]
    config = data_bucket["Properties"]["ReplicationConfiguration"]["Fn::If"]
    assert config[0] == "ReplicateToSecondaryRegion"
    assert config[1]["Rules"][0]["Destination"]["Bucket"] == {"Fn::Sub": "arn:${AWS::Partition}:s3:::" + name}
    assert data_bucket["DependsOn"] == ["Role"]
    assert data_bucket["Properties"]["BucketName"]["Fn::If"][0] == "IsSecondaryRegion"
    statement = fixed["Resources"]["Policy"]["Properties"]["PolicyDocument"]["Statement"][0]
    assert statement["Resource"] == {"Fn::Sub": "arn:${AWS::Partition}:s3:::" + name + "/*"}
    assert fixed["Outputs"]["ReplicaName"]["Value"] == {"Fn::Sub": name}
    assert check(fixed) == []
    assert simulate(fixed) == [] and simulate(fixed, swap=True) == []
    fresh = {p.identity for p in simulate(fixed)}
    assert [p for p in simulate_update(data, fixed) if p.identity not in fresh] == []


def test_an_unnamed_destination_is_named_after_its_source() -> None:
    data = template()
    del data["Resources"]["Replica"]["Properties"]["BucketName"]
    (finding,) = check(data)
    fixed = jsonpatch.apply_patch(copy.deepcopy(data), list(finding.fix.operations))
    assert fixed["Resources"]["Replica"]["Properties"]["BucketName"] == {
        "Fn::Sub": "data-${Env}-${AWS::AccountId}-replica"}
    del data["Resources"]["Data"]["Properties"]["BucketName"]
    (finding,) = check(data)
    assert finding.fix is None and "neither Replica nor Data has a BucketName" in detail(finding)


def test_region_condition_separates_them() -> None:
    data = template(Condition="InDr")
    data["Parameters"]["DRRegion"] = {"Type": "String"}
    data["Conditions"] = {"InDr": {"Fn::Equals": [{"Ref": "AWS::Region"}, {"Ref": "DRRegion"}]},
                          "InDrProd": {"Fn::And": [{"Condition": "InDr"}, {"Fn::Equals": [{"Ref": "Env"}, "prod"]}]},
                          "NotDr": {"Fn::Not": [{"Condition": "InDr"}]}}
    data["Resources"]["Data"]["Condition"] = "NotDr"
    assert check(data) == []
    data["Resources"]["Replica"]["Condition"] = "InDrProd"  # through another condition
    assert check(data) == []


def test_a_condition_that_ignores_the_region_does_not_separate() -> None:
    data = template(Condition="IsProd")
    data["Conditions"] = {"IsProd": {"Fn::Equals": [{"Ref": "Env"}, "prod"]}}
    (finding,) = check(data)
    assert finding.fix is None and "Condition" in detail(finding)


def test_non_dr_templates_are_quiet_and_the_retired_same_stack_setting_changes_nothing() -> None:
    assert check(template(), Settings()) == []  # replication to a local bucket alone is not DR evidence
    (finding,) = check(template(), Settings(dr="true", family_settings={"dr": {"layout": "same-stack"}}))
    assert finding.fix is not None


def test_other_attributes_of_the_destination_block_the_fix() -> None:
    data = template()
    data["Outputs"]["Domain"] = {"Value": {"Fn::GetAtt": ["Replica", "RegionalDomainName"]}}
    (finding,) = check(data)
    assert finding.fix is None and "RegionalDomainName" in detail(finding)


@pytest.mark.parametrize("env", [{"Type": "String"}, {"Type": "String", "MaxLength": 60}])
def test_names_must_fit(env) -> None:
    data = template()
    data["Parameters"]["Env"] = {**env, "Default": "prod"}
    (finding,) = check(data)
    if "MaxLength" in env:
        assert finding.fix is None and "63 characters" in detail(finding)
    else:
        assert finding.fix is not None and "Env gets MaxLength" in detail(finding)


def test_target_conditioned_on_the_region_but_replication_everywhere_is_same_region() -> None:
    # in the DR region both buckets exist and the unconditioned source replicates to its neighbour
    data = template(Condition="InDr")
    data["Parameters"]["DRRegion"] = {"Type": "String"}
    data["Conditions"] = {"InDr": {"Fn::Equals": [{"Ref": "AWS::Region"}, {"Ref": "DRRegion"}]},
                          "NotDr": {"Fn::Not": [{"Condition": "InDr"}]}}
    (finding,) = check(data)
    assert finding.fix is None
    props = data["Resources"]["Data"]["Properties"]
    props["ReplicationConfiguration"] = {"Fn::If": ["NotDr", props["ReplicationConfiguration"],
                                                    {"Ref": "AWS::NoValue"}]}
    assert check(data) == []


def test_the_old_name_written_out_as_an_arn_is_rewritten_to_the_new_one() -> None:
    """A destination and a policy that write the replica's ARN as text must name the renamed replica: the old name
    is the retained copy in the primary region, and replicating to it is replicating in the same region again."""
    data = template()
    old_arn = "arn:aws:s3:::data-${Env}-${AWS::AccountId}-replica"
    rule = data["Resources"]["Data"]["Properties"]["ReplicationConfiguration"]["Rules"][0]
    rule["Destination"]["Bucket"] = {"Fn::Sub": old_arn}
    data["Resources"]["Policy"]["Properties"]["PolicyDocument"]["Statement"][0]["Resource"] = {
        "Fn::Sub": old_arn + "/*"}
    (finding,) = check(data)
    fixed = jsonpatch.apply_patch(copy.deepcopy(data), list(finding.fix.operations))
    new_name = fixed["Resources"]["Replica"]["Properties"]["BucketName"]["Fn::Sub"]
    assert new_name == "data-${Env}-${AWS::AccountId}-replica-dr"
    replication = fixed["Resources"]["Data"]["Properties"]["ReplicationConfiguration"]["Fn::If"][1]
    assert replication["Rules"][0]["Destination"]["Bucket"] == {"Fn::Sub": f"arn:aws:s3:::{new_name}"}
    statement = fixed["Resources"]["Policy"]["Properties"]["PolicyDocument"]["Statement"][0]
    assert statement["Resource"] == {"Fn::Sub": f"arn:aws:s3:::{new_name}/*"}


def test_a_replica_key_of_the_stacks_own_region_gets_no_fix() -> None:
    """S3 wants the replica's KMS key in the destination's region: a key this stack creates is in the source's."""
    data = template()
    data["Resources"]["Key"] = {"Type": "AWS::KMS::Key", "Properties": {"KeyPolicy": {}}}
    rule = data["Resources"]["Data"]["Properties"]["ReplicationConfiguration"]["Rules"][0]
    rule["Destination"]["EncryptionConfiguration"] = {"ReplicaKmsKeyID": {"Fn::GetAtt": ["Key", "Arn"]}}
    (finding,) = check(data)
    assert finding.fix is None
    assert "ReplicaKmsKeyID is a key of this stack's region" in detail(finding)
