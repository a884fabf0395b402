"""DP019 undeclared-parameter: which names are declared, and with which type."""

from __future__ import annotations

from rule_harness import applied, findings, template

from autofix.rules.dp.dp019_undeclared_parameter import UndeclaredParameter

RULE = UndeclaredParameter()


def fixed_one_by_one(data: dict) -> dict:
    """The template once every finding's fix is applied, each on the template the previous one left
    (as the engine does when fixes touch the same section)."""
    while found := findings(RULE, data):
        data = applied(data, found[:1])
    return data


def test_values_declared_nowhere_become_typed_parameters() -> None:
    data = template({"Q": {"Type": "AWS::SQS::Queue", "Properties": {
        "DelaySeconds": {"Ref": "Delay"}, "QueueName": {"Fn::Sub": "${Prefix}-q"}}},
        "S": {"Type": "AWS::EC2::Subnet", "Properties": {"VpcId": {"Ref": "Network"}, "CidrBlock": "10.0.0.0/24"}}})
    found = findings(RULE, data)
    assert {f.fix.applicability.value for f in found} == {"unsafe"}
    assert fixed_one_by_one(data)["Parameters"] == {
        "Delay": {"Type": "Number"}, "Prefix": {"Type": "String"}, "Network": {"Type": "AWS::EC2::VPC::Id"}}


def test_disagreeing_uses_fall_back_to_string() -> None:
    data = template({"Q": {"Type": "AWS::SQS::Queue", "Properties": {
        "DelaySeconds": {"Ref": "X"}, "QueueName": {"Ref": "X"}}}})
    (found,) = findings(RULE, data)
    assert found.fix.operations[0]["value"] == {"X": {"Type": "String"}}


def test_resources_typos_pseudo_and_transforms_are_left_alone() -> None:
    data = template({"T": {"Type": "AWS::SNS::Topic", "DependsOn": "Gone", "Properties": {
        "TopicName": {"Fn::Sub": "${Enviroment}-${AWS::Region}-${Missing.Arn}-${Gone}-${aws:username}"},
        "DisplayName": {"Ref": "Missing"}, "Tags": [{"Key": "k", "Value": {"Ref": "AWS::Regoin"}}]}}},
        Parameters={"Environment": {"Type": "String"}})
    assert findings(RULE, data) == []
    script = template({"I": {"Type": "AWS::EC2::Instance", "Properties": {
        "UserData": {"Fn::Base64": {"Fn::Sub": "#!/bin/bash\necho ${PORT}"}}}}})
    assert findings(RULE, script) == []
    sam = template({"T": {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": {"Ref": "X"}}}},
                   Transform="AWS::Serverless-2016-10-31")
    assert findings(RULE, sam) == []


def test_a_module_resource_is_no_missing_parameter() -> None:
    """``!Ref ModuleResource`` beside the module ``Module`` (cfn-lint's own fixture): the module declares it."""
    data = template({"Module": {"Type": "My::S3::Bucket::MODULE", "Properties": {}}},
                    Outputs={"O": {"Value": {"Ref": "ModuleResource"}}, "P": {"Value": {"Fn::Sub": "${ModuleQueue}"}}})
    assert findings(RULE, data) == []
    data["Resources"]["Module"]["Type"] = "AWS::S3::Bucket"
    assert [f.pointer for f in findings(RULE, data)] == ["/Outputs/O/Value/Ref", "/Outputs/P/Value/Fn::Sub"]
