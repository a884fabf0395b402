"""DP004 name-where-arn-required: where an ARN is required and which Refs are names."""

from __future__ import annotations

from rule_harness import findings

from autofix.rules.dp.dp004_name_where_arn_required import NameWhereArnRequired
from autofix.settings import Settings

RULE = NameWhereArnRequired()


def fixes(resources):
    return {f.pointer: f.fix.operations[0]["value"] for f in findings(RULE, {"Resources": resources}, Settings())}


def statement(resource):
    return {"Type": "AWS::IAM::Policy", "Properties": {"PolicyDocument": {"Statement": [
        {"Effect": "Allow", "Action": "*", "Resource": resource}]}}}


def test_policy_resource_forms():
    got = fixes({"B": {"Type": "AWS::S3::Bucket"}, "K": {"Type": "AWS::KMS::Key"},
                 "P": statement([{"Ref": "B"}, {"Fn::Sub": "${B}/*"}, {"Fn::Sub": ["${B}/x", {"Y": "y"}]},
                                 {"Ref": "K"}])})
    base = "/Resources/P/Properties/PolicyDocument/Statement/0/Resource"
    assert got == {f"{base}/0": {"Fn::GetAtt": ["B", "Arn"]}, f"{base}/1/Fn::Sub": "${B.Arn}/*",
                   f"{base}/2/Fn::Sub/0": "${B.Arn}/x", f"{base}/3": {"Fn::GetAtt": ["K", "Arn"]}}


def test_refs_that_are_arns_and_sub_shadowing_are_left_alone():
    got = fixes({"B": {"Type": "AWS::S3::Bucket"}, "T": {"Type": "AWS::SNS::Topic"},
                 "P": statement([{"Ref": "T"}, {"Fn::Sub": ["${B}/*", {"B": "arn:aws:s3:::other"}]},
                                 {"Fn::Sub": "arn:aws:s3:::${B}/*"}, "*"])})
    assert got == {}


def test_arn_properties_lambda_role_and_fn_if():
    got = fixes({"R": {"Type": "AWS::IAM::Role"},
                 "F": {"Type": "AWS::Lambda::Function", "Properties": {
                     "Role": {"Fn::If": ["C", {"Ref": "R"}, "arn:aws:iam::123456789012:role/x"]},
                     "Environment": {"Variables": {"ROLE_ARN": {"Ref": "R"}}}}},
                 "T": {"Type": "AWS::ECS::TaskDefinition", "Properties": {"TaskRoleArn": {"Ref": "R"}}}})
    assert got == {"/Resources/F/Properties/Role/Fn::If/1": {"Fn::GetAtt": ["R", "Arn"]},
                   "/Resources/T/Properties/TaskRoleArn": {"Fn::GetAtt": ["R", "Arn"]}}
