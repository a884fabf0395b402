"""DR004 aurora-cluster-not-global: detector and generator edge cases."""

from __future__ import annotations

import copy

import jsonpatch
import pytest
from rule_harness import findings

from autofix.rules.dr.dr004_aurora_cluster_not_global import AuroraClusterNotGlobal, global_identifier
from autofix.settings import Settings

RULE = AuroraClusterNotGlobal()
#: the tests below check the global cluster and the credentials; the same-stack layout (only by
#: configuration) keeps them short.  The region layout (default) is tested at the end.
DR = Settings(dr="true", family_settings={"dr": {"layout": "same-stack"}})
REGIONS = Settings(dr="true")


def cluster(**props):
    base = {"Engine": "aurora-mysql", "MasterUsername": "admin", "MasterUserPassword": "x" * 12}
    base.update(props)
    return {"Type": "AWS::RDS::DBCluster", "Properties": base}


def check(resources, settings=DR, **extra):
    return findings(RULE, {"Resources": resources, **extra}, settings)


def apply(data, finding):
    return jsonpatch.apply_patch(copy.deepcopy(data), list(finding.fix.operations))


def test_flags_aurora_cluster_and_fix_has_no_circular_reference():
    data = {"Resources": {"Db": cluster(DBClusterIdentifier="orders", EngineVersion="8.0.mysql_aurora.3.04.0",
                                        StorageEncrypted=True)}}
    (f,) = findings(RULE, data, DR)
    assert f.pointer == "/Resources/Db" and f.resource == "Db"
    assert "not part of a global database" in f.message and "secondary region" in f.message
    assert f.fix.applicability.value == "unsafe"
    fixed = apply(data, f)
    gc = fixed["Resources"]["AuroraGlobalCluster"]
    # the CloudFormation way: the global cluster names the cluster as its source; engine, version and
    # encryption are inherited (and must not be given), so no deprecated version is ever copied
    assert gc["Properties"] == {"GlobalClusterIdentifier": "orders-global",
                                "SourceDBClusterIdentifier": {"Fn::GetAtt": ["Db", "DBClusterArn"]}}
    assert fixed["Resources"]["Db"] == data["Resources"]["Db"]
    # once fixed, the rule is quiet
    assert findings(RULE, fixed, DR) == []


def test_not_dr_template_gets_nothing():
    assert check({"Db": cluster()}, Settings()) == []
    assert check({"Db": cluster()}, Settings(dr="false")) == []


def test_dr_context_auto_from_parameter():
    (f,) = check({"Db": cluster()}, Settings(family_settings={"dr": {"layout": "same-stack"}}),
                 Parameters={"SecondaryRegion": {"Type": "String"}})
    assert "SecondaryRegion" in f.message


def test_skips_non_aurora_serverless_v1_restores_and_members():
    skipped = {
        "MySql": cluster(Engine="mysql"),
        "V1": cluster(EngineMode="serverless"),
        "IfMode": cluster(EngineMode={"Fn::If": ["C", "serverless", "provisioned"]}),
        "Snap": cluster(SnapshotIdentifier="snap"),
        "Member": cluster(GlobalClusterIdentifier={"Fn::If": ["C", "g", {"Ref": "AWS::NoValue"}]}),
        "Source": cluster(),
        "G": {"Type": "AWS::RDS::GlobalCluster", "Properties": {"SourceDBClusterIdentifier": {"Ref": "Source"}}},
        "EngineFromIf": cluster(Engine={"Fn::If": ["C", "aurora-mysql", "mysql"]}),
    }
    assert check(skipped) == []


def test_serverless_v2_and_provisioned_are_flagged():
    res = {"A": cluster(EngineMode="provisioned", ServerlessV2ScalingConfiguration={"MinCapacity": 0.5,
                                                                                    "MaxCapacity": 2}),
           "B": cluster(Engine="aurora-postgresql")}
    got = check(res)
    assert [f.resource for f in got] == ["A", "B"]
    # two clusters: distinct new ids in one round
    ids = [f.fix.operations[0]["path"] for f in got]
    assert ids == ["/Resources/AGlobal", "/Resources/BGlobal"]


def test_read_replica_design_is_left_alone():
    res = {"Primary": cluster(),
           "Replica": cluster(ReplicationSourceIdentifier={"Fn::Sub": "arn:aws:rds:${R}:${AWS::AccountId}:cluster:x"})}
    assert check(res) == []


def test_engine_parameter_must_only_allow_aurora():
    params = {"Eng": {"Type": "String", "Default": "aurora-mysql", "AllowedValues": ["aurora-mysql", "mysql"]}}
    assert check({"Db": cluster(Engine={"Ref": "Eng"})}, Parameters=params) == []
    params["Eng"]["AllowedValues"] = ["aurora-mysql", "aurora-postgresql"]
    (f,) = check({"Db": cluster(Engine={"Ref": "Eng"})}, Parameters=params)
    assert "Engine" not in f.fix.operations[0]["value"]["Properties"]


def test_condition_copied_and_id_avoids_collisions():
    res = {"Db": {**cluster(), "Condition": "IsPrimary"},
           "AuroraGlobalCluster": {"Type": "AWS::SNS::Topic"}}
    (f,) = check(res, Conditions={"IsPrimary": {"Fn::Equals": ["a", "a"]}})
    add = f.fix.operations[0]
    assert add["path"] == "/Resources/AuroraGlobalCluster2"
    assert list(add["value"]) == ["Type", "Condition", "Properties"]
    assert add["value"]["Condition"] == "IsPrimary"
    # ${AWS::StackName} can be 128 characters: the identifier is left to CloudFormation
    assert "GlobalClusterIdentifier" not in add["value"]["Properties"]
    assert "left to CloudFormation" in f.message


def test_managed_master_password_switches_to_a_generated_secret_then_joins():
    data = {"Resources": {"Db": cluster(ManageMasterUserPassword=True, MasterUserSecret={"KmsKeyId": "alias/db"},
                                        MasterUserPassword=None)}}
    del data["Resources"]["Db"]["Properties"]["MasterUserPassword"]
    (f,) = findings(RULE, data, DR)
    assert f.fix.applicability.value == "unsafe" and "ManageMasterUserPassword" in f.message
    fixed = apply(data, f)
    props = fixed["Resources"]["Db"]["Properties"]
    assert "ManageMasterUserPassword" not in props and "MasterUserSecret" not in props
    assert props["MasterUserPassword"] == {
        "Fn::Sub": "{{resolve:secretsmanager:${DbMasterSecret}:SecretString:password}}"}
    secret = fixed["Resources"]["DbMasterSecret"]
    assert secret["Type"] == "AWS::SecretsManager::Secret"
    generate = secret["Properties"]["GenerateSecretString"]
    assert generate["SecretStringTemplate"] == '{"username": "admin"}'
    assert generate["GenerateStringKey"] == "password"
    assert secret["Properties"]["KmsKeyId"] == "alias/db"
    assert fixed["Resources"]["AuroraGlobalCluster"]["Properties"]["SourceDBClusterIdentifier"] == {
        "Fn::GetAtt": ["Db", "DBClusterArn"]}
    assert findings(RULE, fixed, DR) == []
    (g,) = check({"Db": cluster(ManageMasterUserPassword="false")})
    assert g.fix is not None and "secret" not in g.fix.description


def test_managed_master_password_with_a_parameter_user_name():
    params = {"DbUser": {"Type": "String", "Default": "admin"}}
    (f,) = check({"Db": cluster(ManageMasterUserPassword=True, MasterUsername={"Ref": "DbUser"})},
                 Parameters=params)
    secret = f.fix.operations[0]["value"]
    assert secret["Properties"]["GenerateSecretString"]["SecretStringTemplate"] == {
        "Fn::Sub": '{"username": "${DbUser}"}'}


def test_managed_master_password_with_an_unusable_user_name_is_report_only():
    (f,) = check({"Db": cluster(ManageMasterUserPassword=True, MasterUsername={"Fn::ImportValue": "u"})})
    assert f.fix is None


def test_global_identifier_must_fit_63_characters_for_every_parameter_value():
    params = {"Env": {"Type": "String", "MaxLength": 8}, "Long": {"Type": "String"},
              "Listed": {"Type": "String", "AllowedValues": ["dev", "production"]}}
    (f,) = check({"Db": cluster(DBClusterIdentifier={"Fn::Sub": "orders-${Env}"})}, Parameters=params)
    assert f.fix.operations[0]["value"]["Properties"]["GlobalClusterIdentifier"] == {
        "Fn::Sub": "orders-${Env}-global"}
    (f,) = check({"Db": cluster(DBClusterIdentifier={"Fn::Sub": "orders-${Listed}"})}, Parameters=params)
    assert "GlobalClusterIdentifier" in f.fix.operations[0]["value"]["Properties"]
    (f,) = check({"Db": cluster(DBClusterIdentifier={"Fn::Sub": "orders-${Long}"})}, Parameters=params)
    assert "GlobalClusterIdentifier" not in f.fix.operations[0]["value"]["Properties"]
    (f,) = check({"Db": cluster(DBClusterIdentifier={"Fn::Sub": "${AWS::StackName}-orders"})})
    assert "GlobalClusterIdentifier" not in f.fix.operations[0]["value"]["Properties"]
    (f,) = check({"Db": cluster(DBClusterIdentifier="o" * 70)})
    assert len(f.fix.operations[0]["value"]["Properties"]["GlobalClusterIdentifier"]) == 63


def test_joins_member_less_global_cluster():
    res = {"Db": cluster(),
           "G": {"Type": "AWS::RDS::GlobalCluster", "Properties": {"Engine": "aurora-mysql"}}}
    (f,) = check(res)
    assert f.fix.operations == ({"op": "add", "path": "/Resources/Db/Properties/GlobalClusterIdentifier",
                                 "value": {"Ref": "G"}},)
    # a global cluster of another engine is not joined
    res["G"]["Properties"]["Engine"] = "aurora-postgresql"
    (f,) = check(res)
    assert f.fix.operations[0]["path"] == "/Resources/AuroraGlobalCluster"


def test_global_identifier_forms():
    assert global_identifier("Db", "orders") == "orders-global"
    assert len(global_identifier("Db", "a" * 63)) == 63
    assert global_identifier("Db", {"Fn::Sub": "x-${Env}"}) == {"Fn::Sub": "x-${Env}-global"}
    assert global_identifier("Db", {"Fn::Sub": ["x-${E}", {"E": "1"}]}) == {"Fn::Sub": ["x-${E}-global", {"E": "1"}]}
    assert global_identifier("Db", {"Ref": "Name"}) == {"Fn::Sub": "${Name}-global"}
    join = {"Fn::Join": ["-", ["a", "b"]]}
    assert global_identifier("Db", join) == {"Fn::Join": ["", [join, "-global"]]}
    assert global_identifier("OrdersDBCluster", None) == {"Fn::Sub": "${AWS::StackName}-orders-db-cluster-global"}


def test_messy_shapes_do_not_crash():
    res = {"A": {"Type": "AWS::RDS::DBCluster"}, "B": {"Type": "AWS::RDS::DBCluster", "Properties": None},
           "C": "junk", "D": {"Type": "AWS::RDS::DBCluster", "Properties": {"Engine": ["aurora"]}},
           "E": {"Type": "AWS::RDS::GlobalCluster", "Properties": []}}
    assert check(res) == []
    assert findings(RULE, [], DR) == []


# -- the region layout (default): the global cluster and the writer in the primary region, a joining
#    cluster in the secondary region, from one template


def test_region_layout_primary_creates_the_global_cluster_secondary_joins_it() -> None:
    data = {"Parameters": {"Env": {"Type": "String", "Default": "prod"}},
            "Resources": {"Db": cluster(DBClusterIdentifier={"Fn::Sub": "orders-${Env}"}, DatabaseName="orders",
                                        StorageEncrypted=True, EngineVersion="8.0.mysql_aurora.3.04.0")}}
    (f,) = findings(RULE, data, REGIONS)
    assert f.fix.applicability.value == "unsafe"
    fixed = apply(data, f)
    gc = fixed["Resources"]["AuroraGlobalCluster"]
    assert gc["Condition"] == "IsPrimaryRegion"
    assert gc["Properties"] == {"GlobalClusterIdentifier": {"Fn::Sub": "orders-${Env}-global"},
                                "SourceDBClusterIdentifier": {"Fn::GetAtt": ["Db", "DBClusterArn"]}}
    props = fixed["Resources"]["Db"]["Properties"]
    no_value = {"Ref": "AWS::NoValue"}
    assert props["GlobalClusterIdentifier"] == {"Fn::If": ["IsSecondaryRegion", {"Fn::Sub": "orders-${Env}-global"},
                                                           no_value]}
    for key in ("MasterUsername", "MasterUserPassword", "DatabaseName"):
        assert props[key]["Fn::If"][:2] == ["IsSecondaryRegion", no_value], key
    assert props["KmsKeyId"] == {"Fn::If": ["IsSecondaryRegion", "alias/aws/rds", no_value]}
    assert props["EngineVersion"] == "8.0.mysql_aurora.3.04.0"  # unchanged, and not copied
    assert fixed["Parameters"]["Env"]["MaxLength"] == 63 - len("orders--global")
    assert fixed["Conditions"]["IsPrimaryRegion"] == {"Fn::Equals": [{"Ref": "AWS::Region"},
                                                                    {"Ref": "PrimaryRegion"}]}
    assert findings(RULE, fixed, REGIONS) == []


def test_region_layout_managed_password_becomes_a_primary_only_dynamic_reference() -> None:
    data = {"Resources": {"Db": cluster(DBClusterIdentifier="orders", ManageMasterUserPassword=True)}}
    del data["Resources"]["Db"]["Properties"]["MasterUserPassword"]
    (f,) = findings(RULE, data, REGIONS)
    fixed = apply(data, f)
    props = fixed["Resources"]["Db"]["Properties"]
    assert "ManageMasterUserPassword" not in props
    assert props["MasterUserPassword"] == {"Fn::If": ["IsSecondaryRegion", {"Ref": "AWS::NoValue"}, {
        "Fn::Sub": "{{resolve:secretsmanager:${DbMasterSecret}:SecretString:password}}"}]}


@pytest.mark.parametrize("props, why", [
    ({}, "no DBClusterIdentifier"),
    ({"DBClusterIdentifier": "orders", "KmsKeyId": "arn:aws:kms:us-east-1:111122223333:key/abc"}, "KmsKeyId"),
    ({"DBClusterIdentifier": {"Fn::Sub": "${AWS::StackName}-orders"}}, "63 characters"),
])
def test_region_layout_gives_no_fix_rather_than_a_wrong_one(props, why) -> None:
    (f,) = check({"Db": cluster(**props)}, REGIONS)
    assert f.fix is None and why in f.message


def test_region_layout_names_a_nameless_cluster_by_the_environment_parameter() -> None:
    params = {"EnvironmentSuffix": {"Type": "String", "Default": "dev", "MaxLength": 10}}
    (f,) = check({"Db": cluster()}, REGIONS, Parameters=params)
    gc = next(op["value"] for op in f.fix.operations if op["path"] == "/Resources/AuroraGlobalCluster")
    assert gc["Properties"]["GlobalClusterIdentifier"] == {"Fn::Sub": "db-${EnvironmentSuffix}-global"}


def test_region_layout_does_not_join_a_global_cluster_created_in_both_regions() -> None:
    res = {"Db": cluster(), "G": {"Type": "AWS::RDS::GlobalCluster", "Properties": {"Engine": "aurora-mysql"}}}
    (f,) = check(res, REGIONS)
    assert f.fix is None and "every region" in f.message
