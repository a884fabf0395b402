"""DR009 two-region-deploy-failure: the deploy simulation on hand-built layouts, its fixes, and the update of an
existing primary stack."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from rule_harness import applied, findings, fix_text

from autofix.rules.dr._deploy import regions, simulate, simulate_update
from autofix.rules.dr.dr009_two_region_deploy_failure import TwoRegionDeployFailure
from autofix.settings import Settings
from autofix.template import Template

RULE = TwoRegionDeployFailure()
DR = Settings(dr="true")
NO_VALUE = {"Ref": "AWS::NoValue"}


def layout(resources: dict[str, Any], outputs: dict[str, Any] | None = None, **conditions: Any) -> dict[str, Any]:
    """A template written for both regions (the layout DR fixes write), around ``resources``."""
    data: dict[str, Any] = {
        "Parameters": {
            "PrimaryRegion": {"Type": "String", "Default": "us-east-1"},
            "SecondaryRegion": {"Type": "String", "Default": "us-west-2"},
            "Env": {"Type": "String", "Default": "prod", "AllowedValues": ["prod", "dev"]},
        },
        "Conditions": {
            "IsPrimaryRegion": {"Fn::Equals": [{"Ref": "AWS::Region"}, {"Ref": "PrimaryRegion"}]},
            "IsSecondaryRegion": {"Fn::Equals": [{"Ref": "AWS::Region"}, {"Ref": "SecondaryRegion"}]},
            **conditions,
        },
        "Resources": resources,
    }
    if outputs:
        data["Outputs"] = outputs
    return data


def bucket(name: Any = None, condition: str | None = None, **props: Any) -> dict[str, Any]:
    resource: dict[str, Any] = {"Type": "AWS::S3::Bucket", "Properties": {**props}}
    if name is not None:
        resource["Properties"]["BucketName"] = name
    if condition:
        resource["Condition"] = condition
    return resource


def checks(data: dict[str, Any], **kwargs: Any) -> list[str]:
    return sorted(p.check for p in simulate(data, **kwargs))


def found(data: dict[str, Any]) -> list:
    return findings(RULE, data, DR)


# -- global names created by both stacks


def test_a_bucket_named_without_the_region_is_created_by_both_stacks() -> None:
    data = layout({"Data": bucket({"Fn::Sub": "data-${AWS::AccountId}-${Env}"})})
    (problem,) = simulate(data)
    assert (problem.check, problem.subject, problem.others) == ("name-collision", "Data", ("Data",))
    assert "secondary stack (us-west-2, created)" in problem.detail and "primary stack (us-east-1" in problem.detail
    assert "data-${AWS::AccountId}-prod" in problem.detail


@pytest.mark.parametrize("name", [
    {"Fn::Sub": "data-${AWS::AccountId}-${AWS::Region}"},  # the region makes it one per stack
    None,  # CloudFormation makes a unique name
    {"Ref": "BucketNameParameter"},  # no default: unknown, nothing to prove
])
def test_buckets_that_cannot_be_proven_to_collide_pass(name: Any) -> None:
    data = layout({"Data": bucket(name)})
    data["Parameters"]["BucketNameParameter"] = {"Type": "String"}
    assert simulate(data) == []


def test_a_name_from_the_stack_name_collides_but_not_one_from_the_stack_id() -> None:
    role = {"AssumeRolePolicyDocument": {}}
    data = layout({
        "ByName": {"Type": "AWS::IAM::Role", "Properties": {**role, "RoleName": {"Fn::Sub": "${AWS::StackName}-app"}}},
        "ById": {"Type": "AWS::IAM::Role", "Properties": {**role, "RoleName": {
            "Fn::Select": [2, {"Fn::Split": ["/", {"Ref": "AWS::StackId"}]}]}}},
    })
    assert [(p.check, p.subject) for p in simulate(data)] == [("name-collision", "ByName")]


@pytest.mark.parametrize(("kind", "key"), [
    ("AWS::IAM::Role", "RoleName"), ("AWS::IAM::ManagedPolicy", "ManagedPolicyName"),
    ("AWS::IAM::InstanceProfile", "InstanceProfileName"), ("AWS::IAM::User", "UserName"),
    ("AWS::IAM::Group", "GroupName"), ("AWS::RDS::GlobalCluster", "GlobalClusterIdentifier"),
])
def test_global_iam_and_cluster_names_collide(kind: str, key: str) -> None:
    data = layout({"Named": {"Type": kind, "Properties": {key: "app-shared"}}})
    assert checks(data) == ["name-collision"]
    data["Resources"]["Named"]["Condition"] = "IsPrimaryRegion"
    assert checks(data) == []


def test_iam_names_collide_whatever_their_case_and_inline_policy_names_do_not() -> None:
    data = layout({
        "Admin": {"Type": "AWS::IAM::Role", "Condition": "IsPrimaryRegion", "Properties": {"RoleName": "Admin"}},
        "AdminDr": {"Type": "AWS::IAM::Role", "Condition": "IsSecondaryRegion", "Properties": {"RoleName": "admin"}},
        "Inline": {"Type": "AWS::IAM::Policy", "Properties": {"PolicyName": "replicate", "PolicyDocument": {}}},
    })
    (problem,) = simulate(data)
    assert (problem.subject, problem.others, problem.remedy) == ("AdminDr", ("Admin",), None)
    assert "different resources" in problem.reason


def test_failover_records_in_a_shared_zone_collide_and_per_region_ones_do_not() -> None:
    def record(side: str) -> dict[str, Any]:
        return {"Type": "AWS::Route53::RecordSet", "Properties": {
            "HostedZoneId": {"Ref": "ZoneId"}, "Name": "api.example.com", "Type": "CNAME", "TTL": 60,
            "SetIdentifier": side.lower(), "Failover": side, "ResourceRecords": [f"{side.lower()}.example.net"]}}

    data = layout({"Primary": record("PRIMARY"), "Secondary": record("SECONDARY")})
    data["Parameters"]["ZoneId"] = {"Type": "String", "Default": "Z0123456789"}
    problems = simulate(data)
    assert sorted((p.subject, p.remedy) for p in problems) == [
        ("Primary", "failover-own-region"), ("Secondary", "failover-own-region")]
    assert "api.example.com CNAME [primary]" in problems[0].detail or "api.example.com CNAME [primary]" in \
        problems[1].detail
    data["Resources"]["Primary"]["Condition"] = "IsPrimaryRegion"
    data["Resources"]["Secondary"]["Condition"] = "IsSecondaryRegion"
    assert simulate(data) == []


def test_records_in_a_private_zone_each_stack_creates_do_not_collide_but_two_public_zones_do() -> None:
    zone: dict[str, Any] = {"Type": "AWS::Route53::HostedZone", "Properties": {
        "Name": "internal.example.com", "VPCs": [{"VPCId": "vpc-1", "VPCRegion": {"Ref": "AWS::Region"}}]}}
    record = {"Type": "AWS::Route53::RecordSet", "Properties": {
        "HostedZoneId": {"Ref": "Zone"}, "Name": "db.internal.example.com", "Type": "CNAME", "TTL": 60,
        "ResourceRecords": ["db.example.net"]}}
    data = layout({"Zone": zone, "Record": record})
    assert simulate(data) == []
    del data["Resources"]["Zone"]["Properties"]["VPCs"]
    (problem,) = simulate(data)
    assert (problem.check, problem.subject, problem.fails) == ("name-collision", "Zone", False)
    assert "never served" in problem.message and "delegated" in problem.detail


def test_a_secret_replica_takes_the_name_the_secondary_stack_creates() -> None:
    data = layout({
        "Secret": {"Type": "AWS::SecretsManager::Secret", "Condition": "IsPrimaryRegion", "Properties": {
            "Name": "app/db", "ReplicaRegions": [{"Region": {"Ref": "SecondaryRegion"}}]}},
        "LocalSecret": {"Type": "AWS::SecretsManager::Secret", "Condition": "IsSecondaryRegion",
                        "Properties": {"Name": "app/db"}},
    })
    (problem,) = simulate(data)
    assert (problem.subject, problem.others) == ("LocalSecret", ("Secret",))
    assert "Secrets Manager secret in us-west-2" in problem.detail
    del data["Resources"]["Secret"]["Properties"]["ReplicaRegions"]
    assert simulate(data) == []


def test_a_table_name_taken_in_the_secondary_region_by_a_global_table_replica() -> None:
    data = layout({
        "Global": {"Type": "AWS::DynamoDB::GlobalTable", "Condition": "IsPrimaryRegion", "Properties": {
            "TableName": "orders",
            "Replicas": [{"Region": {"Ref": "AWS::Region"}}, {"Region": {"Ref": "SecondaryRegion"}}]}},
        "Local": {"Type": "AWS::DynamoDB::Table", "Condition": "IsSecondaryRegion",
                  "Properties": {"TableName": "orders"}},
    })
    assert [(p.check, p.subject, p.others) for p in simulate(data)] == [("name-collision", "Local", ("Global",))]


# -- references to what a stack does not create


def _function(**props: Any) -> dict[str, Any]:
    return {"Type": "AWS::Lambda::Function", "Properties": {"Role": "arn:aws:iam::1:role/x", **props}}


@pytest.mark.parametrize("use", [
    {"Environment": {"Variables": {"B": {"Ref": "Replica"}}}},
    {"Environment": {"Variables": {"B": {"Fn::GetAtt": ["Replica", "Arn"]}}}},
    {"Environment": {"Variables": {"B": {"Fn::Sub": "${Replica.Arn}/*"}}}},
])
def test_a_reference_to_a_resource_the_stack_does_not_create(use: dict[str, Any]) -> None:
    data = layout({"Replica": bucket(condition="IsSecondaryRegion"), "Reader": _function(**use)})
    (problem,) = simulate(data)
    assert (problem.check, problem.subject, problem.others) == ("dangling-reference", "Reader", ("Replica",))
    assert "primary stack (us-east-1, created)" in problem.stage
    assert problem.pointer.startswith("/Resources/Reader/Properties/Environment/Variables/B")


def test_depends_on_and_outputs_count_as_references_and_a_chosen_reference_does_not() -> None:
    data = layout({"Replica": bucket(condition="IsSecondaryRegion"), "Reader": {**_function(), "DependsOn": "Replica"}},
                  outputs={"ReplicaName": {"Value": {"Ref": "Replica"}}})
    assert sorted((p.subject, p.pointer) for p in simulate(data)) == [
        ("Reader", "/Resources/Reader/DependsOn"), ("output ReplicaName", "/Outputs/ReplicaName/Value")]
    del data["Resources"]["Reader"]["DependsOn"]
    data["Outputs"]["ReplicaName"] = {"Value": {"Fn::If": ["IsSecondaryRegion", {"Ref": "Replica"}, "none"]}}
    data["Outputs"]["Gated"] = {"Condition": "IsSecondaryRegion", "Value": {"Ref": "Replica"}}
    assert simulate(data) == []


# -- global tables


def _global_table(**extra: Any) -> dict[str, Any]:
    return {"Type": "AWS::DynamoDB::GlobalTable", **extra, "Properties": {
        "TableName": "orders", "BillingMode": "PAY_PER_REQUEST",
        "Replicas": [{"Region": {"Ref": "AWS::Region"}}, {"Region": {"Ref": "SecondaryRegion"}}]}}


def test_a_global_table_created_by_both_stacks() -> None:
    data = layout({"Orders": _global_table()})
    (problem,) = simulate(data)  # the secondary's [us-west-2, us-west-2] and its name are the same problem
    assert (problem.check, problem.remedy, problem.fails) == ("global-table-twice", "gate-primary", True)
    assert "replica 'orders' in us-west-2 already exists" in problem.detail
    assert simulate(layout({"Orders": _global_table(Condition="IsPrimaryRegion")})) == []


def test_two_unnamed_global_tables_deploy_but_share_nothing() -> None:
    data = layout({"Orders": _global_table()})
    del data["Resources"]["Orders"]["Properties"]["TableName"]
    (problem,) = simulate(data)
    assert (problem.check, problem.fails) == ("global-table-twice", False)
    assert "two unrelated global tables" in problem.detail


def test_single_region_tables_in_each_stack_are_not_a_global_table_twice() -> None:
    data = layout({"Orders": _global_table()})
    data["Resources"]["Orders"]["Properties"]["Replicas"] = [{"Region": {"Ref": "AWS::Region"}}]
    del data["Resources"]["Orders"]["Properties"]["TableName"]
    assert simulate(data) == []


def test_global_table_replicas_must_hold_the_stack_region_once() -> None:
    data = layout({"Orders": _global_table(Condition="IsPrimaryRegion")})
    replicas = data["Resources"]["Orders"]["Properties"]["Replicas"]
    replicas[0] = {"Region": {"Ref": "SecondaryRegion"}}  # omits us-east-1, repeats us-west-2
    (problem,) = simulate(data)
    assert problem.check == "global-table-replicas"
    assert "no replica in the primary stack's own region" in problem.message
    replicas[0] = {"Region": {"Ref": "AWS::Region"}}
    replicas.append({"Region": {"Ref": "PrimaryRegion"}})
    (problem,) = simulate(data)
    assert "lists replica region us-east-1 twice" in problem.message
    replicas[1:] = [{"Region": "us-west-2"}]  # a literal region: right in one order of the regions only
    assert simulate(data) == []
    (problem,) = simulate(data, swap=True)
    assert "lists replica region us-west-2 twice in the primary stack" in problem.message


# -- deploy order: replication and global clusters


def _replicating(destination: str, condition: str | None = None) -> dict[str, Any]:
    config = {"Role": "arn:aws:iam::123456789012:role/replication", "Rules": [
        {"Status": "Enabled", "Prefix": "",
         "Destination": {"Bucket": {"Fn::Sub": f"arn:${{AWS::Partition}}:s3:::{destination}"}}}]}
    if condition:
        config = {"Fn::If": [condition, config, NO_VALUE]}  # type: ignore[dict-item]
    return bucket({"Fn::If": ["IsSecondaryRegion", {"Fn::Sub": "data-${AWS::AccountId}-${AWS::Region}"},
                                {"Fn::Sub": "data-${AWS::AccountId}"}]},
                  VersioningConfiguration={"Status": "Enabled"}, ReplicationConfiguration=config)


def test_replication_before_the_secondary_stack_exists_is_a_deploy_order_cycle() -> None:
    data = layout({"Data": _replicating("data-${AWS::AccountId}-replica", "IsPrimaryRegion"),
                   "Replica": bucket({"Fn::Sub": "data-${AWS::AccountId}-replica"}, "IsSecondaryRegion")})
    (problem,) = simulate(data)
    assert (problem.check, problem.subject, problem.others, problem.remedy) == (
        "replication-order", "Data", ("Replica",), "gate-replication")
    assert "primary stack (us-east-1, created)" in problem.stage
    data["Parameters"]["SecondaryStackDeployed"] = {"Type": "String", "Default": "false",
                                                    "AllowedValues": ["false", "true"]}
    data["Conditions"]["ReplicateToSecondaryRegion"] = {"Fn::And": [
        {"Condition": "IsPrimaryRegion"}, {"Fn::Equals": [{"Ref": "SecondaryStackDeployed"}, "true"]}]}
    data["Resources"]["Data"] = _replicating("data-${AWS::AccountId}-replica", "ReplicateToSecondaryRegion")
    assert simulate(data) == []
    assert len(regions(Template(data)).deployed or "") > 0


def test_replication_to_a_bucket_made_elsewhere_is_not_judged() -> None:
    data = layout({"Data": _replicating("someone-elses-bucket")})
    assert simulate(data) == []


def _cluster(condition: str | None = None, **props: Any) -> dict[str, Any]:
    resource: dict[str, Any] = {"Type": "AWS::RDS::DBCluster", "Properties": {"Engine": "aurora-postgresql", **props}}
    if condition:
        resource["Condition"] = condition
    return resource


def test_a_cluster_joining_a_global_cluster_no_earlier_stack_created() -> None:
    late = {"Fn::And": [{"Condition": "IsPrimaryRegion"}, {"Fn::Equals": [{"Ref": "SecondaryStackDeployed"}, "true"]}]}
    data = layout({
        "Global": {"Type": "AWS::RDS::GlobalCluster", "Condition": "Late", "Properties": {
            "GlobalClusterIdentifier": "orders-global", "Engine": "aurora-postgresql"}},
        "Replica": _cluster("IsSecondaryRegion", GlobalClusterIdentifier="orders-global"),
    }, Late=late)
    data["Parameters"]["SecondaryStackDeployed"] = {"Type": "String", "Default": "false"}
    (problem,) = simulate(data)
    assert (problem.check, problem.subject) == ("global-cluster-order", "Replica")
    data["Resources"]["Global"]["Condition"] = "IsPrimaryRegion"
    assert simulate(data) == []


def test_a_secondary_cluster_joining_with_master_credentials() -> None:
    data = layout({
        "Writer": _cluster("IsPrimaryRegion", MasterUsername="admin", MasterUserPassword="{{resolve:ssm:pw}}"),
        "Global": {"Type": "AWS::RDS::GlobalCluster", "Condition": "IsPrimaryRegion", "Properties": {
            "GlobalClusterIdentifier": "orders-global",
            "SourceDBClusterIdentifier": {"Fn::GetAtt": ["Writer", "DBClusterArn"]}}},
        "Reader": _cluster("IsSecondaryRegion", GlobalClusterIdentifier="orders-global", MasterUsername="admin"),
    })
    (problem,) = simulate(data)
    assert (problem.check, problem.subject, problem.others, problem.remedy) == (
        "join-credentials", "Reader", ("Global",), "secondary-credentials")
    del data["Resources"]["Reader"]["Properties"]["MasterUsername"]
    assert simulate(data) == []


def test_the_first_cluster_of_a_member_less_global_cluster_needs_its_credentials() -> None:
    data = layout({
        "Global": {"Type": "AWS::RDS::GlobalCluster", "Condition": "IsPrimaryRegion", "Properties": {
            "GlobalClusterIdentifier": "orders-global", "Engine": "aurora-postgresql"}},
        "Writer": _cluster("IsPrimaryRegion", GlobalClusterIdentifier={"Ref": "Global"}, MasterUsername="admin"),
        "Reader": _cluster("IsSecondaryRegion", GlobalClusterIdentifier="orders-global"),
    })
    assert simulate(data) == []


# -- what the simulation can and cannot know


def test_every_allowed_value_of_a_parameter_the_conditions_read_is_simulated() -> None:
    either = {"Fn::Or": [{"Condition": "IsPrimaryRegion"}, {"Fn::Equals": [{"Ref": "Env"}, "dev"]}]}
    data = layout({"Role": {"Type": "AWS::IAM::Role", "Condition": "PrimaryOrDev", "Properties": {
        "RoleName": "app-role", "AssumeRolePolicyDocument": {}}}}, PrimaryOrDev=either)
    (problem,) = simulate(data)  # with the default (prod) only the primary creates it
    assert problem.check == "name-collision" and "(Simulated with Env=dev.)" in problem.detail


def test_undecidable_conditions_prove_nothing() -> None:
    data = layout({"Role": {"Type": "AWS::IAM::Role", "Condition": "Chosen", "Properties": {
        "RoleName": "app-role", "AssumeRolePolicyDocument": {}}}},
        Chosen={"Fn::Equals": [{"Ref": "Choice"}, "yes"]})
    data["Parameters"]["Choice"] = {"Type": "String"}
    assert simulate(data) == []


def test_literal_regions_in_conditions_say_which_region_is_which() -> None:
    data = {"Conditions": {"IsPrimary": {"Fn::Equals": [{"Ref": "AWS::Region"}, "eu-west-1"]},
                           "IsDR": {"Fn::Equals": ["eu-central-1", {"Ref": "AWS::Region"}]}},
            "Resources": {"Data": bucket("shared-name")}}
    pair = regions(Template(data))
    assert (pair.primary, pair.secondary, pair.primary_parameter) == ("eu-west-1", "eu-central-1", None)
    (problem,) = simulate(data)
    assert "secondary stack (eu-central-1, created)" in problem.stage


# -- the rule


def test_findings_are_one_short_sentence_with_the_detail_apart() -> None:
    data = layout({
        "AVeryLongLogicalIdForTheDataBucketOfTheApplication": bucket(
            {"Fn::Sub": "long-bucket-name-of-the-app-${Env}"}),
        "Replica": bucket(condition="IsSecondaryRegion"),
        "Reader": _function(Environment={"Variables": {"B": {"Ref": "Replica"}}}),
    })
    got = found(data)
    assert len(got) == 2
    for finding in got:
        assert len(finding.message) <= 160 and finding.message.count(". ") == 0
        assert finding.detail and finding.extra["check"]
    collision = next(f for f in got if f.extra["check"] == "name-collision")
    assert "primary stack" in collision.detail and "secondary stack" in collision.detail
    assert collision.detail.endswith(".") and "Fix:" in collision.detail


def test_silent_without_a_condition_on_the_region() -> None:
    data = {"Resources": {"Data": bucket("shared-name")}}
    assert found(data) == []


def test_not_run_outside_dr_templates() -> None:
    text = """Conditions:
  IsUsEast1: !Equals [!Ref 'AWS::Region', us-east-1]
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties: {RoleName: app, AssumeRolePolicyDocument: {}}
"""
    result = fix_text(text, select=("DR009",), unsafe=True)
    assert result.findings == [] and not result.changed


# -- fixes: they apply, and the simulation is silent after them


def _fixed(data: dict[str, Any]) -> dict[str, Any]:
    got = found(data)
    assert got and all(f.fix is not None for f in got), [f.message for f in got]
    return applied(data, got)


def test_a_global_table_is_gated_to_the_primary_and_the_secondary_names_it() -> None:
    data = layout({
        "Orders": _global_table(),
        "Reader": _function(Environment={"Variables": {
            "TABLE": {"Ref": "Orders"}, "ARN": {"Fn::GetAtt": ["Orders", "Arn"]},
            "INDEX": {"Fn::Sub": "${Orders.Arn}/index/*"}}}),
    }, outputs={"TableName": {"Value": {"Ref": "Orders"}}})
    (finding,) = found(data)
    assert finding.fix.applicability.value == "safe"
    fixed = applied(data, [finding])
    assert fixed["Resources"]["Orders"]["Condition"] == "IsPrimaryRegion"
    variables = fixed["Resources"]["Reader"]["Properties"]["Environment"]["Variables"]
    assert variables["TABLE"] == {"Fn::If": ["IsPrimaryRegion", {"Ref": "Orders"}, "orders"]}
    assert variables["ARN"]["Fn::If"][2] == {
        "Fn::Sub": "arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/orders"}
    assert variables["INDEX"] == {"Fn::If": ["IsPrimaryRegion", {"Fn::Sub": "${Orders.Arn}/index/*"}, {
        "Fn::Sub": "arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/orders/index/*"}]}
    assert fixed["Outputs"]["TableName"]["Value"]["Fn::If"][2] == "orders"
    assert simulate(fixed) == [] and simulate(fixed, swap=True) == []
    assert simulate_update(data, fixed) == []  # the primary keeps its table


def test_a_global_table_read_through_its_stream_is_reported_without_a_fix() -> None:
    data = layout({"Orders": _global_table(),
                   "Reader": _function(Environment={"Variables": {"S": {"Fn::GetAtt": ["Orders", "StreamArn"]}}})})
    (finding,) = found(data)
    assert finding.fix is None and "reads !GetAtt Orders.StreamArn" in finding.detail


def test_a_member_less_global_cluster_is_gated_and_its_secondary_member_drops_credentials() -> None:
    data = layout({
        "Global": {"Type": "AWS::RDS::GlobalCluster", "Properties": {
            "GlobalClusterIdentifier": {"Fn::Sub": "orders-${Env}"}, "Engine": "aurora-postgresql"}},
        "Cluster": _cluster(GlobalClusterIdentifier={"Ref": "Global"}, MasterUsername="admin",
                            MasterUserPassword="{{resolve:secretsmanager:db:SecretString:password}}"),
    })
    (finding,) = found(data)
    assert finding.extra["check"] == "name-collision" and finding.fix.applicability.value == "safe"
    fixed = applied(data, [finding])
    props = fixed["Resources"]["Cluster"]["Properties"]
    assert props["GlobalClusterIdentifier"] == {"Fn::If": ["IsPrimaryRegion", {"Ref": "Global"},
                                                           {"Fn::Sub": "orders-${Env}"}]}
    assert props["MasterUsername"] == {"Fn::If": ["IsSecondaryRegion", NO_VALUE, "admin"]}
    assert simulate(fixed) == [] and simulate_update(data, fixed) == []


def test_a_secondary_member_with_credentials_drops_them_there() -> None:
    data = layout({
        "Writer": _cluster("IsPrimaryRegion", MasterUsername="admin"),
        "Global": {"Type": "AWS::RDS::GlobalCluster", "Condition": "IsPrimaryRegion", "Properties": {
            "GlobalClusterIdentifier": "g", "SourceDBClusterIdentifier": {"Fn::GetAtt": ["Writer", "DBClusterArn"]}}},
        "Reader": _cluster(GlobalClusterIdentifier={"Fn::If": ["IsSecondaryRegion", "g", NO_VALUE]},
                           MasterUsername="admin"),
    })
    (finding,) = found(data)
    assert (finding.extra["check"], finding.fix.applicability.value) == ("join-credentials", "safe")
    fixed = applied(data, [finding])
    assert fixed["Resources"]["Reader"]["Properties"]["MasterUsername"] == {
        "Fn::If": ["IsSecondaryRegion", NO_VALUE, "admin"]}
    assert simulate(fixed) == [] and simulate_update(data, fixed) == []


def test_a_colliding_bucket_gets_the_region_in_the_secondary_only() -> None:
    data = layout({"Data": bucket({"Fn::Sub": "data-${AWS::AccountId}-${Env}"})})
    (finding,) = found(data)
    assert finding.fix.applicability.value == "safe"
    fixed = applied(data, [finding])
    assert fixed["Resources"]["Data"]["Properties"]["BucketName"] == {"Fn::If": [
        "IsSecondaryRegion", {"Fn::Sub": "data-${AWS::AccountId}-${Env}-${AWS::Region}"},
        {"Fn::Sub": "data-${AWS::AccountId}-${Env}"}]}
    assert simulate(fixed) == [] and simulate(fixed, swap=True) == []
    assert simulate_update(data, fixed) == []  # never renames what the primary stack has


def test_a_bucket_name_that_is_written_elsewhere_is_an_unsafe_fix() -> None:
    data = layout({"Data": bucket({"Fn::Sub": "data-${AWS::AccountId}-${Project}"}),
                   "Policy": {"Type": "AWS::IAM::ManagedPolicy", "Properties": {"PolicyDocument": {"Statement": [
                       {"Effect": "Allow", "Action": "s3:GetObject",
                        "Resource": {"Fn::Sub": "arn:aws:s3:::data-${AWS::AccountId}-${Project}/*"}}]}}}})
    data["Parameters"]["Project"] = {"Type": "String", "Default": "shop", "MaxLength": 10}
    (finding,) = found(data)
    assert finding.fix.applicability.value == "unsafe"
    assert "the primary's name stays written as text in Policy" in finding.fix.description
    fixed = applied(data, [finding])
    assert fixed["Resources"]["Data"]["Properties"]["BucketName"]["Fn::If"][1] == {
        "Fn::Sub": "data-${AWS::AccountId}-${Project}-${AWS::Region}"}
    assert fixed["Parameters"]["Project"]["MaxLength"] == 10  # parameters are never bounded to make room
    assert simulate(fixed) == []


def test_a_bucket_name_that_cannot_fit_the_region_is_left_to_cloudformation_in_the_secondary() -> None:
    name = {"Fn::Sub": "a-very-long-bucket-name-prefix-for-data-${AWS::AccountId}-x"}
    data = layout({"Data": bucket(name)})
    (finding,) = found(data)
    assert finding.fix.applicability.value == "safe" and "63 characters" in finding.fix.description
    fixed = applied(data, [finding])
    assert fixed["Resources"]["Data"]["Properties"]["BucketName"] == {
        "Fn::If": ["IsSecondaryRegion", NO_VALUE, name]}  # the primary keeps its bucket
    assert simulate(fixed) == [] and simulate_update(data, fixed) == []
    data["Resources"]["Reader"] = _function(Environment={"Variables": {
        "B": {"Fn::Sub": "arn:aws:s3:::a-very-long-bucket-name-prefix-for-data-${AWS::AccountId}-x/*"}}})
    (finding,) = found(data)
    assert finding.fix.applicability.value == "unsafe" and "written as text in Reader" in finding.fix.description


def test_an_unbounded_parameter_in_the_name_is_never_bounded_to_make_room() -> None:
    data = layout({"Data": bucket({"Fn::Sub": "loan-documents-${Suffix}-${AWS::AccountId}"})})
    data["Parameters"]["Suffix"] = {"Type": "String", "Default": "prod"}
    (finding,) = found(data)
    fixed = applied(data, [finding])
    assert "MaxLength" not in fixed["Parameters"]["Suffix"]
    assert fixed["Resources"]["Data"]["Properties"]["BucketName"]["Fn::If"][1] == NO_VALUE
    assert simulate(fixed) == []


def test_failover_records_move_to_their_own_region() -> None:
    data = layout({side: {"Type": "AWS::Route53::RecordSet", "Properties": {
        "HostedZoneName": "example.com.", "Name": "app.example.com", "Type": "A", "SetIdentifier": side,
        "Failover": side.upper(), "AliasTarget": {"DNSName": "lb.example.net", "HostedZoneId": "Z1"}}}
        for side in ("Primary", "Secondary")})
    got = found(data)
    assert {f.fix.applicability.value for f in got} == {"unsafe"}
    fixed = applied(data, got)
    assert (fixed["Resources"]["Primary"]["Condition"], fixed["Resources"]["Secondary"]["Condition"]) == (
        "IsPrimaryRegion", "IsSecondaryRegion")
    assert simulate(fixed) == []


def test_replication_is_gated_on_the_secondary_stack_and_the_switch_is_added() -> None:
    data = layout({"Data": _replicating("data-${AWS::AccountId}-replica", "IsPrimaryRegion"),
                   "Replica": bucket({"Fn::Sub": "data-${AWS::AccountId}-replica"}, "IsSecondaryRegion")})
    (finding,) = found(data)
    assert finding.fix.applicability.value == "unsafe" and "Batch Replication" in finding.fix.description
    fixed = applied(data, [finding])
    assert fixed["Parameters"]["SecondaryStackDeployed"]["Default"] == "false"
    config = fixed["Resources"]["Data"]["Properties"]["ReplicationConfiguration"]
    assert config["Fn::If"][0] == "ReplicateToSecondaryRegion" and config["Fn::If"][2] == NO_VALUE
    assert simulate(fixed) == []


def test_the_layout_is_added_when_a_template_has_only_literal_regions() -> None:
    data = {"Conditions": {"IsPrimary": {"Fn::Equals": [{"Ref": "AWS::Region"}, "us-east-1"]}},
            "Resources": {"Orders": _global_table()}}
    data["Resources"]["Orders"]["Properties"]["Replicas"][1] = {"Region": "us-west-2"}
    fixed = _fixed(data)
    assert "IsPrimaryRegion" in fixed["Conditions"] and simulate(fixed) == []


def test_the_pipeline_reaches_a_template_the_simulation_accepts() -> None:
    text = """Parameters:
  PrimaryRegion: {Type: String, Default: us-east-1}
  SecondaryRegion: {Type: String, Default: us-west-2}
Conditions:
  IsPrimaryRegion: !Equals [!Ref 'AWS::Region', !Ref PrimaryRegion]
  IsSecondaryRegion: !Equals [!Ref 'AWS::Region', !Ref SecondaryRegion]
Resources:
  Orders:
    Type: AWS::DynamoDB::GlobalTable
    Properties:
      TableName: orders  # kept
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
      KeySchema: [{AttributeName: id, KeyType: HASH}]
      Replicas: [{Region: !Ref 'AWS::Region'}, {Region: !Ref SecondaryRegion}]
  Data:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Sub 'data-${AWS::AccountId}'
Outputs:
  Table: {Value: !Ref Orders}
"""
    result = fix_text(text, Settings(dr="true"), select=("DR009",), unsafe=True)
    assert not result.errors and result.changed and "# kept" in result.fixed
    import json

    import cfn_flip

    fixed = json.loads(cfn_flip.to_json(result.fixed))
    assert simulate(fixed) == [] and simulate(fixed, swap=True) == []


# -- an existing primary stack, updated


def test_renaming_the_primary_bucket_replaces_it() -> None:
    old = layout({"Data": bucket({"Fn::Sub": "data-${AWS::AccountId}"})})
    new = copy.deepcopy(old)
    new["Resources"]["Data"]["Properties"]["BucketName"] = {"Fn::Sub": "data-${AWS::AccountId}-${AWS::Region}"}
    (problem,) = simulate_update(old, new)
    assert (problem.check, problem.subject) == ("replacement", "Data")
    assert "'data-${AWS::AccountId}'" in problem.detail and "'data-${AWS::AccountId}-us-east-1'" in problem.detail
    unnamed = copy.deepcopy(old)
    del unnamed["Resources"]["Data"]["Properties"]["BucketName"]
    assert "replacement" in [p.check for p in simulate_update(unnamed, old)]  # a name it did not have


def test_a_replica_moved_out_of_the_primary_stack_is_deleted_or_left_holding_its_name() -> None:
    old = layout({"Replica": bucket("data-replica")})
    new = copy.deepcopy(old)
    new["Resources"]["Replica"]["Condition"] = "IsSecondaryRegion"
    (problem,) = simulate_update(old, new)
    assert (problem.check, problem.subject) == ("deletion", "Replica")
    new["Resources"]["Replica"]["DeletionPolicy"] = "Retain"
    (problem,) = simulate_update(old, new)
    assert (problem.check, problem.subject, problem.others) == ("name-collision", "Replica", ("Replica",))
    assert problem.message.startswith("The retained old Replica") and problem.remedy is None
    assert simulate(new) == []  # a fresh deployment of the same template is fine


def test_an_update_that_keeps_names_reports_nothing() -> None:
    old = {"Resources": {"Data": bucket({"Fn::Sub": "data-${AWS::AccountId}"}),
                         "Db": _cluster(DBClusterIdentifier="orders")}}
    new = layout({"Data": bucket({"Fn::If": ["IsSecondaryRegion", {"Fn::Sub": "data-${AWS::AccountId}-${AWS::Region}"},
                                             {"Fn::Sub": "data-${AWS::AccountId}"}]}),
                  "Db": _cluster(DBClusterIdentifier="orders")})
    assert simulate_update(old, new) == []


def test_an_unnamed_global_table_is_gated_only_when_nothing_in_the_secondary_needs_its_name() -> None:
    data = layout({"Orders": _global_table()})
    del data["Resources"]["Orders"]["Properties"]["TableName"]
    (finding,) = found(data)
    assert finding.fix.applicability.value == "unsafe"  # two working tables become one: architecture
    assert simulate(applied(data, [finding])) == []
    data["Outputs"] = {"Table": {"Value": {"Ref": "Orders"}}}
    (finding,) = found(data)
    assert finding.fix is None and "has no TableName" in finding.detail


def test_a_negated_region_condition_names_the_other_region() -> None:
    data = {"Conditions": {"IsSecondaryRegion": {"Fn::Not": [{"Fn::Equals": [{"Ref": "AWS::Region"}, "us-east-1"]}]}},
            "Resources": {"Data": bucket("shared-name")}}
    pair = regions(Template(data))
    assert (pair.primary, pair.secondary) == ("us-east-1", "us-west-2")


def test_an_iam_role_both_stacks_create_gets_the_region_in_the_secondary_only() -> None:
    role = {"Type": "AWS::IAM::Role", "Properties": {"RoleName": {"Fn::Sub": "orders-${Env}-lambda"},
                                                      "AssumeRolePolicyDocument": {}}}
    data = layout({"LambdaRole": role})
    (finding,) = found(data)
    assert finding.fix.applicability.value == "safe"
    fixed = applied(data, [finding])
    assert fixed["Resources"]["LambdaRole"]["Properties"]["RoleName"]["Fn::If"][1] == {
        "Fn::Sub": "orders-${Env}-lambda-${AWS::Region}"}
    assert simulate(fixed) == [] and simulate_update(data, fixed) == []
    data["Resources"]["Pass"] = {"Type": "AWS::IAM::ManagedPolicy", "Properties": {"PolicyDocument": {"Statement": [
        {"Effect": "Allow", "Action": "iam:PassRole",
         "Resource": {"Fn::Sub": "arn:aws:iam::${AWS::AccountId}:role/orders-${Env}-lambda"}}]}}}
    (finding,) = found(data)
    assert finding.fix.applicability.value == "unsafe"
    assert "the primary's name stays written as text in Pass" in finding.fix.description
    role["Properties"]["RoleName"] = {"Fn::Sub": "orders-${Env}-lambda-function-execution-role-for-the-app"}
    (finding,) = found(data)
    assert finding.fix.applicability.value == "safe" and "64 characters RoleName allows" in finding.fix.description
    assert applied(data, [finding])["Resources"]["LambdaRole"]["Properties"]["RoleName"]["Fn::If"][1] == NO_VALUE
