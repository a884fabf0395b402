"""DR001 s3-bucket-without-replication: detector, exemptions and generated fix."""

from __future__ import annotations

import json

import pytest
from rule_harness import findings

from autofix.pipeline import process_text
from autofix.rules.dr.dr001_s3_bucket_without_replication import S3BucketWithoutReplication
from autofix.settings import Settings

RULE = S3BucketWithoutReplication()
#: most tests below exercise the replica's contents, written the same in both layouts; the
#: same-stack layout (only by configuration) keeps them short.  The region layout is tested at the end.
DR = Settings(dr="true", unsafe_fixes=True, family_settings={"dr": {"layout": "same-stack"}})
REGIONS = Settings(dr="true", unsafe_fixes=True)


def check(resources: dict, settings: Settings = DR, **sections) -> list:
    return findings(RULE, {"Resources": resources, **sections}, settings)


def bucket(**props) -> dict:
    return {"Type": "AWS::S3::Bucket", "Properties": props}


def ops_by_path(finding) -> dict:
    return {op["path"]: op for op in finding.fix.operations}


def test_no_finding_outside_dr_context() -> None:
    assert check({"Data": bucket()}, Settings()) == []
    assert check({"Data": bucket()}, Settings(dr="false")) == []


def test_dr_context_from_secondary_region_parameter() -> None:
    found = check({"Data": bucket()}, Settings(), Parameters={"SecondaryRegion": {"Type": "String"}})
    assert [f.resource for f in found] == ["Data"]


def test_message_is_honest_about_the_region() -> None:
    (finding,) = check({"DataBucket": bucket()})
    assert "in its own region" in finding.message
    assert "secondary region" in finding.message
    assert finding.pointer == "/Resources/DataBucket"
    assert finding.fix.applicability.value == "unsafe"


def test_fix_shape() -> None:
    (finding,) = check({"DataBucket": bucket(BucketName="acme-data")})
    ops = ops_by_path(finding)
    assert ops["/Resources/DataBucket/Properties/VersioningConfiguration"]["value"] == {"Status": "Enabled"}
    config = ops["/Resources/DataBucket/Properties/ReplicationConfiguration"]["value"]
    assert config["Role"] == {"Fn::GetAtt": ["DataReplicationRole", "Arn"]}
    (rule,) = config["Rules"]
    assert rule["Filter"] == {"Prefix": ""} and rule["Priority"] == 1 and rule["Status"] == "Enabled"
    assert rule["DeleteMarkerReplication"] == {"Status": "Enabled"}
    dest = rule["Destination"]
    assert dest["Bucket"] == {"Fn::GetAtt": ["DataReplicaBucket", "Arn"]}
    assert dest["ReplicationTime"] == {"Status": "Enabled", "Time": {"Minutes": 15}}
    assert dest["Metrics"] == {"Status": "Enabled", "EventThreshold": {"Minutes": 15}}
    assert "SourceSelectionCriteria" not in rule
    replica = ops["/Resources/DataReplicaBucket"]["value"]
    assert replica["Properties"]["BucketName"] == "acme-data-replica"
    assert replica["Properties"]["VersioningConfiguration"] == {"Status": "Enabled"}
    assert all(replica["Properties"]["PublicAccessBlockConfiguration"].values())
    role = ops["/Resources/DataReplicationRole"]["value"]
    assert role["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {
        "Service": "s3.amazonaws.com"}
    assert "Policies" not in role["Properties"]  # separate policy: no circular dependency
    policy = ops["/Resources/DataReplicationPolicy"]["value"]
    actions = {a for s in policy["Properties"]["PolicyDocument"]["Statement"] for a in
               ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])}
    assert actions == {"s3:GetReplicationConfiguration", "s3:ListBucket", "s3:GetObjectVersionForReplication",
                       "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging", "s3:ReplicateObject",
                       "s3:ReplicateDelete", "s3:ReplicateTags"}


def test_existing_versioning_kept_and_suspended_reenabled() -> None:
    (kept,) = check({"B": bucket(VersioningConfiguration={"Status": "Enabled"})})
    assert not any("Versioning" in op["path"] for op in kept.fix.operations)
    (suspended,) = check({"B": bucket(VersioningConfiguration={"Status": "Suspended"})})
    assert {"op": "replace", "path": "/Resources/B/Properties/VersioningConfiguration/Status",
            "value": "Enabled"} in suspended.fix.operations


def test_conditional_versioning_gets_no_fix() -> None:
    (finding,) = check({"B": bucket(VersioningConfiguration={"Fn::If": ["C", {"Status": "Enabled"},
                                                                         {"Ref": "AWS::NoValue"}]})})
    assert finding.fix is None and "conditional" in finding.message


def test_sse_kms_with_in_template_key() -> None:
    enc = {"ServerSideEncryptionConfiguration": [{"ServerSideEncryptionByDefault": {
        "SSEAlgorithm": "aws:kms", "KMSMasterKeyID": {"Ref": "Key"}}}]}
    (finding,) = check({"Key": {"Type": "AWS::KMS::Key"}, "B": bucket(BucketEncryption=enc)})
    ops = ops_by_path(finding)
    rule = ops["/Resources/B/Properties/ReplicationConfiguration"]["value"]["Rules"][0]
    assert rule["SourceSelectionCriteria"] == {"SseKmsEncryptedObjects": {"Status": "Enabled"}}
    assert rule["Destination"]["EncryptionConfiguration"] == {"ReplicaKmsKeyID": {"Fn::GetAtt": ["Key", "Arn"]}}
    assert ops["/Resources/BReplicaBucket"]["value"]["Properties"]["BucketEncryption"] == enc
    sids = [s["Sid"] for s in ops["/Resources/BReplicationPolicy"]["value"]["Properties"]["PolicyDocument"][
        "Statement"]]
    assert "DecryptSourceObjects" in sids and "EncryptReplicas" in sids


@pytest.mark.parametrize("key", ["alias/app", {"Ref": "KeyParam"}, None])
def test_unresolvable_kms_key_gets_no_fix(key) -> None:
    default = {"SSEAlgorithm": "aws:kms"}
    if key is not None:
        default["KMSMasterKeyID"] = key
    enc = {"ServerSideEncryptionConfiguration": [{"ServerSideEncryptionByDefault": default}]}
    (finding,) = check({"B": bucket(BucketEncryption=enc)}, Parameters={"KeyParam": {"Type": "String"}})
    assert finding.fix is None


@pytest.mark.parametrize("name, expected", [
    ({"Fn::Sub": "app-${Env}"}, {"Fn::Sub": "app-${Env}-replica"}),
    ({"Fn::Sub": ["app-${X}", {"X": {"Ref": "Env"}}]}, {"Fn::Sub": ["app-${X}-replica", {"X": {"Ref": "Env"}}]}),
    ({"Ref": "Name"}, {"Fn::Sub": "${Name}-replica"}),
    ({"Fn::Join": ["-", ["app", {"Ref": "Env"}]]}, {"Fn::Sub": "app-${Env}-replica"}),
    ({"Fn::If": ["C", "a", "b"]}, None),
    ("x" * 60, None),
])
def test_replica_name(name, expected) -> None:
    (finding,) = check({"B": bucket(BucketName=name)}, Parameters={"Env": {"Type": "String", "MaxLength": 8},
                                                                   "Name": {"Type": "String", "MaxLength": 50}})
    replica = ops_by_path(finding)["/Resources/BReplicaBucket"]["value"]["Properties"]
    assert replica.get("BucketName") == expected


@pytest.mark.parametrize("name, params", [
    ({"Fn::Sub": "app-${Env}"}, {"Env": {"Type": "String"}}),  # nothing bounds Env
    ({"Fn::Sub": "app-${Env}"}, {"Env": {"Type": "String", "MaxLength": 60}}),  # 4 + 60 + 8 > 63
    ({"Fn::Sub": "app-${Env}"}, {"Env": {"Type": "String", "AllowedValues": ["dev", "x" * 55]}}),
    ({"Fn::Sub": "${AWS::StackName}-data"}, {}),  # a stack name can be 128 characters
    ({"Ref": "Name"}, {"Name": {"Type": "String", "MaxLength": 63}}),
])
def test_replica_name_that_may_exceed_63_characters_is_left_to_cloudformation(name, params) -> None:
    (finding,) = check({"B": bucket(BucketName=name)}, Parameters=params)
    replica = ops_by_path(finding)["/Resources/BReplicaBucket"]["value"]["Properties"]
    assert "BucketName" not in replica


def test_replica_name_fits_with_allowed_values_and_account_id() -> None:
    name = {"Fn::Sub": "app-${Env}-${AWS::AccountId}"}
    params = {"Env": {"Type": "String", "AllowedValues": ["dev", "staging", "production"]}}
    (finding,) = check({"B": bucket(BucketName=name)}, Parameters=params)
    replica = ops_by_path(finding)["/Resources/BReplicaBucket"]["value"]["Properties"]
    assert replica["BucketName"] == {"Fn::Sub": "app-${Env}-${AWS::AccountId}-replica"}  # 4+10+1+12+8 = 35


# -- the replica keeps the source's data-management settings


def test_replica_keeps_lifecycle_and_expires_noncurrent_versions_once_versioning_is_on() -> None:
    lifecycle = {"Rules": [{"Id": "Expire", "Status": "Enabled", "ExpirationInDays": 90},
                           {"Id": "Archive", "Status": "Enabled",
                            "Transitions": [{"StorageClass": "GLACIER", "TransitionInDays": 30}]}]}
    (finding,) = check({"B": bucket(LifecycleConfiguration=lifecycle)})
    ops = ops_by_path(finding)
    expected = [{**lifecycle["Rules"][0], "NoncurrentVersionExpiration": {"NoncurrentDays": 90}},
                lifecycle["Rules"][1]]
    assert ops["/Resources/B/Properties/LifecycleConfiguration/Rules"]["value"] == expected
    replica = ops["/Resources/BReplicaBucket"]["value"]["Properties"]
    assert replica["LifecycleConfiguration"] == {"Rules": expected}


def test_lifecycle_copied_unchanged_when_versioning_was_already_on() -> None:
    lifecycle = {"Rules": [{"Id": "Expire", "Status": "Enabled", "ExpirationInDays": 90}]}
    (finding,) = check({"B": bucket(LifecycleConfiguration=lifecycle,
                                    VersioningConfiguration={"Status": "Enabled"})})
    ops = ops_by_path(finding)
    assert "/Resources/B/Properties/LifecycleConfiguration/Rules" not in ops
    assert ops["/Resources/BReplicaBucket"]["value"]["Properties"]["LifecycleConfiguration"] == lifecycle


def test_replica_logs_where_the_source_logs() -> None:
    logging = {"DestinationBucketName": {"Ref": "Logs"}, "LogFilePrefix": "data/"}
    logs = {"Type": "AWS::S3::Bucket", "Properties": {}}
    (finding,) = check({"B": bucket(LoggingConfiguration=logging), "Logs": logs})
    replica = ops_by_path(finding)["/Resources/BReplicaBucket"]["value"]["Properties"]
    assert replica["LoggingConfiguration"] == {"DestinationBucketName": {"Ref": "Logs"},
                                               "LogFilePrefix": "data/BReplicaBucket/"}


def test_replica_name_avoids_a_name_in_use() -> None:
    resources = {"B": bucket(BucketName="app"), "Other": bucket(BucketName="app-replica",
                                                                ReplicationConfiguration={"Role": "r"})}
    (finding,) = check(resources)
    assert "BucketName" not in ops_by_path(finding)["/Resources/BReplicaBucket"]["value"]["Properties"]


def test_ids_never_collide() -> None:
    resources = {"DataBucket": bucket(), "DataReplicationRole": {"Type": "AWS::IAM::Role"}}
    (finding,) = check(resources, Outputs={"DataReplicaBucket": {"Value": "x"}})
    paths = set(ops_by_path(finding))
    assert "/Resources/DataReplicaBucket2" in paths and "/Resources/DataReplicationRole2" in paths


def test_condition_and_retention_copied() -> None:
    resources = {"B": {"Type": "AWS::S3::Bucket", "Condition": "IsProd", "DeletionPolicy": "Retain"}}
    (finding,) = check(resources)
    ops = ops_by_path(finding)
    assert ops["/Resources/BReplicaBucket"]["value"]["Condition"] == "IsProd"
    assert ops["/Resources/BReplicaBucket"]["value"]["DeletionPolicy"] == "Retain"
    assert ops["/Resources/BReplicationRole"]["value"]["Condition"] == "IsProd"
    assert "DeletionPolicy" not in ops["/Resources/BReplicationRole"]["value"]
    assert "/Resources/B/Properties" in ops  # no Properties: added whole


@pytest.mark.parametrize("resources", [
    {"Src": bucket(ReplicationConfiguration={"Fn::If": ["P", {"Role": "r"}, {"Ref": "AWS::NoValue"}]})},
    {"Logs": bucket(), "Trail": {"Type": "AWS::CloudTrail::Trail", "Properties": {"S3BucketName": {"Ref": "Logs"}}}},
    {"Logs": bucket(BucketName="acme-logs"),
     "Trail": {"Type": "AWS::CloudTrail::Trail", "Properties": {"S3BucketName": "acme-logs"}}},
    {"Logs": bucket(AccessControl="LogDeliveryWrite")},
    {"Logs": bucket(), "P": {"Type": "AWS::S3::BucketPolicy", "Properties": {
        "Bucket": {"Ref": "Logs"}, "PolicyDocument": {"Statement": [
            {"Effect": "Allow", "Principal": {"Service": ["delivery.logs.amazonaws.com"]}, "Action": "s3:PutObject",
             "Resource": "*"}]}}}},
    {"Logs": bucket(), "Cdn": {"Type": "AWS::CloudFront::Distribution", "Properties": {"DistributionConfig": {
        "Logging": {"Bucket": {"Fn::GetAtt": ["Logs", "DomainName"]}}}}}},
    {"Logs": bucket(), "S": {"Type": "AWS::KinesisFirehose::DeliveryStream", "Properties": {
        "ExtendedS3DestinationConfiguration": {"BucketARN": {"Fn::GetAtt": ["Logs", "Arn"]}}}}},
    {"Logs": bucket(BucketName={"Fn::Sub": "logs-${AWS::AccountId}"}),
     "Alb": {"Type": "AWS::ElasticLoadBalancingV2::LoadBalancer", "Properties": {"LoadBalancerAttributes": [
         {"Key": "access_logs.s3.bucket", "Value": {"Fn::Sub": "logs-${AWS::AccountId}"}}]}}},
    {"Copy": bucket(BucketName={"Fn::Join": ["", ["copy-", {"Ref": "AWS::AccountId"}]]}),
     "Src": bucket(ReplicationConfiguration={"Rules": [{"Destination": {
         "Bucket": {"Fn::Sub": "arn:aws:s3:::copy-${AWS::AccountId}"}}}]})},
    {"AppReplica": bucket()},
    {"Odd": {"Type": "AWS::S3::Bucket", "Properties": "not-a-mapping"}},
])
def test_exempt_or_fine(resources) -> None:
    assert check(resources) == []


def test_logging_target_through_fn_if_is_exempt_but_source_is_not() -> None:
    resources = {
        "Data": bucket(LoggingConfiguration={"Fn::If": ["C", {"DestinationBucketName": {"Ref": "Logs"}},
                                                         {"Ref": "AWS::NoValue"}]}),
        "Logs": bucket(),
    }
    assert [f.resource for f in check(resources)] == ["Data"]


def test_cloudfront_origin_bucket_is_data() -> None:
    resources = {"Site": bucket(), "P": {"Type": "AWS::S3::BucketPolicy", "Properties": {
        "Bucket": {"Ref": "Site"}, "PolicyDocument": {"Statement": [
            {"Effect": "Allow", "Principal": {"Service": "cloudfront.amazonaws.com"}, "Action": "s3:GetObject",
             "Resource": "*"}]}}}}
    assert [f.resource for f in check(resources)] == ["Site"]


@pytest.mark.parametrize("data", [
    {"Resources": {"B": {"Type": "AWS::S3::Bucket", "Properties": None}}},
    {"Resources": {"B": {"Type": "AWS::S3::Bucket", "Properties": {"BucketEncryption": "x",
                                                                    "BucketName": ["weird"]}}}},
    {"Resources": {"B": {"Type": "AWS::S3::Bucket", "Properties": {"BucketEncryption": {
        "ServerSideEncryptionConfiguration": {"Fn::If": ["C", [], []]}}}}}},
    {"Resources": []},
    {"Resources": {"B": "nonsense", "T": {"Type": "AWS::CloudTrail::Trail", "Properties": None}}},
])
def test_messy_shapes_do_not_crash(data) -> None:
    findings(RULE, data, DR)


def test_fixed_template_rechecks_clean_and_is_stable() -> None:
    text = json.dumps({"Parameters": {"DRRegion": {"Type": "String"}},
                       "Resources": {"DataBucket": bucket(BucketName={"Fn::Sub": "data-${AWS::AccountId}"})}},
                      indent=2)
    settings = Settings(select=("DR001", "DR006"), unsafe_fixes=True)
    result = process_text(text, "t.json", settings, fix=True)
    assert not result.errors and result.changed and result.findings == []
    again = process_text(result.fixed, "t.json", settings, fix=True)
    assert not again.changed and again.findings == []


# -- the region layout (default): one template deployed in both regions


def region_fix(resources: dict, **sections):
    (finding,) = check(resources, REGIONS, **sections)
    assert finding.fix is not None, finding.message
    return finding, ops_by_path(finding)


def test_region_layout_puts_the_replica_in_the_secondary_region_only() -> None:
    _, ops = region_fix({"Docs": bucket(BucketName={"Fn::Sub": "docs-${AWS::AccountId}-${AWS::Region}"})})
    assert ops["/Parameters"]["value"]["PrimaryRegion"]["Default"] == "us-east-1"
    assert ops["/Parameters"]["value"]["SecondaryRegion"]["Default"] == "us-west-2"
    assert ops["/Parameters"]["value"]["SecondaryStackDeployed"]["Default"] == "false"
    conditions = ops["/Conditions"]["value"]
    assert conditions["IsSecondaryRegion"] == {"Fn::Equals": [{"Ref": "AWS::Region"}, {"Ref": "SecondaryRegion"}]}
    assert conditions["ReplicateToSecondaryRegion"] == {"Fn::And": [
        {"Condition": "IsPrimaryRegion"}, {"Fn::Equals": [{"Ref": "SecondaryStackDeployed"}, "true"]}]}
    replica = ops["/Resources/DocsReplicaBucket"]["value"]
    assert replica["Condition"] == "IsSecondaryRegion"
    # the name is the same in both regions: the primary's region, not AWS::Region
    name = "docs-${AWS::AccountId}-${PrimaryRegion}-replica"
    assert replica["Properties"]["BucketName"] == {"Fn::Sub": name}
    config = ops["/Resources/Docs/Properties/ReplicationConfiguration"]["value"]["Fn::If"]
    assert config[0] == "ReplicateToSecondaryRegion" and config[2] == {"Ref": "AWS::NoValue"}
    assert config[1]["Rules"][0]["Destination"]["Bucket"] == {"Fn::Sub": "arn:${AWS::Partition}:s3:::" + name}
    assert ops["/Resources/DocsReplicationRole"]["value"]["Condition"] == "ReplicateToSecondaryRegion"
    policy = ops["/Resources/DocsReplicationPolicy"]["value"]
    assert policy["Condition"] == "ReplicateToSecondaryRegion"
    assert "RoleName" not in ops["/Resources/DocsReplicationRole"]["value"]["Properties"]  # IAM names are global
    # the source already has the region in its name: kept
    assert "/Resources/Docs/Properties/BucketName" not in ops


def test_region_layout_reuses_the_templates_parameters_and_conditions() -> None:
    _, ops = region_fix(
        {"Docs": bucket(BucketName={"Fn::Sub": "docs-${AWS::AccountId}-${AWS::Region}"})},
        Parameters={"DRRegion": {"Type": "String", "Default": "eu-west-1"}},
        Conditions={"InDr": {"Fn::Equals": [{"Ref": "DRRegion"}, {"Ref": "AWS::Region"}]}})
    assert ops["/Resources/DocsReplicaBucket"]["value"]["Condition"] == "InDr"
    assert "/Parameters/DRRegion" not in ops and "/Parameters/SecondaryRegion" not in ops
    assert "/Conditions/IsSecondaryRegion" not in ops and "/Conditions/IsPrimaryRegion" in ops


def test_region_layout_renames_the_source_in_the_secondary_region_only() -> None:
    _, ops = region_fix({"Docs": bucket(BucketName={"Fn::Sub": "docs-${Env}"})},
                              Parameters={"Env": {"Type": "String", "Default": "prod"}})
    assert ops["/Resources/Docs/Properties/BucketName"]["value"] == {
        "Fn::If": ["IsSecondaryRegion", {"Fn::Sub": "docs-${Env}-${AWS::Region}"}, {"Fn::Sub": "docs-${Env}"}]}
    assert ops["/Parameters/Env/MaxLength"]["value"] == 63 - len("docs--") - 20


@pytest.mark.parametrize("props, sections, why", [
    ({"BucketEncryption": {"ServerSideEncryptionConfiguration": [{"ServerSideEncryptionByDefault": {
        "SSEAlgorithm": "aws:kms", "KMSMasterKeyID": {"Fn::GetAtt": ["Key", "Arn"]}}}]},
      "BucketName": "docs-data"}, {}, "SSE-KMS"),
    ({}, {}, "no BucketName"),
    ({"BucketName": {"Fn::Sub": "docs-${Env}"}}, {"Parameters": {"Env": {"Type": "String", "Default": "x" * 40}}},
     "63 characters"),
])
def test_region_layout_gives_no_fix_rather_than_a_wrong_one(props, sections, why) -> None:
    resources = {"Docs": bucket(**props), "Key": {"Type": "AWS::KMS::Key", "Properties": {}}}
    (finding,) = check(resources, REGIONS, **sections)
    assert finding.fix is None and why in finding.message


def test_conditioned_source_gets_no_region_fix() -> None:
    resources = {"Docs": {**bucket(BucketName="docs-data"), "Condition": "Always"}}
    (finding,) = check(resources, REGIONS, Conditions={"Always": {"Fn::Equals": ["a", "a"]}})
    assert finding.fix is None and "Condition" in finding.message


def test_same_stack_layout_only_by_configuration() -> None:
    (finding,) = check({"Docs": bucket(BucketName="docs-data")}, DR)
    replica = ops_by_path(finding)["/Resources/DocsReplicaBucket"]["value"]
    assert "Condition" not in replica and "same region" not in finding.message
    assert "in its own region" in finding.message


def test_region_layout_names_what_both_regions_would_create_twice() -> None:
    resources = {"Docs": bucket(BucketName={"Fn::Sub": "docs-${AWS::AccountId}-${AWS::Region}"}),
                 "Named": {"Type": "AWS::IAM::Role", "Properties": {"RoleName": "app-role"}},
                 "PerRegion": {"Type": "AWS::IAM::Role", "Properties": {"RoleName": {"Fn::Sub": "app-${AWS::Region}"}}},
                 "Check": {"Type": "AWS::Route53::HealthCheck", "Properties": {}},
                 "Once": {"Type": "AWS::Route53::HealthCheck", "Condition": "C", "Properties": {}}}
    found = check(resources, REGIONS, Conditions={"C": {"Fn::Equals": ["a", "a"]}})
    (finding,) = [f for f in found if f.resource == "Docs"]
    assert finding.message.endswith("make these exist once or per region (a condition on the region, or the "
                                    "region in their names): Named, Check")
