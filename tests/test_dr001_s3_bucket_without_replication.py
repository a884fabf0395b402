"""DR001 s3-bucket-without-replication: detector, exemptions and generated fix."""

from __future__ import annotations

import json

import pytest
from rule_harness import applied, findings

from autofix.pipeline import process_text
from autofix.rules.dr._deploy import simulate, simulate_update
from autofix.rules.dr.dr001_s3_bucket_without_replication import S3BucketWithoutReplication
from autofix.settings import Settings

RULE = S3BucketWithoutReplication()
DR = Settings(dr="true", unsafe_fixes=True)
NAME = "docs-${AWS::AccountId}"
REPLICA = "docs-${AWS::AccountId}-replica"


def check(resources: dict, settings: Settings = DR, **sections) -> list:
    return findings(RULE, {"Resources": resources, **sections}, settings)


def bucket(**props) -> dict:
    return {"Type": "AWS::S3::Bucket", "Properties": props}


def named(**props) -> dict:
    return bucket(BucketName={"Fn::Sub": NAME}, **props)


def ops_by_path(finding) -> dict:
    return {op["path"]: op for op in finding.fix.operations}


def detail(finding) -> str:
    return finding.detail


def fixed(resources: dict, **sections) -> tuple[dict, dict]:
    """(the template, the template DR001's fix makes of it)."""
    data = {"Resources": resources, **sections}
    (finding,) = findings(RULE, data, DR)
    assert finding.fix is not None, detail(finding)
    return data, applied(data, [finding])


def test_no_finding_outside_dr_context() -> None:
    assert check({"Data": bucket()}, Settings()) == []
    assert check({"Data": bucket()}, Settings(dr="false")) == []


def test_dr_context_from_secondary_region_parameter() -> None:
    found = check({"Data": bucket()}, Settings(), Parameters={"SecondaryRegion": {"Type": "String"}})
    assert [f.resource for f in found] == ["Data"]


def test_message_is_one_sentence_and_the_plan_is_in_the_detail() -> None:
    (finding,) = check({"DataBucket": named()})
    assert finding.message == ("DataBucket holds data in a multi-region DR template but is not replicated to another "
                               "region")
    assert finding.pointer == "/Resources/DataBucket" and finding.fix.applicability.value == "unsafe"
    for said in ("only in the secondary region", "SecondaryStackDeployed=true", "S3 Batch Replication"):
        assert said in detail(finding)


def test_the_replica_exists_only_in_the_secondary_region_and_the_primary_replicates_to_it_by_arn() -> None:
    data, after = fixed({"DataBucket": named()})
    params, conditions = after["Parameters"], after["Conditions"]
    assert params["PrimaryRegion"]["Default"] == "us-east-1" and params["SecondaryRegion"]["Default"] == "us-west-2"
    assert params["SecondaryStackDeployed"] == {
        "Type": "String", "Default": "false", "AllowedValues": ["false", "true"],
        "Description": params["SecondaryStackDeployed"]["Description"]}
    assert conditions["IsSecondaryRegion"] == {"Fn::Equals": [{"Ref": "AWS::Region"}, {"Ref": "SecondaryRegion"}]}
    assert conditions["ReplicateToSecondaryRegion"] == {"Fn::And": [
        {"Condition": "IsPrimaryRegion"}, {"Fn::Equals": [{"Ref": "SecondaryStackDeployed"}, "true"]}]}
    resources = after["Resources"]
    replica = resources["DataReplicaBucket"]
    assert replica["Condition"] == "IsSecondaryRegion"
    assert replica["Properties"]["BucketName"] == {"Fn::Sub": REPLICA}
    assert replica["Properties"]["VersioningConfiguration"] == {"Status": "Enabled"}
    assert all(replica["Properties"]["PublicAccessBlockConfiguration"].values())
    source = resources["DataBucket"]["Properties"]
    assert source["VersioningConfiguration"] == {"Status": "Enabled"}
    condition, config, otherwise = source["ReplicationConfiguration"]["Fn::If"]
    assert condition == "ReplicateToSecondaryRegion" and otherwise == {"Ref": "AWS::NoValue"}
    (rule,) = config["Rules"]
    assert rule["Filter"] == {"Prefix": ""} and rule["Priority"] == 1 and rule["Status"] == "Enabled"
    assert rule["DeleteMarkerReplication"] == {"Status": "Enabled"}
    destination = rule["Destination"]
    assert destination["Bucket"] == {"Fn::Sub": "arn:${AWS::Partition}:s3:::" + REPLICA}
    assert destination["ReplicationTime"] == {"Status": "Enabled", "Time": {"Minutes": 15}}
    assert "SourceSelectionCriteria" not in rule
    role, policy = resources["DataReplicationRole"], resources["DataReplicationPolicy"]
    assert role["Condition"] == policy["Condition"] == "ReplicateToSecondaryRegion"
    assert "RoleName" not in role["Properties"]  # IAM names are global
    statements = {s["Sid"]: s for s in policy["Properties"]["PolicyDocument"]["Statement"]}
    assert statements["WriteReplicas"]["Resource"] == {"Fn::Sub": "arn:${AWS::Partition}:s3:::" + REPLICA + "/*"}
    # the source keeps its name in the primary region; in the secondary one CloudFormation names it
    assert source["BucketName"] == {"Fn::If": ["IsSecondaryRegion", {"Fn::Sub": NAME + "-${AWS::Region}"},
                                               {"Fn::Sub": NAME}]}
    assert simulate(after) == [] and simulate(after, swap=True) == []
    assert simulate_update(data, after) == []  # an existing primary stack keeps its bucket


def test_a_rule_keeps_the_stack_out_of_a_third_region() -> None:
    _, after = fixed({"DataBucket": named()})
    (rule,) = after["Rules"].values()
    assert rule["Assertions"][0]["Assert"] == {"Fn::Or": [
        {"Fn::Equals": [{"Ref": "AWS::Region"}, {"Ref": "PrimaryRegion"}]},
        {"Fn::Equals": [{"Ref": "AWS::Region"}, {"Ref": "SecondaryRegion"}]}]}


def test_the_templates_own_parameters_and_conditions_are_reused() -> None:
    _, after = fixed({"Docs": bucket(BucketName={"Fn::Sub": "docs-${AWS::AccountId}-${AWS::Region}"})},
                     Parameters={"DRRegion": {"Type": "String", "Default": "eu-west-1"}},
                     Conditions={"InDr": {"Fn::Equals": [{"Ref": "DRRegion"}, {"Ref": "AWS::Region"}]},
                                 "InPrimary": {"Fn::Not": [{"Condition": "InDr"}]}})
    assert after["Resources"]["DocsReplicaBucket"]["Condition"] == "InDr"
    assert set(after["Parameters"]) == {"DRRegion", "PrimaryRegion", "SecondaryStackDeployed"}
    assert after["Conditions"]["ReplicateToSecondaryRegion"]["Fn::And"][0] == {"Condition": "InPrimary"}
    # the region in the replica's name is the primary's, which both regions compute alike
    assert after["Resources"]["DocsReplicaBucket"]["Properties"]["BucketName"] == {
        "Fn::Sub": "docs-${AWS::AccountId}-${PrimaryRegion}-replica"}
    # the source has the region in its name already: both stacks name it apart, and it is kept
    assert after["Resources"]["Docs"]["Properties"]["BucketName"] == {
        "Fn::Sub": "docs-${AWS::AccountId}-${AWS::Region}"}


def test_outputs_name_the_replica_in_the_secondary_region() -> None:
    _, after = fixed({"DataBucket": named()}, Outputs={
        "Name": {"Value": {"Ref": "DataBucket"}}, "Arn": {"Value": {"Fn::Sub": "${DataBucket.Arn}/*"}},
        "Other": {"Value": "x"}})
    outputs = after["Outputs"]
    assert outputs["Name"]["Value"] == {"Fn::If": ["IsSecondaryRegion", {"Ref": "DataReplicaBucket"},
                                                   {"Ref": "DataBucket"}]}
    assert outputs["Arn"]["Value"]["Fn::If"][1] == {"Fn::Sub": "${DataReplicaBucket.Arn}/*"}
    assert outputs["Other"]["Value"] == "x"


def test_existing_versioning_kept_and_suspended_reenabled() -> None:
    (kept,) = check({"B": named(VersioningConfiguration={"Status": "Enabled"})})
    assert not any(op["path"].startswith("/Resources/B/Properties/Versioning") for op in kept.fix.operations)
    (suspended,) = check({"B": named(VersioningConfiguration={"Status": "Suspended"})})
    assert {"op": "replace", "path": "/Resources/B/Properties/VersioningConfiguration/Status",
            "value": "Enabled"} in suspended.fix.operations


def test_conditional_versioning_gets_no_fix() -> None:
    (finding,) = check({"B": named(VersioningConfiguration={"Fn::If": ["C", {"Status": "Enabled"},
                                                                        {"Ref": "AWS::NoValue"}]})})
    assert finding.fix is None and "conditional" in detail(finding)


KMS_BY_KEY = {"ServerSideEncryptionConfiguration": [{"ServerSideEncryptionByDefault": {
    "SSEAlgorithm": "aws:kms", "KMSMasterKeyID": {"Ref": "Key"}}, "BucketKeyEnabled": True}]}


def test_sse_kms_source_gets_a_replica_key_and_alias_in_the_secondary_region() -> None:
    data, after = fixed({"Key": {"Type": "AWS::KMS::Key", "Properties": {}}, "B": named(BucketEncryption=KMS_BY_KEY)})
    resources = after["Resources"]
    key, alias = resources["BReplicaBucketKey"], resources["BReplicaBucketKeyAlias"]
    assert key["Condition"] == alias["Condition"] == "IsSecondaryRegion"
    assert alias["Properties"] == {"AliasName": {"Fn::Sub": f"alias/{REPLICA}"},
                                   "TargetKeyId": {"Ref": "BReplicaBucketKey"}}
    assert resources["BReplicaBucket"]["Properties"]["BucketEncryption"] == {"ServerSideEncryptionConfiguration": [
        {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": {"Ref": "BReplicaBucketKey"}},
         "BucketKeyEnabled": True}]}
    rule = resources["B"]["Properties"]["ReplicationConfiguration"]["Fn::If"][1]["Rules"][0]
    assert rule["SourceSelectionCriteria"] == {"SseKmsEncryptedObjects": {"Status": "Enabled"}}
    # the primary cannot know the secondary key's ARN, but it can build its alias ARN
    assert rule["Destination"]["EncryptionConfiguration"] == {"ReplicaKmsKeyID": {
        "Fn::Sub": "arn:${AWS::Partition}:kms:${SecondaryRegion}:${AWS::AccountId}:alias/" + REPLICA}}
    statements = {s["Sid"]: s for s in resources["BReplicationPolicy"]["Properties"]["PolicyDocument"]["Statement"]}
    assert statements["DecryptSourceObjects"]["Resource"] == {"Fn::GetAtt": ["Key", "Arn"]}
    encrypt = statements["EncryptReplicas"]
    # a policy names keys by key ARN: an alias ARN in Resource would grant nothing
    assert encrypt["Resource"] == {"Fn::Sub": "arn:${AWS::Partition}:kms:${SecondaryRegion}:${AWS::AccountId}:key/*"}
    assert encrypt["Condition"]["ForAnyValue:StringEquals"] == {"kms:ResourceAliases": {"Fn::Sub": f"alias/{REPLICA}"}}
    assert encrypt["Condition"]["StringEquals"] == {
        "kms:ViaService": {"Fn::Sub": "s3.${SecondaryRegion}.amazonaws.com"}}
    assert not any(":alias/" in str(s["Resource"]) for s in statements.values())
    assert simulate(after) == [] and simulate_update(data, after) == []


@pytest.mark.parametrize("key, alias", [("alias/ledger", "alias/ledger"), (None, "alias/aws/s3"),
                                        ("arn:aws:kms:us-east-1:111122223333:alias/ledger", "alias/ledger")])
def test_a_source_key_known_by_alias_is_matched_by_its_alias(key, alias) -> None:
    default = {"SSEAlgorithm": "aws:kms", **({"KMSMasterKeyID": key} if key else {})}
    _, after = fixed({"B": named(BucketEncryption={"ServerSideEncryptionConfiguration": [
        {"ServerSideEncryptionByDefault": default}]})})
    statements = {s["Sid"]: s for s in after["Resources"]["BReplicationPolicy"]["Properties"]["PolicyDocument"][
        "Statement"]}
    decrypt = statements["DecryptSourceObjects"]
    assert decrypt["Resource"] == {"Fn::Sub": "arn:${AWS::Partition}:kms:${AWS::Region}:${AWS::AccountId}:key/*"}
    assert decrypt["Condition"]["ForAnyValue:StringEquals"] == {"kms:ResourceAliases": alias}


def test_a_source_key_from_a_parameter_gets_no_fix() -> None:
    encryption = {"ServerSideEncryptionConfiguration": [{"ServerSideEncryptionByDefault": {
        "SSEAlgorithm": "aws:kms", "KMSMasterKeyID": {"Ref": "KeyParam"}}}]}
    (finding,) = check({"B": named(BucketEncryption=encryption)}, Parameters={"KeyParam": {"Type": "String"}})
    assert finding.fix is None and "SSE-KMS key" in detail(finding)


@pytest.mark.parametrize("name, expected", [
    ({"Fn::Sub": "app-${Env}"}, {"Fn::Sub": "app-${Env}-replica"}),
    ({"Fn::Sub": ["app-${X}", {"X": {"Ref": "Env"}}]}, {"Fn::Sub": "app-${Env}-replica"}),
    ({"Ref": "Name"}, {"Fn::Sub": "${Name}-replica"}),
    ({"Fn::Join": ["-", ["app", {"Ref": "Env"}]]}, {"Fn::Sub": "app-${Env}-replica"}),
    ({"Fn::Sub": "app-${ AWS::Region }"}, {"Fn::Sub": "app-${PrimaryRegion}-replica"}),
    ("acme-data", "acme-data-replica"),
])
def test_replica_name(name, expected) -> None:
    _, after = fixed({"B": bucket(BucketName=name)}, Parameters={"Env": {"Type": "String", "MaxLength": 8},
                                                                "Name": {"Type": "String", "MaxLength": 40}})
    assert after["Resources"]["BReplicaBucket"]["Properties"]["BucketName"] == expected


@pytest.mark.parametrize("name, params, why", [
    ({"Fn::If": ["C", "a", "b"]}, {}, "no BucketName"),
    ({"Fn::Sub": "${AWS::StackName}-data"}, {}, "63 characters"),  # a stack name can be 128 characters
    ({"Fn::Sub": "app-${Env}"}, {"Env": {"Type": "String", "AllowedValues": ["dev", "x" * 55]}}, "63 characters"),
    ({"Ref": "Name"}, {"Name": {"Type": "String", "MaxLength": 63}}, "63 characters"),
])
def test_a_replica_name_both_regions_cannot_agree_on_gets_no_fix(name, params, why) -> None:
    (finding,) = check({"B": bucket(BucketName=name)}, Parameters=params)
    assert finding.fix is None and why in detail(finding)


def test_an_unbounded_naming_parameter_gets_the_bound_the_replica_name_needs() -> None:
    (finding,) = check({"B": bucket(BucketName={"Fn::Sub": "app-${Env}"})},
                       Parameters={"Env": {"Type": "String", "Default": "prod"}})
    assert ops_by_path(finding)["/Parameters/Env/MaxLength"]["value"] == 63 - len("app--replica")


# -- the replica keeps the source's data-management settings


def test_replica_keeps_lifecycle_and_expires_noncurrent_versions_once_versioning_is_on() -> None:
    lifecycle = {"Rules": [{"Id": "Expire", "Status": "Enabled", "ExpirationInDays": 90},
                           {"Id": "Archive", "Status": "Enabled",
                            "Transitions": [{"StorageClass": "GLACIER", "TransitionInDays": 30}]}]}
    (finding,) = check({"B": named(LifecycleConfiguration=lifecycle)})
    ops = ops_by_path(finding)
    expected = [{**lifecycle["Rules"][0], "NoncurrentVersionExpiration": {"NoncurrentDays": 90}},
                lifecycle["Rules"][1]]
    assert ops["/Resources/B/Properties/LifecycleConfiguration/Rules"]["value"] == expected
    replica = ops["/Resources/BReplicaBucket"]["value"]["Properties"]
    assert replica["LifecycleConfiguration"] == {"Rules": expected}


def test_lifecycle_copied_unchanged_when_versioning_was_already_on() -> None:
    lifecycle = {"Rules": [{"Id": "Expire", "Status": "Enabled", "ExpirationInDays": 90}]}
    (finding,) = check({"B": named(LifecycleConfiguration=lifecycle, VersioningConfiguration={"Status": "Enabled"})})
    ops = ops_by_path(finding)
    assert "/Resources/B/Properties/LifecycleConfiguration/Rules" not in ops
    assert ops["/Resources/BReplicaBucket"]["value"]["Properties"]["LifecycleConfiguration"] == lifecycle


def test_replica_logs_where_the_source_logs() -> None:
    logging = {"DestinationBucketName": {"Ref": "Logs"}, "LogFilePrefix": "data/"}
    logs = {"Type": "AWS::S3::Bucket", "Properties": {}}
    (finding,) = check({"B": named(LoggingConfiguration=logging), "Logs": logs})
    replica = ops_by_path(finding)["/Resources/BReplicaBucket"]["value"]["Properties"]
    assert replica["LoggingConfiguration"] == {"DestinationBucketName": {"Ref": "Logs"},
                                               "LogFilePrefix": "data/BReplicaBucket/"}


def test_a_replica_name_in_use_gets_no_fix() -> None:
    resources = {"B": bucket(BucketName="app"), "Other": bucket(BucketName="app-replica",
                                                                ReplicationConfiguration={"Role": "r"})}
    (finding,) = check(resources)
    assert finding.fix is None and "app-replica would not be the same" in detail(finding)


def test_ids_never_collide() -> None:
    resources = {"DataBucket": named(), "DataReplicationRole": {"Type": "AWS::IAM::Role"}}
    (finding,) = check(resources, Outputs={"DataReplicaBucket": {"Value": "x"}})
    paths = set(ops_by_path(finding))
    assert "/Resources/DataReplicaBucket2" in paths and "/Resources/DataReplicationRole2" in paths


def test_retention_copied_to_the_replica_only() -> None:
    resources = {"B": {**named(), "DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain"}}
    (finding,) = check(resources)
    ops = ops_by_path(finding)
    assert ops["/Resources/BReplicaBucket"]["value"]["DeletionPolicy"] == "Retain"
    assert ops["/Resources/BReplicaBucket"]["value"]["UpdateReplacePolicy"] == "Retain"
    assert "DeletionPolicy" not in ops["/Resources/BReplicationRole"]["value"]


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


# -- the layout applied whole, or not at all


def test_the_layout_is_completed_with_the_templates_own_global_names() -> None:
    data, after = fixed({"DataBucket": named(), "AppRole": {"Type": "AWS::IAM::Role", "Properties": {
        "RoleName": "app-role", "AssumeRolePolicyDocument": {}}}})
    assert after["Resources"]["AppRole"]["Properties"]["RoleName"] == {
        "Fn::If": ["IsSecondaryRegion", {"Fn::Sub": "app-role-${AWS::Region}"}, "app-role"]}
    assert simulate(after) == [] and simulate(after, swap=True) == [] and simulate_update(data, after) == []
    (finding,) = check(data["Resources"])
    assert "Name AppRole 'app-role-${AWS::Region}' in the secondary region only" in detail(finding)


def test_a_layout_that_cannot_deploy_whole_is_refused_with_the_reason() -> None:
    (finding,) = check({"DataBucket": named(), "Zone": {"Type": "AWS::Route53::HostedZone",
                                                        "Properties": {"Name": "example.com"}}})
    assert finding.fix is None
    assert "would not deploy whole" in detail(finding) and "public hosted zone" in detail(finding)


def test_conditioned_source_gets_no_fix() -> None:
    resources = {"Docs": {**named(), "Condition": "Always"}}
    (finding,) = check(resources, Conditions={"Always": {"Fn::Equals": ["a", "a"]}})
    assert finding.fix is None and "Condition" in detail(finding)


def test_the_same_stack_layout_is_deprecated_with_a_warning(capsys) -> None:
    from autofix.rules import dr

    dr._warned.clear()
    assert dr.FAMILY.settings["layout"].convert("layout", "same-stack") == "same-stack"
    assert dr.FAMILY.settings["layout"].convert("layout", "same-stack") == "same-stack"
    warned = capsys.readouterr().err.splitlines()
    assert warned == [dr.LAYOUT_DEPRECATED]  # one line, once
    assert "two-region layout" in warned[0] and "remove the key" in warned[0]
    # a configuration naming it still gets the region layout, not a failure
    (finding,) = check({"Docs": named()}, Settings(dr="true", family_settings={"dr": {"layout": "same-stack"}}))
    assert finding.fix is not None and "IsSecondaryRegion" in str(finding.fix.operations)
