"""DP003 circular-dependency: the graph, and each rewrite leaving no cycle behind."""

from __future__ import annotations

from rule_harness import applied, findings

from autofix.rules.dp._graph import cycles, dependency_graph
from autofix.rules.dp.dp003_circular_dependency import CircularDependency
from autofix.settings import Settings

RULE = CircularDependency()


def sg(*ingress, egress=None, **extra):
    props = {"GroupDescription": "g", "VpcId": "vpc-1"}
    if ingress:
        props["SecurityGroupIngress"] = list(ingress)
    if egress is not None:
        props["SecurityGroupEgress"] = egress
    return {"Type": "AWS::EC2::SecurityGroup", "Properties": props, **extra}


def rule_from(peer, port=443, key="SourceSecurityGroupId"):
    return {"IpProtocol": "tcp", "FromPort": port, "ToPort": port, key: {"Ref": peer}, "Description": f"from {peer}"}


def fixed(data):
    found = findings(RULE, data)
    return found, applied(data, found)


def test_graph_counts_dependson_and_sub_and_self_loops():
    res = {"A": {"Type": "X", "DependsOn": "B"}, "B": {"Type": "X", "Properties": {"P": {"Fn::Sub": "${A.Arn}"}}},
           "C": {"Type": "X", "Properties": {"P": {"Ref": "C"}}}, "D": {"Type": "X", "Properties": {"P": {"Ref": "A"}}}}
    assert cycles(dependency_graph(res)) == [["A", "B"], ["C"]]


def test_security_groups_rules_move_with_every_key():
    data = {"Resources": {"A": sg({"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "CidrIp": "0.0.0.0/0"},
                                  rule_from("B")),
                          "B": sg(rule_from("A", 8080)), "Self": sg(rule_from("Self", 22))}}
    findings, out = fixed(data)
    assert [f.fix.applicability.value for f in findings] == ["safe", "safe"]
    assert cycles(dependency_graph(out["Resources"])) == []
    assert out["Resources"]["A"]["Properties"]["SecurityGroupIngress"] == [
        {"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "CidrIp": "0.0.0.0/0"}]
    assert "SecurityGroupIngress" not in out["Resources"]["B"]["Properties"]
    moved = out["Resources"]["AIngressB"]
    assert moved == {"Type": "AWS::EC2::SecurityGroupIngress",
                     "Properties": {"GroupId": {"Fn::GetAtt": ["A", "GroupId"]}, **rule_from("B")}}
    assert out["Resources"]["SelfIngressSelf"]["Properties"]["FromPort"] == 22


def test_egress_moved_only_when_needed_and_default_egress_stays_closed():
    data = {"Resources": {"A": sg(egress=[rule_from("B", 5432, "DestinationSecurityGroupId")]),
                          "B": sg(egress=[rule_from("A", 443, "DestinationSecurityGroupId"),
                                          {"IpProtocol": "-1", "CidrIp": "10.0.0.0/8"}])}}
    _, out = fixed(data)
    assert cycles(dependency_graph(out["Resources"])) == []
    (placeholder,) = out["Resources"]["A"]["Properties"]["SecurityGroupEgress"]
    assert placeholder["CidrIp"] == "255.255.255.255/32"
    assert out["Resources"]["B"]["Properties"]["SecurityGroupEgress"] == [{"IpProtocol": "-1", "CidrIp": "10.0.0.0/8"}]
    assert out["Resources"]["AEgressB"]["Type"] == "AWS::EC2::SecurityGroupEgress"


def test_ingress_first_leaves_egress_inline():
    data = {"Resources": {"A": sg(rule_from("B"), egress=[rule_from("B", 80, "DestinationSecurityGroupId")]),
                          "B": sg(rule_from("A"))}}
    _, out = fixed(data)
    assert cycles(dependency_graph(out["Resources"])) == []
    assert "SecurityGroupEgress" in out["Resources"]["A"]["Properties"]
    assert not [k for k, v in out["Resources"].items() if v["Type"] == "AWS::EC2::SecurityGroupEgress"]


def test_condition_is_copied():
    data = {"Conditions": {"C": {"Fn::Equals": ["a", "a"]}},
            "Resources": {"A": sg(rule_from("B"), Condition="C"), "B": sg(rule_from("A"), Condition="C")}}
    _, out = fixed(data)
    assert out["Resources"]["AIngressB"]["Condition"] == "C"


def bucket_cycle(bucket_props):
    return {"Resources": {
        "Bucket": {"Type": "AWS::S3::Bucket", "Properties": {
            **bucket_props, "NotificationConfiguration": {"LambdaConfigurations": [
                {"Event": "s3:ObjectCreated:*", "Function": {"Fn::GetAtt": ["Fn", "Arn"]}}]}}},
        "Role": {"Type": "AWS::IAM::Role", "Properties": {"Policies": [{"PolicyName": "p", "PolicyDocument": {
            "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": {"Fn::Sub": "${Bucket}/*"}}]}}]}},
        "Fn": {"Type": "AWS::Lambda::Function", "Properties": {
            "Role": {"Fn::GetAtt": ["Role", "Arn"]},
            "Environment": {"Variables": {"B": {"Ref": "Bucket"}}}}}}}


def test_named_bucket_references_are_built_from_the_name():
    (f,), out = fixed(bucket_cycle({"BucketName": "my-uploads"}))
    assert f.fix.applicability.value == "safe"
    assert cycles(dependency_graph(out["Resources"])) == []
    assert out["Resources"]["Fn"]["Properties"]["Environment"]["Variables"]["B"] == "my-uploads"
    statement = out["Resources"]["Role"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"][0]
    assert statement["Resource"] == {"Fn::Sub": "arn:${AWS::Partition}:s3:::my-uploads/*"}


def test_unnamed_bucket_gets_a_name_unsafely():
    (f,), out = fixed(bucket_cycle({}))
    assert f.fix.applicability.value == "unsafe"
    assert out["Resources"]["Bucket"]["Properties"]["BucketName"] == {
        "Fn::Sub": "bucket-${AWS::AccountId}-${AWS::Region}"}
    assert cycles(dependency_graph(out["Resources"])) == []


def test_bucket_named_from_another_resource_falls_back_to_the_role_policy():
    data = bucket_cycle({"BucketName": {"Fn::Sub": "${Fn}-x"}})
    del data["Resources"]["Fn"]["Properties"]["Environment"]
    (f,), out = fixed(data)
    assert f.fix.applicability.value == "unsafe"
    assert out["Resources"]["RoleP"]["Type"] == "AWS::IAM::Policy"
    assert out["Resources"]["RoleP"]["Properties"]["Roles"] == [{"Ref": "Role"}]
    assert "Policies" not in out["Resources"]["Role"]["Properties"]
    assert cycles(dependency_graph(out["Resources"])) == []


def test_bucket_cycle_through_a_dependson_is_not_rewritten_from_the_name():
    data = bucket_cycle({"BucketName": "b"})
    data["Resources"]["Fn"]["DependsOn"] = "Bucket"
    (f,) = findings(RULE, data, Settings())
    assert f.fix is None


def test_other_cycles_are_reported_with_their_members():
    data = {"Resources": {"Q": {"Type": "AWS::SQS::Queue", "DependsOn": "T"},
                          "T": {"Type": "AWS::SNS::Topic", "Properties": {
                              "Subscription": [{"Protocol": "sqs", "Endpoint": {"Fn::GetAtt": ["Q", "Arn"]}}]}}}}
    (f,) = findings(RULE, data, Settings())
    assert f.fix is None and f.message == "circular dependency between Q, T"
    assert f.detail == "Dependencies: Q -> T; T -> Q. No automatic rewrite breaks it."


def test_a_long_cycle_names_its_first_member_and_counts_the_rest_the_detail_has_every_edge():
    names = [f"QueueWithARatherLongLogicalId{i}" for i in range(6)]
    data = {"Resources": {name: {"Type": "AWS::SQS::Queue", "DependsOn": names[(i + 1) % len(names)]}
                          for i, name in enumerate(names)}}
    (f,) = findings(RULE, data, Settings())
    assert f.message == f"circular dependency between {f.resource} and 5 other resources"
    for i, name in enumerate(names):
        assert f"{name} -> {names[(i + 1) % len(names)]}" in f.detail
