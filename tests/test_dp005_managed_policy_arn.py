"""DP005 managed-policy-arn: the correction table and where ARNs are read."""

from __future__ import annotations

from rule_harness import findings

from autofix.rules.dp._managed_policies import NO_PATH, RENAMED, SERVICE_ROLE, corrected
from autofix.rules.dp.dp005_managed_policy_arn import ManagedPolicyArn
from autofix.settings import Settings

RULE = ManagedPolicyArn()


def test_table_is_consistent():
    assert not SERVICE_ROLE & NO_PATH
    assert all(new in SERVICE_ROLE | NO_PATH for new in RENAMED.values())


def test_corrections():
    assert corrected("service-role/ConfigRole") == "service-role/AWS_ConfigRole"
    assert corrected("AWSConfigRole") == "service-role/AWS_ConfigRole"
    assert corrected("AWSLambdaBasicExecutionRole") == "service-role/AWSLambdaBasicExecutionRole"
    assert corrected("service-role/CloudWatchAgentServerPolicy") == "CloudWatchAgentServerPolicy"
    assert corrected("service-role/AWSLambdaBasicExecutionRole") is None
    assert corrected("job-function/ViewOnlyAccess") is None
    assert corrected("Unknown") is None


def test_owners_and_forms():
    res = {"R": {"Type": "AWS::IAM::Role", "Properties": {"ManagedPolicyArns": [
               "arn:aws:iam::aws:policy/AWSLambdaVPCAccessExecutionRole",
               {"Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/service-role/ConfigRole"},
               {"Fn::Join": ["", ["arn:aws:iam::aws:policy/", "AWSLambdaRole"]]}]}},
           "U": {"Type": "AWS::IAM::User", "Properties": {"ManagedPolicyArns": [
               "arn:aws-us-gov:iam::aws:policy/service-role/ReadOnlyAccess"]}},
           "F": {"Type": "AWS::Serverless::Function", "Properties": {"Policies": [
               "AWSLambdaBasicExecutionRole", "arn:aws:iam::aws:policy/AWSLambdaBasicExecutionRole"]}}}
    got = {f.pointer: f.fix.operations[0]["value"] for f in findings(RULE, {"Resources": res}, Settings())}
    assert got == {
        "/Resources/R/Properties/ManagedPolicyArns/0":
            "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole",
        "/Resources/R/Properties/ManagedPolicyArns/1/Fn::Sub":
            "arn:${AWS::Partition}:iam::aws:policy/service-role/AWS_ConfigRole",
        "/Resources/U/Properties/ManagedPolicyArns/0": "arn:aws-us-gov:iam::aws:policy/ReadOnlyAccess",
        "/Resources/F/Properties/Policies/1": "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
    }
