"""DP006 dangling-reference: typo matching and the rewrites."""

from __future__ import annotations

from rule_harness import findings

from autofix.rules.dp.dp006_dangling_reference import DanglingReference, one_edit, typo_target
from autofix.settings import Settings

RULE = DanglingReference()


def check(data):
    return findings(RULE, data, Settings())


def test_one_edit():
    assert one_edit("enviroment", "environment")
    assert one_edit("abcd", "abdc")
    assert one_edit("bucket1", "bucket2")
    assert not one_edit("abc", "abc")
    assert not one_edit("bucket", "buckets22")


def test_typo_target_needs_one_clear_candidate():
    assert typo_target("mybucket", ["MyBucket", "Other"]) == "MyBucket"
    assert typo_target("Bucket3", ["Bucket1", "Bucket2"]) is None
    assert typo_target("Ab", ["Ac"]) is None  # too short to call it a typo


def test_ref_getatt_and_sub_renamed():
    data = {"Parameters": {"EnvironmentName": {"Type": "String"}},
            "Resources": {"DataBucket": {"Type": "AWS::S3::Bucket"},
                          "X": {"Type": "AWS::SNS::Topic", "Properties": {
                              "TopicName": {"Ref": "EnviromentName"},
                              "A": {"Fn::GetAtt": ["Databucket", "Arn"]},
                              "B": {"Fn::GetAtt": "DataBuckt.Arn"},
                              "C": {"Fn::Sub": "${EnviromentName}-${DataBuckt.Arn}-${AWS::Region}"}}}}}
    got = {f.pointer: f.fix.operations[0]["value"] for f in check(data)}
    assert got == {"/Resources/X/Properties/TopicName/Ref": "EnvironmentName",
                   "/Resources/X/Properties/A/Fn::GetAtt/0": "DataBucket",
                   "/Resources/X/Properties/B/Fn::GetAtt": "DataBucket.Arn",
                   "/Resources/X/Properties/C/Fn::Sub": "${EnvironmentName}-${DataBucket.Arn}-${AWS::Region}"}


def test_policy_variables_are_escaped_and_unknowns_reported():
    data = {"Resources": {"R": {"Type": "AWS::IAM::Policy", "Properties": {
        "Resource": {"Fn::Sub": ["arn:aws:s3:::b/${aws:username}/${Stage}", {"Other": "x"}]},
        "Name": {"Ref": "Missing"}}}}}
    got = check(data)
    by_pointer = {f.pointer: f for f in got}
    assert by_pointer["/Resources/R/Properties/Name/Ref"].fix is None
    sub = [f for f in got if f.pointer.endswith("Fn::Sub/0")]
    assert {f.fix is None for f in sub} == {True, False}
    (fixing,) = [f for f in sub if f.fix]
    assert fixing.fix.operations[0]["value"] == "arn:aws:s3:::b/${!aws:username}/${Stage}"


def test_declared_pseudo_and_transform_templates_are_fine():
    ok = {"Parameters": {"P": {"Type": "String"}},
          "Resources": {"A": {"Type": "AWS::SNS::Topic", "Properties": {
              "X": {"Ref": "P"}, "Y": {"Ref": "AWS::Region"}, "Z": {"Fn::Sub": "${A.TopicName}${!Literal}"}}}}}
    assert check(ok) == []
    sam = {"Transform": "AWS::Serverless-2016-10-31",
           "Resources": {"F": {"Type": "AWS::Serverless::Function", "Properties": {"Role": {"Ref": "FRole"}}}}}
    assert check(sam) == []


def test_an_invalid_declared_id_is_renamed_not_the_references_to_it():
    data = {"Resources": {
        "SchemaSync Lambda": {"Type": "AWS::SNS::Topic"},
        "Sub": {"Type": "AWS::SNS::Subscription",
                "Properties": {"TopicArn": {"Ref": "SchemaSyncLambda"}, "Protocol": "email",
                               "Endpoint": {"Fn::Sub": "${SchemaSyncLambda.TopicName}@example.com"}}}}}
    got = check(data)
    assert len(got) == 2
    for finding in got:
        assert finding.fix.applicability.value == "safe"
        assert finding.fix.operations == ({"op": "move", "from": "/Resources/SchemaSync Lambda",
                                           "path": "/Resources/SchemaSyncLambda"},)
        assert len(finding.message) <= 160


def test_an_invalid_declared_id_whose_valid_name_is_taken_has_no_fix():
    data = {"Outputs": {"AppTopic": {"Value": "x"}},  # an output holds the name the reference uses
            "Resources": {"App-Topic": {"Type": "AWS::SNS::Topic"},
                          "Q": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": {"Ref": "AppTopic"}}}}}
    (finding,) = check(data)
    assert finding.fix is None and "'App-Topic', not a valid logical id" in finding.message


def test_references_into_a_module_are_declared():
    """A module's resources are ``<module id><resource id>`` (or with a period): the module declares them."""
    module = {"Network": {"Type": "My::Net::Vpc::MODULE", "Properties": {}}}
    uses = {"Ref": {"Ref": "NetworkVpc"}, "Dotted": {"Ref": "Network.Vpc"},
            "Att": {"Fn::GetAtt": ["NetworkVpc", "CidrBlock"]}, "AttText": {"Fn::GetAtt": "NetworkSubnet.SubnetId"},
            "Sub": {"Fn::Sub": "${NetworkVpc}/${NetworkSubnet.SubnetId}"}}
    outputs = {name: {"Value": value} for name, value in uses.items()}
    assert check({"Resources": module, "Outputs": outputs}) == []
    # the same names without the module dangle; the module's own id is no prefix of a name that is not longer
    plain = {"Network": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.0.0.0/16"}}}
    assert len(check({"Resources": plain, "Outputs": outputs})) == len(uses)
    assert [f.message for f in check({"Resources": module, "Outputs": {"O": {"Value": {"Ref": "Vpc"}}}})] == [
        "Ref names Vpc, which is not declared in the template"]
