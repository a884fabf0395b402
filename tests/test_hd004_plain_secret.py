"""HD004 plain-secret: managed passwords, generated secrets, dependents and refusals."""

from __future__ import annotations

from rule_harness import findings

from autofix.rules.hd.hd004_plain_secret import PlainSecret
from autofix.settings import Settings

RULE = PlainSecret()
PARAM = {"P": {"Type": "String", "NoEcho": True}}


def db(kind="AWS::RDS::DBInstance", **props):
    return {"Type": kind, "Properties": {"MasterUsername": "app", "MasterUserPassword": {"Ref": "P"}, **props}}


def check(resources, **extra):
    data = {"Parameters": dict(PARAM), "Resources": resources, **extra}
    return findings(RULE, data, Settings())


def ops(finding):
    return [(op["op"], op["path"]) for op in finding.fix.operations]


def test_standalone_instance_gets_managed_password():
    (f,) = check({"D": db()})
    assert ops(f) == [("remove", "/Resources/D/Properties/MasterUserPassword"),
                      ("add", "/Resources/D/Properties/ManageMasterUserPassword"), ("remove", "/Parameters")]
    assert f.fix.applicability.value == "unsafe"


def test_global_member_gets_a_secret_and_dependents_follow():
    res = {"C": db("AWS::RDS::DBCluster", GlobalClusterIdentifier="g"),
           "L": {"Type": "AWS::Lambda::Function", "Properties": {"Environment": {"Variables": {
               "PW": {"Ref": "P"}, "URL": {"Fn::Sub": "x://app:${P}@host"}}}}}}
    (f,) = check(res)
    by_path = {op["path"]: op.get("value") for op in f.fix.operations}
    ref = {"Fn::Sub": "{{resolve:secretsmanager:${PSecret}:SecretString:password}}"}
    assert by_path["/Resources/C/Properties/MasterUserPassword"] == ref
    assert by_path["/Resources/L/Properties/Environment/Variables/PW"] == ref
    assert by_path["/Resources/L/Properties/Environment/Variables/URL/Fn::Sub"] == (
        "x://app:{{resolve:secretsmanager:${PSecret}:SecretString:password}}@host")
    secret = by_path["/Resources/PSecret"]
    assert secret["Type"] == "AWS::SecretsManager::Secret"
    assert secret["Properties"]["GenerateSecretString"]["SecretStringTemplate"] == '{"username": "app"}'


def test_use_in_outputs_is_reported_without_fix():
    (f,) = check({"D": db()}, Outputs={"O": {"Value": {"Ref": "P"}}})
    assert f.fix is None and "/Outputs/O/Value" in (f.detail or "")


def test_auth_token_secret_avoids_refused_punctuation():
    res = {"R": {"Type": "AWS::ElastiCache::ReplicationGroup", "Properties": {"AuthToken": {"Ref": "P"}}}}
    (f,) = check(res)
    exclude = next(op["value"] for op in f.fix.operations if op["path"] == "/Resources/PSecret")[
        "Properties"]["GenerateSecretString"]["ExcludeCharacters"]
    assert "%" in exclude and "!" not in exclude


def test_literal_passwords_and_dynamic_references():
    res = {"U": {"Type": "AWS::IAM::User", "Properties": {"LoginProfile": {"Password": "Hunter2!"}}},
           "D": {"Type": "AWS::RDS::DBInstance", "Properties": {
               "MasterUserPassword": "{{resolve:secretsmanager:s:SecretString:password}}"}}}
    got = findings(RULE, {"Resources": res}, Settings())
    assert [f.pointer for f in got] == ["/Resources/U/Properties/LoginProfile/Password"]


def test_passwords_of_other_systems_are_reported_only():
    res = {"F": {"Type": "AWS::KinesisFirehose::DeliveryStream", "Properties": {
        "RedshiftDestinationConfiguration": {"Password": {"Ref": "P"}}}},
           "E": {"Type": "AWS::DMS::Endpoint", "Properties": {"Password": "S3cret!"}}}
    got = check(res)
    assert [f.pointer for f in got] == ["/Parameters/P", "/Resources/E/Properties/Password"]
    assert all(f.fix is None for f in got)


def test_echoed_parameter_of_another_password_property_gets_no_echo():
    data = {"Parameters": {"Q": {"Type": "String"}},
            "Resources": {"E": {"Type": "AWS::DMS::Endpoint", "Properties": {"Password": {"Ref": "Q"}}}}}
    (f,) = findings(RULE, data, Settings())
    assert f.fix.operations == ({"op": "add", "path": "/Parameters/Q/NoEcho", "value": True},)
    assert f.fix.applicability.value == "safe"


def test_password_shared_with_a_resource_of_the_template_is_generated():
    res = {"R": {"Type": "AWS::Redshift::Cluster", "Properties": {
        "MasterUsername": "app", "MasterUserPassword": {"Ref": "P"}}},
           "F": {"Type": "AWS::KinesisFirehose::DeliveryStream", "Properties": {
               "RedshiftDestinationConfiguration": {"Password": {"Ref": "P"}}}}}
    (f,) = check(res)
    by_path = {op["path"]: op.get("value") for op in f.fix.operations}
    ref = {"Fn::Sub": "{{resolve:secretsmanager:${PSecret}:SecretString:password}}"}
    assert by_path["/Resources/R/Properties/MasterUserPassword"] == ref
    assert by_path["/Resources/F/Properties/RedshiftDestinationConfiguration/Password"] == ref
