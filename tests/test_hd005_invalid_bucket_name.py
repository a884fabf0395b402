"""HD005 invalid-bucket-name."""

from __future__ import annotations

from rule_harness import findings

from autofix.rules.hd.hd005_invalid_bucket_name import InvalidBucketName
from autofix.settings import Settings

RULE = InvalidBucketName()


def check(name, params=None, **extra):
    data = {"Parameters": params or {},
            "Resources": {"B": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": name}}}, **extra}
    return findings(RULE, data, Settings())


def test_valid_names_are_fine():
    params = {"Env": {"Type": "String", "Default": "dev", "AllowedValues": ["dev", "prod"]}}
    assert check({"Fn::Sub": "logs-${Env}-${AWS::AccountId}-${AWS::Region}"}, params) == []
    assert check({"Fn::Sub": "logs-${Other.Arn}"}) == []  # unknown value


def test_literal_parts_are_lower_cased():
    (f,) = check({"Fn::Sub": "My_Logs-${AWS::AccountId}"})
    assert f.fix.operations == ({"op": "replace", "path": "/Resources/B/Properties/BucketName/Fn::Sub",
                                 "value": "my-logs-${AWS::AccountId}"},)


def test_parameter_values_drop_the_name():
    params = {"Env": {"Type": "String", "Default": "Prod"}}
    (f,) = check({"Fn::Sub": "logs-${Env}"}, params)
    assert f.fix.operations == ({"op": "remove", "path": "/Resources/B/Properties/BucketName"},)
    (g,) = check({"Fn::Sub": "${AWS::StackName}-${Env}"}, params)  # cfn-lint reports W1031: the parameter
    assert g.fix.operations == f.fix.operations


def test_a_name_only_the_stack_name_makes_invalid_is_reported_without_a_fix():
    """cfn-lint resolves the stack name as a lower-case one and reports nothing: no default fix."""
    (f,) = check({"Fn::Sub": "${AWS::StackName}-logs-${AWS::AccountId}"})
    assert f.fix is None
    assert "stack names may hold upper case" in f.detail and "replaces the bucket" in f.detail
    assert "'StackName-logs-123456789012'" in f.message


def test_upper_case_beside_the_stack_name_keeps_the_fix():
    """``${AWS::StackName}-Logs``: cfn-lint reports W1031 for the literal text."""
    (f,) = check({"Fn::Sub": "${AWS::StackName}-Logs"})
    assert f.fix.operations == ({"op": "remove", "path": "/Resources/B/Properties/BucketName"},)


def test_too_long_with_the_longest_value():
    params = {"Env": {"Type": "String", "Default": "d", "AllowedValues": ["d", "x" * 60]}}
    (f,) = check({"Fn::Sub": "logs-${Env}"}, params)
    assert f.fix.operations[0]["op"] == "remove"


def test_repeated_name_is_not_dropped():
    params = {"Env": {"Type": "String", "Default": "Prod"}}
    (f,) = check({"Fn::Sub": "logs-${Env}"}, params, Outputs={"O": {"Value": {"Fn::Sub": "arn:aws:s3:::logs-${Env}"}}})
    assert f.fix is None
