"""HD008 lambda-permission-source-account: which S3 sources get SourceAccount, and how safely."""

from __future__ import annotations

from rule_harness import applied, findings, template

from autofix.rules.hd.hd008_lambda_permission_source_account import LambdaPermissionSourceAccount

RULE = LambdaPermissionSourceAccount()


def permission(source: object, **extra: object) -> dict:
    return {"Type": "AWS::Lambda::Permission", "Properties": {
        "FunctionName": "f", "Action": "lambda:InvokeFunction", "Principal": "s3.amazonaws.com",
        "SourceArn": source, **extra}}


def test_a_bucket_of_the_template_gets_the_stack_account_safely() -> None:
    data = template({"B": {"Type": "AWS::S3::Bucket"},
                     "P": permission({"Fn::Sub": "arn:${AWS::Partition}:s3:::${B}"})})
    (found,) = findings(RULE, data)
    assert found.fix.applicability.value == "safe"
    assert applied(data, [found])["Resources"]["P"]["Properties"]["SourceAccount"] == {"Ref": "AWS::AccountId"}


def test_a_bucket_named_by_arn_is_an_unsafe_fix() -> None:
    (found,) = findings(RULE, template({"P": permission("arn:aws:s3:::shared")}))
    assert found.fix.applicability.value == "unsafe"


def test_sources_with_an_account_or_given_one_are_quiet() -> None:
    data = template({"B": {"Type": "AWS::S3::Bucket"},
                     "P": permission({"Fn::GetAtt": ["B", "Arn"]}, SourceAccount="123456789012"),
                     "Q": permission("arn:aws:sns:us-east-1:123456789012:topic"),
                     "R": permission({"Ref": "SomeTopic"})})
    assert findings(RULE, data) == []
