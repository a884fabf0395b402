"""DR006 replication-destination-missing: detector, generated bucket and DR001 cooperation."""

from __future__ import annotations

import json

import pytest
from rule_harness import findings

from autofix.pipeline import process_text
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


#: most tests check the created bucket, the same in both layouts; the same-stack layout (only by
#: configuration) keeps them short.  The region layout (default) is tested at the end.
SAME_STACK = Settings(family_settings={"dr": {"layout": "same-stack"}})


def check(resources: dict, settings: Settings = SAME_STACK) -> list:
    return findings(RULE, {"Parameters": PARAMS, "Resources": resources}, settings)


def ops_by_path(finding) -> dict:
    return {op["path"]: op for op in finding.fix.operations}


@pytest.mark.parametrize("dest", [
    {"Fn::Sub": "arn:aws:s3:::${AWS::StackName}-replica-${AWS::AccountId}"},
    {"Fn::Sub": "arn:${AWS::Partition}:s3:::app-${EnvironmentSuffix}-replica"},
    {"Fn::Join": ["", ["arn:aws:s3:::app-", {"Ref": "EnvironmentSuffix"}]]},
    "arn:aws:s3:::acme-app-replica",
])
def test_stack_built_missing_destination(dest) -> None:
    (finding,) = check({"DataBucket": source(dest)})
    assert finding.pointer == "/Resources/DataBucket/Properties/ReplicationConfiguration/Rules/0/Destination/Bucket"
    assert finding.fix.applicability.value == "unsafe"  # a named bucket without account and region in its name
    assert "this stack's region" in finding.message and "secondary region" in finding.message
    ops = ops_by_path(finding)
    new = ops["/Resources/DataReplicaBucket"]["value"]
    assert new["Properties"]["VersioningConfiguration"] == {"Status": "Enabled"}
    assert all(new["Properties"]["PublicAccessBlockConfiguration"].values())
    assert new["Properties"]["BucketEncryption"]["ServerSideEncryptionConfiguration"][0][
        "ServerSideEncryptionByDefault"] == {"SSEAlgorithm": "AES256"}
    assert ops["/Resources/DataBucket/DependsOn"] == {"op": "add", "path": "/Resources/DataBucket/DependsOn",
                                                       "value": "DataReplicaBucket"}


def test_bucket_name_matches_the_arn() -> None:
    (finding,) = check({"DataBucket": source({"Fn::Sub": "arn:aws:s3:::app-${EnvironmentSuffix}-replica"})})
    assert ops_by_path(finding)["/Resources/DataReplicaBucket"]["value"]["Properties"]["BucketName"] == {
        "Fn::Sub": "app-${EnvironmentSuffix}-replica"}
    (literal,) = check({"DataBucket": source("arn:aws:s3:::acme-app-replica")})
    assert ops_by_path(literal)["/Resources/DataReplicaBucket"]["value"]["Properties"][
        "BucketName"] == "acme-app-replica"


@pytest.mark.parametrize("depends, expected", [
    ("Role", {"op": "replace", "path": "/Resources/DataBucket/DependsOn", "value": ["Role", "DataReplicaBucket"]}),
    (["Role", "Key"], {"op": "add", "path": "/Resources/DataBucket/DependsOn/-", "value": "DataReplicaBucket"}),
])
def test_depends_on_merged(depends, expected) -> None:
    (finding,) = check({"DataBucket": source("arn:aws:s3:::acme-x", DependsOn=depends)})
    assert expected in finding.fix.operations


def test_missing_logical_id_by_getatt_and_ref() -> None:
    (getatt,) = check({"Src": source({"Fn::GetAtt": ["Dest", "Arn"]})})
    assert [op["path"] for op in getatt.fix.operations] == ["/Resources/Dest"]
    (ref,) = check({"Src": source({"Ref": "Dest"})})
    assert {"op": "replace", "path": ref.pointer, "value": {"Fn::GetAtt": ["Dest", "Arn"]}} in ref.fix.operations
    assert "BucketName" not in ops_by_path(ref)["/Resources/Dest"]["value"]["Properties"]


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


def test_destination_inside_fn_if_and_condition_copied() -> None:
    resource = source("arn:aws:s3:::acme-copy", Condition="IsProd")
    config = resource["Properties"]["ReplicationConfiguration"]
    resource["Properties"]["ReplicationConfiguration"] = {"Fn::If": ["On", config, {"Ref": "AWS::NoValue"}]}
    (finding,) = check({"Src": resource})
    assert "/Fn::If/1/" in finding.pointer
    assert ops_by_path(finding)["/Resources/SrcReplicaBucket"]["value"]["Condition"] == "IsProd"


def test_replica_kms_key_encrypts_the_new_bucket() -> None:
    resource = source("arn:aws:s3:::acme-copy")
    resource["Properties"]["ReplicationConfiguration"]["Rules"][0]["Destination"]["EncryptionConfiguration"] = {
        "ReplicaKmsKeyID": "arn:aws:kms:us-east-1:123456789012:key/abc"}
    (finding,) = check({"Src": resource})
    default = ops_by_path(finding)["/Resources/SrcReplicaBucket"]["value"]["Properties"]["BucketEncryption"][
        "ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"]
    assert default == {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": "arn:aws:kms:us-east-1:123456789012:key/abc"}


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
    result = process_text(text, "t.json", Settings(select=select, unsafe_fixes=True, dr="true",
                                                     family_settings={"dr": {"layout": "same-stack"}}), fix=True)
    assert not result.errors, result.errors
    return result.fixed if result.changed else text


def test_cooperation_with_dr001_does_not_depend_on_order() -> None:
    template = {"Resources": {
        "Logs": source({"Fn::Sub": "arn:aws:s3:::logs-${AWS::AccountId}-copy"}),
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


def test_named_bucket_is_unsafe_unless_account_and_region_make_it_unique() -> None:
    (literal,) = check({"Src": source("arn:aws:s3:::acme-app-replica")})
    assert literal.fix.applicability.value == "unsafe" and "global per partition" in literal.message
    (unique,) = check({"Src": source({"Fn::Sub": "arn:aws:s3:::app-${AWS::AccountId}-${AWS::Region}-replica"})})
    assert unique.fix.applicability.value == "safe"
    (by_id,) = check({"Src": source({"Fn::GetAtt": ["Missing", "Arn"]})})
    assert by_id.fix.applicability.value == "safe"  # CloudFormation names it


def test_new_destination_keeps_the_source_lifecycle_and_logging() -> None:
    src = source({"Fn::GetAtt": ["Missing", "Arn"]})
    src["Properties"]["LifecycleConfiguration"] = {"Rules": [{"Status": "Enabled", "ExpirationInDays": 30}]}
    src["Properties"]["LoggingConfiguration"] = {"DestinationBucketName": "logs-bucket"}
    (finding,) = check({"Src": src})
    props = ops_by_path(finding)["/Resources/Missing"]["value"]["Properties"]
    assert props["LifecycleConfiguration"] == src["Properties"]["LifecycleConfiguration"]
    assert props["LoggingConfiguration"] == {"DestinationBucketName": "logs-bucket", "LogFilePrefix": "Missing/"}


# -- the region layout (default)


def test_region_layout_creates_the_destination_in_the_secondary_region_only() -> None:
    dest = {"Fn::Sub": "arn:aws:s3:::app-${EnvironmentSuffix}-${AWS::Region}-replica"}
    (finding,) = check({"DataBucket": source(dest)}, Settings())
    assert finding.fix.applicability.value == "unsafe"
    ops = ops_by_path(finding)
    bucket = ops["/Resources/DataReplicaBucket"]["value"]
    assert bucket["Condition"] == "IsSecondaryRegion"
    # both regions compute the primary's name
    assert bucket["Properties"]["BucketName"] == {"Fn::Sub": "app-${EnvironmentSuffix}-${PrimaryRegion}-replica"}
    config = ops["/Resources/DataBucket/Properties/ReplicationConfiguration"]["value"]["Fn::If"]
    assert config[0] == "ReplicateToSecondaryRegion"
    assert "/Resources/DataBucket/DependsOn" not in ops  # the destination is in the other region


def test_region_layout_gives_no_fix_for_a_destination_known_only_by_logical_id() -> None:
    (finding,) = check({"DataBucket": source({"Fn::GetAtt": ["Missing", "Arn"]})}, Settings())
    assert finding.fix is None and "name the destination by ARN" in finding.message
