"""DP008 s3-bucket-acl: private ACLs removed, log delivery moved to the policy, CloudFront log buckets kept."""

from __future__ import annotations

from rule_harness import applied, findings, template

from autofix.rules.dp.dp008_s3_bucket_acl import S3BucketAcl

RULE = S3BucketAcl()


def bucket(acl: str, **props: object) -> dict:
    return {"Type": "AWS::S3::Bucket", "Properties": {"AccessControl": acl, **props}}


def policy(target: str, statements: object) -> dict:
    return {"Type": "AWS::S3::BucketPolicy",
            "Properties": {"Bucket": {"Ref": target}, "PolicyDocument": {"Statement": statements}}}


def test_private_acls_are_removed_safely() -> None:
    data = template({"A": bucket("Private", BucketName="a"), "B": bucket("BucketOwnerRead")})
    found = findings(RULE, data)
    assert [f.fix.applicability.value for f in found] == ["safe", "safe"]
    fixed = applied(data, found)["Resources"]
    assert fixed["A"] == {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": "a"}}
    assert fixed["B"] == {"Type": "AWS::S3::Bucket"}


def test_log_delivery_gets_a_new_policy_with_the_bucket_condition() -> None:
    logs = {**bucket("LogDeliveryWrite"), "Condition": "Logging"}
    (found,) = findings(RULE, template({"Logs": logs}))
    assert found.fix.applicability.value == "unsafe"
    new = applied(template({"Logs": logs}), [found])["Resources"]["LogsPolicy"]
    assert new["Condition"] == "Logging" and new["Properties"]["Bucket"] == {"Ref": "Logs"}
    (statement,) = new["Properties"]["PolicyDocument"]["Statement"]
    assert statement["Principal"] == {"Service": "logging.s3.amazonaws.com"}
    assert statement["Resource"] == {"Fn::Sub": "${Logs.Arn}/*"}
    assert statement["Condition"] == {"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}}


def test_log_delivery_extends_the_one_policy_or_only_drops_the_acl_when_granted() -> None:
    deny = {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*"}
    data = template({"Logs": bucket("LogDeliveryWrite"), "P": policy("Logs", [deny])})
    (found,) = findings(RULE, data)
    statements = applied(data, [found])["Resources"]["P"]["Properties"]["PolicyDocument"]["Statement"]
    assert statements[0] == deny and statements[1]["Sid"] == "S3ServerAccessLogsDelivery"
    granted = {"Effect": "Allow", "Principal": {"Service": "logging.s3.amazonaws.com"}, "Action": "s3:PutObject",
               "Resource": "*"}
    (found,) = findings(RULE, template({"Logs": bucket("LogDeliveryWrite"), "P": policy("Logs", [granted])}))
    assert found.fix.applicability.value == "safe"
    assert [op["op"] for op in found.fix.operations] == ["remove"]


def test_unclear_policies_and_public_acls_are_reported_without_fix() -> None:
    two = template({"Logs": bucket("LogDeliveryWrite"), "P": policy("Logs", []), "Q": policy("Logs", [])})
    assert [f.fix for f in findings(RULE, two)] == [None]
    shaped = template({"Logs": bucket("LogDeliveryWrite"), "P": policy("Logs", {"Fn::If": ["C", [], []]})})
    assert [f.fix for f in findings(RULE, shaped)] == [None]
    public = template({"Site": bucket("PublicRead")})
    assert [f.fix for f in findings(RULE, public)] == [None]


def test_cloudfront_log_buckets_keep_their_acl() -> None:
    cdn = {"Type": "AWS::CloudFront::Distribution", "Properties": {"DistributionConfig": {
        "Logging": {"Bucket": {"Fn::GetAtt": ["Logs", "RegionalDomainName"]}}}}}
    data = template({"Logs": bucket("LogDeliveryWrite"), "Cdn": cdn})
    (found,) = findings(RULE, data)
    assert applied(data, [found])["Resources"]["Logs"]["Properties"] == {
        "AccessControl": "LogDeliveryWrite",
        "OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerPreferred"}]}}
    enabled = template({"Logs": bucket("LogDeliveryWrite", OwnershipControls={"Rules": []}), "Cdn": cdn})
    assert findings(RULE, enabled) == []
