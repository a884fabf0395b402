"""DP014 template-structure: the version, sections, resource attributes and logical ids."""

from __future__ import annotations

from rule_harness import applied, findings, template

from autofix.rules.dp._structure import resource_attributes, sections, valid_id
from autofix.rules.dp.dp014_template_structure import TemplateStructure

RULE = TemplateStructure()
TOPIC = {"Type": "AWS::SNS::Topic"}


def test_sections_and_attributes_come_from_the_template_schema() -> None:
    assert {"Resources", "Parameters", "Outputs", "Metadata"} <= set(sections())
    assert {"Type", "Properties", "DependsOn", "DeletionPolicy"} <= set(resource_attributes())


def test_valid_ids_join_capitalized_words() -> None:
    assert valid_id("prod-web_server.1") == "ProdWebServer1" and valid_id("--") is None


def test_version_and_unknown_sections() -> None:
    data = template({"T": TOPIC}, AWSTemplateFormatVersion="2010-09-10", outputs={"A": {"Value": "x"}},
                    Notes="free text", Paramters={"P": {"Type": "String"}})
    found = {f.pointer: f for f in findings(RULE, data)}
    how = {p: f.fix.applicability.value for p, f in found.items()}
    assert how == {"/AWSTemplateFormatVersion": "safe", "/outputs": "safe", "/Notes": "safe", "/Paramters": "unsafe"}
    fixed = applied(data, found.values())
    assert fixed["AWSTemplateFormatVersion"] == "2010-09-09" and fixed["Outputs"] == {"A": {"Value": "x"}}
    assert fixed["Metadata"] == {"Notes": "free text"} and "Parameters" in fixed


def test_a_top_level_resource_moves_only_when_its_references_resolve() -> None:
    sub = {"Type": "AWS::SNS::Subscription", "Properties": {"TopicArn": {"Ref": "T"}}}
    data = template({"T": TOPIC}, Sub=sub)
    (found,) = findings(RULE, data)
    assert applied(data, [found])["Resources"]["Sub"] == sub
    orphan = template({"T": TOPIC}, Sub={**sub, "Properties": {"TopicArn": {"Ref": "Missing"}}})
    (found,) = findings(RULE, orphan)
    assert found.fix is None


def test_attributes_by_case_by_guess_and_properties_moved_in() -> None:
    data = template({"Q": {"Type": "AWS::SQS::Queue", "properties": {}, "DependOn": "T", "DelaySeconds": 5},
                     "T": TOPIC})
    found = {f.pointer: f for f in findings(RULE, data)}
    assert {p: f.fix.applicability.value for p, f in found.items()} == {
        "/Resources/Q/properties": "safe", "/Resources/Q/DependOn": "unsafe", "/Resources/Q/DelaySeconds": "safe"}
    moved = applied(data, [found["/Resources/Q/DelaySeconds"]])["Resources"]["Q"]
    assert moved["Properties"] == {"DelaySeconds": 5} and "DelaySeconds" not in moved


def test_logical_ids_are_renamed_with_every_reference_in_one_fix() -> None:
    data = template({"my-topic": TOPIC,
                     "q": {"Type": "AWS::SQS::Queue", "DependsOn": ["my-topic"], "Properties": {
                         "QueueName": {"Fn::Sub": ["${my-topic.TopicName}-${x}", {"x": "1"}]},
                         "Tags": [{"Key": "t", "Value": {"Ref": "my-topic"}}]}}},
                    Outputs={"A": {"Value": {"Fn::GetAtt": "my-topic.TopicArn"}}})
    (found,) = findings(RULE, data)
    fixed = applied(data, [found])
    queue = fixed["Resources"]["q"]
    assert set(fixed["Resources"]) == {"MyTopic", "q"} and queue["DependsOn"] == ["MyTopic"]
    assert queue["Properties"]["QueueName"] == {"Fn::Sub": ["${MyTopic.TopicName}-${x}", {"x": "1"}]}
    assert queue["Properties"]["Tags"][0]["Value"] == {"Ref": "MyTopic"}
    assert fixed["Outputs"]["A"]["Value"] == {"Fn::GetAtt": "MyTopic.TopicArn"}


def test_transformed_templates_keep_their_own_structure() -> None:
    data = template({"Fn::ForEach::Topics": ["N", ["a"], {"T${N}": TOPIC}]}, Transform="AWS::LanguageExtensions",
                    Globals={})
    assert findings(RULE, data) == []
