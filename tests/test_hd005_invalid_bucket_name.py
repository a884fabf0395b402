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


def test_parameter_values_or_stack_name_drop_the_name():
    params = {"Env": {"Type": "String", "Default": "Prod"}}
    (f,) = check({"Fn::Sub": "logs-${Env}"}, params)
    assert f.fix.operations == ({"op": "remove", "path": "/Resources/B/Properties/BucketName"},)
    (g,) = check({"Fn::Sub": "${AWS::StackName}-logs"})
    assert g.fix.operations[0]["op"] == "remove"


def test_too_long_with_the_longest_value():
    params = {"Env": {"Type": "String", "Default": "d", "AllowedValues": ["d", "x" * 60]}}
    (f,) = check({"Fn::Sub": "logs-${Env}"}, params)
    assert f.fix.operations[0]["op"] == "remove"


def test_repeated_name_is_not_dropped():
    params = {"Env": {"Type": "String", "Default": "Prod"}}
    (f,) = check({"Fn::Sub": "logs-${Env}"}, params, Outputs={"O": {"Value": {"Fn::Sub": "arn:aws:s3:::logs-${Env}"}}})
    assert f.fix is None
