"""DR004 aurora-cluster-not-global: detector and generator edge cases."""

from __future__ import annotations

import copy

import jsonpatch
import pytest
from rule_harness import findings

from autofix.rules.dr._deploy import simulate, simulate_update
from autofix.rules.dr.dr004_aurora_cluster_not_global import AuroraClusterNotGlobal, global_identifier
from autofix.settings import Settings

RULE = AuroraClusterNotGlobal()
DR = Settings(dr="true")
NO_VALUE = {"Ref": "AWS::NoValue"}


def cluster(**props):
    base = {"Engine": "aurora-mysql", "MasterUsername": "admin", "MasterUserPassword": "x" * 12}
    base.update(props)
    return {"Type": "AWS::RDS::DBCluster", "Properties": base}


def check(resources, settings=DR, **extra):
    return findings(RULE, {"Resources": resources, **extra}, settings)


def apply(data, finding):
    return jsonpatch.apply_patch(copy.deepcopy(data), list(finding.fix.operations))


def detail(finding) -> str:
    return finding.detail


def test_the_primary_creates_the_global_cluster_and_the_secondary_joins_it() -> None:
    data = {"Parameters": {"Env": {"Type": "String", "Default": "prod"}},
            "Resources": {"Db": cluster(DBClusterIdentifier={"Fn::Sub": "orders-${Env}"}, DatabaseName="orders",
                                        StorageEncrypted=True, EngineVersion="8.0.mysql_aurora.3.04.0")}}
    (f,) = findings(RULE, data, DR)
    assert f.pointer == "/Resources/Db" and f.resource == "Db" and f.fix.applicability.value == "unsafe"
    assert f.message == "Db is an Aurora cluster of a multi-region DR template but not part of a global database"
    fixed = apply(data, f)
    gc = fixed["Resources"]["AuroraGlobalCluster"]
    assert gc["Condition"] == "IsPrimaryRegion"
    # the CloudFormation way: the global cluster names the cluster as its source; engine, version and
    # encryption are inherited (and must not be given), so no deprecated version is ever copied
    assert gc["Properties"] == {"GlobalClusterIdentifier": {"Fn::Sub": "orders-${Env}-global"},
                                "SourceDBClusterIdentifier": {"Fn::GetAtt": ["Db", "DBClusterArn"]}}
    props = fixed["Resources"]["Db"]["Properties"]
    assert props["GlobalClusterIdentifier"] == {"Fn::If": ["IsSecondaryRegion", {"Fn::Sub": "orders-${Env}-global"},
                                                           NO_VALUE]}
    for key in ("MasterUsername", "MasterUserPassword", "DatabaseName"):
        assert props[key]["Fn::If"][:2] == ["IsSecondaryRegion", NO_VALUE], key
    assert props["KmsKeyId"] == {"Fn::If": ["IsSecondaryRegion", "alias/aws/rds", NO_VALUE]}
    assert props["EngineVersion"] == "8.0.mysql_aurora.3.04.0"  # unchanged, and not copied
    assert fixed["Parameters"]["Env"]["MaxLength"] == 63 - len("orders--global")
    assert fixed["Conditions"]["IsPrimaryRegion"] == {"Fn::Equals": [{"Ref": "AWS::Region"},
                                                                    {"Ref": "PrimaryRegion"}]}
    assert findings(RULE, fixed, DR) == []
    assert simulate(fixed) == [] and simulate(fixed, swap=True) == [] and simulate_update(data, fixed) == []


def test_not_dr_template_gets_nothing():
    assert check({"Db": cluster()}, Settings()) == []
    assert check({"Db": cluster()}, Settings(dr="false")) == []


def test_dr_context_auto_from_parameter():
    (f,) = check({"Db": cluster()}, Settings(), Parameters={"SecondaryRegion": {"Type": "String"}})
    assert "SecondaryRegion" in detail(f)


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
    res = {"A": cluster(EngineMode="provisioned", DBClusterIdentifier="a",
                        ServerlessV2ScalingConfiguration={"MinCapacity": 0.5, "MaxCapacity": 2}),
           "B": cluster(Engine="aurora-postgresql", DBClusterIdentifier="b")}
    got = check(res)
    assert [f.resource for f in got] == ["A", "B"]
    # two clusters: distinct new ids in one round
    assert ["/Resources/AGlobal" in str(f.fix.operations) for f in got] == [True, False]
    assert "/Resources/BGlobal" in str(got[1].fix.operations)


def test_read_replica_design_is_left_alone():
    res = {"Primary": cluster(),
           "Replica": cluster(ReplicationSourceIdentifier={"Fn::Sub": "arn:aws:rds:${R}:${AWS::AccountId}:cluster:x"})}
    assert check(res) == []


def test_engine_parameter_must_only_allow_aurora():
    params = {"Eng": {"Type": "String", "Default": "aurora-mysql", "AllowedValues": ["aurora-mysql", "mysql"]}}
    assert check({"Db": cluster(Engine={"Ref": "Eng"}, DBClusterIdentifier="db")}, Parameters=params) == []
    params["Eng"]["AllowedValues"] = ["aurora-mysql", "aurora-postgresql"]
    (f,) = check({"Db": cluster(Engine={"Ref": "Eng"}, DBClusterIdentifier="db")}, Parameters=params)
    added = next(op["value"] for op in f.fix.operations if op["path"] == "/Resources/AuroraGlobalCluster")
    assert "Engine" not in added["Properties"]


def test_a_conditioned_cluster_gets_no_fix():
    res = {"Db": {**cluster(), "Condition": "IsPrimary"}}
    (f,) = check(res, Conditions={"IsPrimary": {"Fn::Equals": ["a", "a"]}})
    assert f.fix is None and "Condition" in detail(f)


def test_managed_master_password_becomes_a_secret_created_once_and_replicated():
    data = {"Resources": {"Db": cluster(DBClusterIdentifier="orders", ManageMasterUserPassword=True,
                                        MasterUserSecret={"KmsKeyId": "alias/db"})}}
    del data["Resources"]["Db"]["Properties"]["MasterUserPassword"]
    (f,) = findings(RULE, data, DR)
    assert f.fix.applicability.value == "unsafe" and "ManageMasterUserPassword" in detail(f)
    fixed = apply(data, f)
    props = fixed["Resources"]["Db"]["Properties"]
    assert "ManageMasterUserPassword" not in props and "MasterUserSecret" not in props
    assert props["MasterUserPassword"] == {"Fn::If": ["IsSecondaryRegion", NO_VALUE, {
        "Fn::Sub": "{{resolve:secretsmanager:${DbMasterSecret}:SecretString:password}}"}]}
    secret = fixed["Resources"]["DbMasterSecret"]
    # one secret, made by the primary region's stack and replicated: both regions read one password
    assert secret["Condition"] == "IsPrimaryRegion"
    assert secret["Properties"]["ReplicaRegions"] == [{"Region": {"Ref": "SecondaryRegion"}}]
    generate = secret["Properties"]["GenerateSecretString"]
    assert generate["SecretStringTemplate"] == '{"username": "admin"}'
    assert generate["GenerateStringKey"] == "password"
    assert secret["Properties"]["KmsKeyId"] == "alias/db"
    assert "aws/secretsmanager" in detail(f)  # what the replica is encrypted with, said
    assert findings(RULE, fixed, DR) == []
    assert simulate(fixed) == [] and simulate(fixed, swap=True) == []
    (g,) = check({"Db": cluster(ManageMasterUserPassword="false", DBClusterIdentifier="orders")})
    assert g.fix is not None and "secret" not in detail(g)


def test_managed_master_password_with_a_parameter_user_name():
    params = {"DbUser": {"Type": "String", "Default": "admin"}}
    (f,) = check({"Db": cluster(ManageMasterUserPassword=True, MasterUsername={"Ref": "DbUser"},
                                DBClusterIdentifier="orders")}, Parameters=params)
    secret = next(op["value"] for op in f.fix.operations if op["path"] == "/Resources/DbMasterSecret")
    assert secret["Properties"]["GenerateSecretString"]["SecretStringTemplate"] == {
        "Fn::Sub": '{"username": "${DbUser}"}'}


def test_managed_master_password_with_an_unusable_user_name_is_report_only():
    (f,) = check({"Db": cluster(ManageMasterUserPassword=True, MasterUsername={"Fn::ImportValue": "u"},
                                DBClusterIdentifier="orders")})
    assert f.fix is None and "ManageMasterUserPassword" in detail(f)


@pytest.mark.parametrize("name, params, expected", [
    ({"Fn::Sub": "orders-${Env}"}, {"Env": {"Type": "String", "MaxLength": 8}}, {"Fn::Sub": "orders-${Env}-global"}),
    ({"Fn::Sub": "orders-${Listed}"}, {"Listed": {"Type": "String", "AllowedValues": ["dev", "production"]}},
     {"Fn::Sub": "orders-${Listed}-global"}),
    ("o" * 70, {}, "o" * 56 + "-global"),
])
def test_global_identifier_fits_63_characters_for_every_parameter_value(name, params, expected):
    (f,) = check({"Db": cluster(DBClusterIdentifier=name)}, Parameters=params)
    added = next(op["value"] for op in f.fix.operations if op["path"] == "/Resources/AuroraGlobalCluster")
    assert added["Properties"]["GlobalClusterIdentifier"] == expected


def test_global_identifier_forms():
    assert global_identifier("Db", "orders") == "orders-global"
    assert len(global_identifier("Db", "a" * 63)) == 63
    assert global_identifier("Db", {"Fn::Sub": "x-${Env}"}) == {"Fn::Sub": "x-${Env}-global"}
    assert global_identifier("Db", {"Fn::Sub": ["x-${E}", {"E": "1"}]}) == {"Fn::Sub": ["x-${E}-global", {"E": "1"}]}
    assert global_identifier("Db", {"Ref": "Name"}) == {"Fn::Sub": "${Name}-global"}
    join = {"Fn::Join": ["-", ["a", "b"]]}
    assert global_identifier("Db", join) == {"Fn::Join": ["", [join, "-global"]]}


def test_messy_shapes_do_not_crash():
    res = {"A": {"Type": "AWS::RDS::DBCluster"}, "B": {"Type": "AWS::RDS::DBCluster", "Properties": None},
           "C": "junk", "D": {"Type": "AWS::RDS::DBCluster", "Properties": {"Engine": ["aurora"]}},
           "E": {"Type": "AWS::RDS::GlobalCluster", "Properties": []}}
    assert check(res) == []
    assert findings(RULE, [], DR) == []


@pytest.mark.parametrize("props, why", [
    ({}, "no DBClusterIdentifier"),
    ({"DBClusterIdentifier": "orders", "KmsKeyId": "arn:aws:kms:us-east-1:111122223333:key/abc"}, "KmsKeyId"),
    ({"DBClusterIdentifier": {"Fn::Sub": "${AWS::StackName}-orders"}}, "63 characters"),
    ({"DBClusterIdentifier": {"Fn::Sub": "orders-${Long}"}}, "63 characters"),
])
def test_no_fix_rather_than_a_wrong_one(props, why) -> None:
    (f,) = check({"Db": cluster(**props)}, Parameters={"Long": {"Type": "String", "Default": "x" * 60}})
    assert f.fix is None and why in detail(f)


def test_a_nameless_cluster_is_named_by_the_environment_parameter() -> None:
    params = {"EnvironmentSuffix": {"Type": "String", "Default": "dev", "MaxLength": 10}}
    (f,) = check({"Db": cluster()}, Parameters=params)
    gc = next(op["value"] for op in f.fix.operations if op["path"] == "/Resources/AuroraGlobalCluster")
    assert gc["Properties"]["GlobalClusterIdentifier"] == {"Fn::Sub": "db-${EnvironmentSuffix}-global"}


def test_a_member_less_global_cluster_of_the_template_is_not_joined_by_guess() -> None:
    res = {"Db": cluster(), "G": {"Type": "AWS::RDS::GlobalCluster", "Properties": {"Engine": "aurora-mysql"}}}
    (f,) = check(res)
    assert f.fix is None and "every region" in detail(f)


def test_dns_failover_says_the_secondary_stays_read_only_until_promoted() -> None:
    record = {"Type": "AWS::Route53::RecordSet", "Properties": {
        "HostedZoneName": "example.com.", "Name": "db.example.com", "Type": "CNAME", "TTL": "60",
        "SetIdentifier": "p", "Failover": "PRIMARY", "ResourceRecords": ["primary.example.net"]}}
    (f,) = check({"Db": cluster(DBClusterIdentifier="orders"), "Record": record})
    assert "read-only until" in detail(f) and "promotion and the DNS flip as one step" in detail(f)
    (g,) = check({"Db": cluster(DBClusterIdentifier="orders")}, Parameters={"SecondaryRegion": {"Type": "String"}})
    assert "read-only" not in detail(g)
