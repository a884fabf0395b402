"""DP007 getatt-unknown-attribute: attributes from the schemas, the three fixes and what is left alone."""

from __future__ import annotations

from rule_harness import applied, findings, template

from autofix.rules.dp._attributes import attributes_of
from autofix.rules.dp.dp007_getatt_unknown_attribute import GetattUnknownAttribute

RULE = GetattUnknownAttribute()
CLUSTER = {"Type": "AWS::RDS::DBCluster", "Properties": {"Engine": "aurora-postgresql"}}


def test_attributes_come_from_read_only_properties_and_patterns() -> None:
    cluster = attributes_of("AWS::RDS::DBCluster", "us-east-1")
    assert cluster is not None
    assert cluster.accepts("ReadEndpoint.Address") and cluster.accepts("Endpoint.Port")
    assert not cluster.accepts("ReaderEndpoint.Address")
    efs = attributes_of("AWS::EFS::FileSystem", "us-east-1")
    assert efs is not None and efs.accepts("ReplicationConfiguration.Destinations.0.Status")
    # types whose properties or deploy-time outputs are attributes too are not judged
    assert attributes_of("AWS::SQS::Queue", "us-east-1") is None
    assert attributes_of("AWS::CloudFormation::Stack", "us-east-1") is None
    assert attributes_of("Custom::Thing", "us-east-1") is None


def test_case_is_a_safe_rename_in_both_getatt_forms_and_in_sub() -> None:
    data = template({"B": {"Type": "AWS::S3::Bucket"}},
                    Outputs={"A": {"Value": {"Fn::GetAtt": ["B", "arn"]}},
                             "C": {"Value": {"Fn::GetAtt": "B.ARN"}},
                             "D": {"Value": {"Fn::Sub": ["${B.arn}/*", {"X": "y"}]}}})
    found = findings(RULE, data)
    assert {f.fix.applicability.value for f in found} == {"safe"}
    fixed = applied(data, found)["Outputs"]
    assert fixed == {"A": {"Value": {"Fn::GetAtt": ["B", "Arn"]}}, "C": {"Value": {"Fn::GetAtt": "B.Arn"}},
                     "D": {"Value": {"Fn::Sub": ["${B.Arn}/*", {"X": "y"}]}}}


def test_close_spelling_is_an_unsafe_guess() -> None:
    data = template({"Db": CLUSTER}, Outputs={"R": {"Value": {"Fn::GetAtt": ["Db", "ReaderEndpoint.Address"]}}})
    (found,) = findings(RULE, data)
    assert found.fix.applicability.value == "unsafe"
    assert applied(data, [found])["Outputs"]["R"]["Value"] == {"Fn::GetAtt": ["Db", "ReadEndpoint.Address"]}
    assert len(found.message) <= 160 and "did you mean ReadEndpoint.Address" in found.message


def test_a_property_read_back_is_replaced_by_its_value_unless_that_makes_a_cycle() -> None:
    api = {"Type": "AWS::ApiGatewayV2::Api", "Properties": {"Name": {"Fn::Sub": "${AWS::StackName}-x"}}}
    data = template({"Api": api, "T": {"Type": "AWS::SNS::Topic",
                                       "Properties": {"DisplayName": {"Fn::GetAtt": ["Api", "Name"]}}}})
    (found,) = findings(RULE, data)
    assert found.fix.applicability.value == "safe"
    assert applied(data, [found])["Resources"]["T"]["Properties"]["DisplayName"] == {"Fn::Sub": "${AWS::StackName}-x"}
    looped = {"Type": "AWS::ApiGatewayV2::Api", "Properties": {"Name": {"Fn::GetAtt": ["T", "TopicName"]}}}
    data = template({"Api": looped, "T": {"Type": "AWS::SNS::Topic",
                                          "Properties": {"DisplayName": {"Fn::GetAtt": ["Api", "Name"]}}}})
    (found,) = findings(RULE, data)
    assert found.fix is None  # the copy would make T depend on itself


def test_unknown_attribute_without_candidate_is_reported_only() -> None:
    data = template({"B": {"Type": "AWS::S3::Bucket"}}, Outputs={"A": {"Value": {"Fn::GetAtt": ["B", "Owner"]}}})
    (found,) = findings(RULE, data)
    assert found.fix is None and found.pointer == "/Outputs/A/Value/Fn::GetAtt/1"


def test_valid_unjudged_and_transformed_templates_are_quiet() -> None:
    data = template({"Db": CLUSTER, "Q": {"Type": "AWS::SQS::Queue"}, "S": {"Type": "AWS::CloudFormation::Stack"}},
                    Outputs={"A": {"Value": {"Fn::GetAtt": ["Db", "Endpoint.Address"]}},
                             "B": {"Value": {"Fn::GetAtt": ["Q", "QueueName"]}},
                             "C": {"Value": {"Fn::GetAtt": ["S", "Outputs.VpcId"]}},
                             "D": {"Value": {"Fn::GetAtt": ["Missing", "Arn"]}}})
    assert findings(RULE, data) == []
    sam = template({"Db": CLUSTER}, Transform="AWS::Serverless-2016-10-31",
                   Outputs={"A": {"Value": {"Fn::GetAtt": ["Db", "Nope"]}}})
    assert findings(RULE, sam) == []
