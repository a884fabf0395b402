"""DR006 replication-destination-missing: detector, generated bucket and DR001 cooperation."""

from __future__ import annotations

import json

import pytest
from rule_harness import applied, findings

from autofix.pipeline import process_text
from autofix.rules.dr._deploy import simulate
from autofix.rules.dr.dr006_replication_destination_missing import ReplicationDestinationMissing
from autofix.settings import Settings

RULE = ReplicationDestinationMissing()
PARAMS = {"EnvironmentSuffix": {"Type": "String"}, "SecondaryRegion": {"Type": "String"},
          "DRRegion": {"Type": "String"}, "ReplicaArn": {"Type": "String"},
          "DestinationAccount": {"Type": "String"}, "BucketName": {"Type": "String"}}


def source(dest, **extra) -> dict:
    rule = {"Status": "Enabled", "Prefix": "", "Destination": {"Bucket": dest}}
    return {"Type": "AWS::S3::Bucket", **extra, "Properties": {
        "VersioningConfiguration": {"Status": "Enabled"},
        "ReplicationConfiguration": {"Role": "arn:aws:iam::123456789012:role/r", "Rules": [rule]}}}


def check(resources: dict, settings: Settings | None = None) -> list:
    return findings(RULE, {"Parameters": PARAMS, "Resources": resources}, settings or Settings())


def ops_by_path(finding) -> dict:
    return {op["path"]: op for op in finding.fix.operations}


def detail(finding) -> str:
    return finding.detail


@pytest.mark.parametrize("dest, name", [
    ({"Fn::Sub": "arn:aws:s3:::${AWS::StackName}-replica-${AWS::AccountId}"}, None),  # a stack name is unbounded
    ({"Fn::Sub": "arn:${AWS::Partition}:s3:::app-${EnvironmentSuffix}-replica"},
     {"Fn::Sub": "app-${EnvironmentSuffix}-replica"}),
    ({"Fn::Join": ["", ["arn:aws:s3:::app-", {"Ref": "EnvironmentSuffix"}]]}, {"Fn::Sub": "app-${EnvironmentSuffix}"}),
    ("arn:aws:s3:::acme-app-replica", "acme-app-replica"),
])
def test_the_destination_named_by_arn_is_created_in_the_secondary_region(dest, name) -> None:
    (finding,) = check({"DataBucket": source(dest)})
    assert finding.pointer == "/Resources/DataBucket/Properties/ReplicationConfiguration/Rules/0/Destination/Bucket"
    if name is None:
        assert finding.fix is None and "63 characters" in detail(finding)
        return
    assert finding.fix.applicability.value == "unsafe"
    ops = ops_by_path(finding)
    new = ops["/Resources/DataReplicaBucket"]["value"]
    assert new["Condition"] == "IsSecondaryRegion" and new["Properties"]["BucketName"] == name
    assert new["Properties"]["VersioningConfiguration"] == {"Status": "Enabled"}
    assert all(new["Properties"]["PublicAccessBlockConfiguration"].values())
    assert new["Properties"]["BucketEncryption"]["ServerSideEncryptionConfiguration"][0][
        "ServerSideEncryptionByDefault"] == {"SSEAlgorithm": "AES256"}
    config = ops["/Resources/DataBucket/Properties/ReplicationConfiguration"]["value"]["Fn::If"]
    assert config[0] == "ReplicateToSecondaryRegion"
    assert "/Resources/DataBucket/DependsOn" not in ops  # the destination is in the other region
    assert "S3 Batch Replication" in detail(finding)


def test_the_name_both_regions_compute_is_the_primarys() -> None:
    dest = {"Fn::Sub": "arn:aws:s3:::app-${EnvironmentSuffix}-${AWS::Region}-replica"}
    (finding,) = check({"DataBucket": source(dest)})
    bucket = ops_by_path(finding)["/Resources/DataReplicaBucket"]["value"]
    assert bucket["Properties"]["BucketName"] == {"Fn::Sub": "app-${EnvironmentSuffix}-${PrimaryRegion}-replica"}


def named_source(dest, **extra) -> dict:
    resource = source(dest, **extra)
    resource["Properties"]["BucketName"] = {"Fn::Sub": "media-${AWS::AccountId}"}
    return resource


def test_a_destination_known_only_by_logical_id_is_named_after_the_source_and_addressed_by_arn() -> None:
    data = {"Parameters": PARAMS, "Resources": {
        "Src": named_source({"Ref": "Dest"}),
        "Policy": {"Type": "AWS::IAM::Policy", "Properties": {"PolicyName": "p", "Roles": ["r"], "PolicyDocument": {
            "Statement": [{"Effect": "Allow", "Action": "s3:ReplicateObject",
                           "Resource": {"Fn::Sub": "${Dest.Arn}/*"}}]}}}}}
    (finding,) = findings(RULE, data, Settings())
    after = applied(data, [finding])
    dest = after["Resources"]["Dest"]
    assert dest["Condition"] == "IsSecondaryRegion"
    assert dest["Properties"]["BucketName"] == {"Fn::Sub": "media-${AWS::AccountId}-replica"}
    arn = "arn:${AWS::Partition}:s3:::media-${AWS::AccountId}-replica"
    rule = after["Resources"]["Src"]["Properties"]["ReplicationConfiguration"]["Fn::If"][1]["Rules"][0]
    assert rule["Destination"]["Bucket"] == {"Fn::Sub": arn}  # by ARN: the primary has no Dest to refer to
    assert after["Resources"]["Policy"]["Properties"]["PolicyDocument"]["Statement"][0]["Resource"] == {
        "Fn::Sub": arn + "/*"}
    assert simulate(after) == [] and simulate(after, swap=True) == []


def test_a_destination_known_only_by_logical_id_of_an_unnamed_source_gets_no_fix() -> None:
    (finding,) = check({"Src": source({"Fn::GetAtt": ["Missing", "Arn"]})})
    assert finding.fix is None and "no BucketName to name it after" in detail(finding)


@pytest.mark.parametrize("dest", [
    {"Ref": "ReplicaArn"},
    {"Fn::Sub": "arn:aws:s3:::docs-${SecondaryRegion}-${EnvironmentSuffix}"},
    {"Fn::Sub": "arn:aws:s3:::docs-${DRRegion}"},
    {"Fn::Sub": "arn:aws:s3:::${BucketName}"},
    {"Fn::Select": [0, {"Ref": "Buckets"}]},
    {"Fn::ImportValue": "dr-bucket-arn"},
    "arn:aws:s3:::acme-backups-eu-central-1",
    {"Fn::Sub": "arn:aws:s3:::${Unknown}-x"},
    {"Fn::GetAtt": ["Src", "DomainName"]},
    {"Ref": "AWS::NoValue"},
    {"Fn::If": ["C", {"Ref": "ReplicaArn"}, {"Ref": "AWS::NoValue"}]},
    "not-an-arn",
])
def test_deployed_elsewhere_or_unknown(dest) -> None:
    assert check({"Src": source(dest)}) == []


def test_cross_account_destination() -> None:
    resource = source({"Fn::Sub": "arn:aws:s3:::${AWS::StackName}-backup"})
    resource["Properties"]["ReplicationConfiguration"]["Rules"][0]["Destination"]["Account"] = {
        "Ref": "DestinationAccount"}
    assert check({"Src": resource}) == []


@pytest.mark.parametrize("dest, other", [
    ({"Fn::Sub": "arn:aws:s3:::app-${EnvironmentSuffix}"}, {"Fn::Join": ["-", ["app", {"Ref": "EnvironmentSuffix"}]]}),
    ({"Fn::Sub": "arn:aws:s3:::${Copy}"}, "whatever"),
    ({"Fn::GetAtt": ["Copy", "Arn"]}, "whatever"),
    ("arn:aws:s3:::literal-copy", {"Fn::If": ["C", "literal-copy", {"Ref": "AWS::NoValue"}]}),
])
def test_defined_here(dest, other) -> None:
    resources = {"Src": source(dest), "Copy": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": other}}}
    assert check(resources) == []


def test_a_conditioned_source_gets_no_fix() -> None:
    (finding,) = check({"Src": source("arn:aws:s3:::acme-copy", Condition="IsProd")})
    assert finding.fix is None and "Condition" in detail(finding)


def test_replica_kms_key_encrypts_the_new_bucket() -> None:
    resource = source("arn:aws:s3:::acme-copy")
    resource["Properties"]["ReplicationConfiguration"]["Rules"][0]["Destination"]["EncryptionConfiguration"] = {
        "ReplicaKmsKeyID": "arn:aws:kms:us-west-2:123456789012:key/abc"}
    (finding,) = check({"Src": resource})
    default = ops_by_path(finding)["/Resources/SrcReplicaBucket"]["value"]["Properties"]["BucketEncryption"][
        "ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"]
    assert default == {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": "arn:aws:kms:us-west-2:123456789012:key/abc"}
    # a key of this stack lives in the primary region: no key for a bucket of the secondary one
    resource["Properties"]["ReplicationConfiguration"]["Rules"][0]["Destination"]["EncryptionConfiguration"] = {
        "ReplicaKmsKeyID": {"Fn::GetAtt": ["Key", "Arn"]}}
    (finding,) = check({"Src": resource, "Key": {"Type": "AWS::KMS::Key", "Properties": {}}})
    assert finding.fix is None and "ReplicaKmsKeyID" in detail(finding)


@pytest.mark.parametrize("props", [
    {"ReplicationConfiguration": None},
    {"ReplicationConfiguration": {"Rules": "x"}},
    {"ReplicationConfiguration": {"Rules": [None, {"Destination": "x"}, {"Destination": [1]}]}},
    {"ReplicationConfiguration": {"Rules": [{"Destination": {"Bucket": {"Fn::Sub": ["arn:aws:s3:::${X}", {
        "X": {"Fn::If": ["C", "a", "b"]}}]}}}]}},
    {"ReplicationConfiguration": {"Fn::If": ["C"]}},
])
def test_messy_shapes_do_not_crash(props) -> None:
    check({"B": {"Type": "AWS::S3::Bucket", "Properties": props}})


def _fix(text: str, select: tuple[str, ...]) -> str:
    result = process_text(text, "t.json", Settings(select=select, unsafe_fixes=True, dr="true"), fix=True)
    assert not result.errors, result.errors
    return result.fixed if result.changed else text


def test_cooperation_with_dr001_does_not_depend_on_order() -> None:
    template = {"Resources": {
        "Logs": named_source({"Fn::Sub": "arn:aws:s3:::logs-${AWS::AccountId}-copy"}),
        "Receipts": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": "acme-receipts"}},
    }}
    text = json.dumps(template, indent=2)
    both = _fix(text, ("DR001", "DR006"))
    first_006 = _fix(_fix(text, ("DR006",)), ("DR001",))
    first_001 = _fix(_fix(text, ("DR001",)), ("DR006",))
    assert json.loads(both) == json.loads(first_006) == json.loads(first_001)
    # neither rule fires on what the other added
    assert _fix(both, ("DR001", "DR006")) == both
    data = json.loads(both)
    assert {"LogsReplicaBucket", "ReceiptsReplicaBucket"} <= set(data["Resources"])
    assert simulate(data) == [] and simulate(data, swap=True) == []


def test_new_destination_keeps_the_source_lifecycle_and_logging() -> None:
    src = named_source({"Fn::GetAtt": ["Missing", "Arn"]})
    src["Properties"]["LifecycleConfiguration"] = {"Rules": [{"Status": "Enabled", "ExpirationInDays": 30}]}
    src["Properties"]["LoggingConfiguration"] = {"DestinationBucketName": "logs-bucket"}
    (finding,) = check({"Src": src})
    props = ops_by_path(finding)["/Resources/Missing"]["value"]["Properties"]
    assert props["LifecycleConfiguration"] == src["Properties"]["LifecycleConfiguration"]
    assert props["LoggingConfiguration"] == {"DestinationBucketName": "logs-bucket", "LogFilePrefix": "Missing/"}
