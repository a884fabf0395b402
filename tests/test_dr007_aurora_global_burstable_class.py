"""DR007 aurora-global-burstable-class: detector and generator edge cases."""

from __future__ import annotations

from rule_harness import applied, findings

from autofix.rules.dr.dr007_aurora_global_burstable_class import AuroraGlobalBurstableClass
from autofix.settings import Settings

RULE = AuroraGlobalBurstableClass()
S = Settings()
GLOBAL = {"Type": "AWS::RDS::GlobalCluster", "Properties": {"Engine": "aurora-mysql"}}
MEMBER = {"Type": "AWS::RDS::DBCluster",
          "Properties": {"Engine": "aurora-mysql", "GlobalClusterIdentifier": {"Ref": "G"}}}


def instance(cls, cluster="C"):
    return {"Type": "AWS::RDS::DBInstance", "Properties": {"DBClusterIdentifier": {"Ref": cluster},
                                                          "Engine": "aurora-mysql", "DBInstanceClass": cls}}


def check(resources, settings=S, **extra):
    return findings(RULE, {"Resources": {"G": GLOBAL, "C": MEMBER, **resources}, **extra}, settings)


def test_literal_classes_and_graviton():
    got = check({"A": instance("db.t3.medium"), "B": instance("db.t4g.large"), "Z": instance("db.t2.micro"),
                 "OK": instance("db.r6g.large"), "SL": instance("db.serverless")})
    values = {f.resource: f.fix.operations[0]["value"] for f in got}
    assert values == {"A": "db.r5.large", "B": "db.r6g.large", "Z": "db.r5.large"}
    assert all(f.fix.applicability.value == "safe" for f in got)


def test_configurable_replacement():
    (f,) = check({"A": instance("db.t3.medium")}, Settings(family_settings={"dr": {"instance-class": "db.r7g.large"}}))
    assert f.fix.operations[0]["value"] == "db.r7g.large"


def test_source_of_global_cluster_counts_and_non_members_do_not():
    res = {"G": {"Type": "AWS::RDS::GlobalCluster", "Properties": {"SourceDBClusterIdentifier": {"Ref": "P"}}},
           "C": {"Type": "AWS::RDS::DBCluster", "Properties": {"Engine": "aurora-mysql"}},
           "P": {"Type": "AWS::RDS::DBCluster", "Properties": {"Engine": "aurora-mysql"}},
           "InP": instance("db.t3.medium", "P"), "InC": instance("db.t3.medium", "C")}
    got = findings(RULE, {"Resources": res}, S)
    assert [f.resource for f in got] == ["InP"]


def test_no_global_cluster_no_finding():
    res = {"C": {"Type": "AWS::RDS::DBCluster", "Properties": {"Engine": "aurora-mysql"}},
           "I": instance("db.t3.medium")}
    assert findings(RULE, {"Resources": res}, S) == []


def test_parameter_default_once_and_allowed_values():
    params = {"Cls": {"Type": "String", "Default": "db.t3.medium", "AllowedValues": ["db.t3.medium"]}}
    got = check({"A": instance({"Ref": "Cls"}), "B": instance({"Ref": "Cls"})}, Parameters=params)
    allowed, default = got  # once per parameter, however many instances read it
    assert default.pointer == "/Parameters/Cls/Default" and default.resource is None
    assert default.fix.applicability.value == "safe"
    assert [op["path"] for op in default.fix.operations] == ["/Parameters/Cls/Default",
                                                             "/Parameters/Cls/AllowedValues/-"]
    # the burstable values left allowed: an unsafe fix removes them (and sets the default in the same fix)
    assert allowed.pointer == "/Parameters/Cls/AllowedValues" and allowed.fix.applicability.value == "unsafe"
    after = applied({"Parameters": params}, [allowed])
    assert after["Parameters"]["Cls"] == {"Type": "String", "Default": "db.r5.large", "AllowedValues": ["db.r5.large"]}


def test_fn_if_branches():
    cls = {"Fn::If": ["IsProd", "db.r5.large", {"Fn::If": ["IsDev", "db.t3.small", "db.t4g.medium"]}]}
    got = check({"A": instance(cls)})
    assert sorted(f.pointer for f in got) == [
        "/Resources/A/Properties/DBInstanceClass/Fn::If/2/Fn::If/1",
        "/Resources/A/Properties/DBInstanceClass/Fn::If/2/Fn::If/2"]
    assert any("when condition IsDev is true" in f.message for f in got)


def test_fn_if_branch_with_parameter():
    params = {"Cls": {"Type": "String", "Default": "db.t3.medium"}}
    (f,) = check({"A": instance({"Fn::If": ["C1", {"Ref": "Cls"}, "db.r5.large"]})}, Parameters=params)
    assert f.pointer == "/Parameters/Cls/Default"


def test_find_in_map_reachable_entries_only():
    maps = {"Env": {"dev": {"Db": "db.t3.medium"}, "test": {"Db": "db.t3.small"}, "prod": {"Db": "db.r5.large"}}}
    params = {"Stage": {"Type": "String", "AllowedValues": ["dev", "prod"]}}
    (f,) = check({"A": instance({"Fn::FindInMap": ["Env", {"Ref": "Stage"}, "Db"]})},
                 Mappings=maps, Parameters=params)
    assert f.pointer == "/Mappings/Env/dev/Db" and f.fix is not None
    got = check({"A": instance({"Fn::FindInMap": ["Env", {"Ref": "AWS::Region"}, "Db"]})}, Mappings=maps)
    assert sorted(f.pointer for f in got) == ["/Mappings/Env/dev/Db", "/Mappings/Env/test/Db"]
    (g,) = check({"A": instance({"Fn::FindInMap": ["Env", "prod", "Db"]}),
                  "B": instance({"Fn::FindInMap": ["Env", "dev", "Db"]})}, Mappings=maps)
    assert g.pointer == "/Mappings/Env/dev/Db"


def test_shared_mapping_is_report_only():
    maps = {"Env": {"dev": {"Db": "db.t3.medium"}}}
    other = {"Type": "AWS::RDS::DBInstance",
             "Properties": {"Engine": "mysql", "DBInstanceClass": {"Fn::FindInMap": ["Env", "dev", "Db"]}}}
    (f,) = check({"A": instance({"Fn::FindInMap": ["Env", "dev", "Db"]}), "Other": other}, Mappings=maps)
    assert f.fix is None and "also read elsewhere" in f.detail


def test_messy_shapes_do_not_crash():
    maps = {"Env": "junk"}
    got = check({"A": instance({"Fn::FindInMap": ["Env", "dev", "Db"]}),
                 "B": instance({"Fn::FindInMap": [{"Ref": "X"}, "dev", "Db"]}),
                 "C2": instance({"Fn::If": ["only-two", "db.t3.medium"]}),
                 "D": instance(None), "E": instance(["db.t3.medium"]),
                 "F": {"Type": "AWS::RDS::DBInstance", "Properties": "x"}}, Mappings=maps)
    assert got == []


# -- instances that name their cluster by its identifier


def named_member(identifier):
    return {"Type": "AWS::RDS::DBCluster", "Properties": {
        "Engine": "aurora-mysql", "GlobalClusterIdentifier": {"Ref": "G"}, "DBClusterIdentifier": identifier}}


def test_literal_identifier_equal_to_the_clusters_own_is_a_member():
    inst = instance("db.t3.medium")
    inst["Properties"]["DBClusterIdentifier"] = "Orders-Cluster"
    (f,) = check({"C": named_member("orders-cluster"), "I": inst})
    assert f.resource == "I"


def test_same_sub_identifier_is_a_member_and_a_different_one_is_not():
    sub = {"Fn::Sub": "orders-${Env}-cluster"}
    inst = instance("db.t3.medium")
    inst["Properties"]["DBClusterIdentifier"] = dict(sub)
    other = instance("db.t3.medium")
    other["Properties"]["DBClusterIdentifier"] = {"Fn::Sub": "billing-${Env}-cluster"}
    (f,) = check({"C": named_member(sub), "I": inst, "O": other})
    assert f.resource == "I"


def test_global_cluster_source_named_by_identifier():
    res = {"G": {"Type": "AWS::RDS::GlobalCluster", "Properties": {"SourceDBClusterIdentifier": "orders"}},
           "C": {"Type": "AWS::RDS::DBCluster", "Properties": {"Engine": "aurora-mysql",
                                                               "DBClusterIdentifier": "orders"}},
           "I": instance("db.t3.medium")}
    (f,) = findings(RULE, {"Resources": res}, S)
    assert f.resource == "I"


# -- parameter defaults: a class AllowedValues already lists comes first


def param_case(default, allowed):
    inst = instance({"Ref": "Cls"})
    found = check({"I": inst}, Parameters={"Cls": {"Type": "String", "Default": default, "AllowedValues": allowed}})
    return [f for f in found if f.pointer.endswith("/Default")]


def test_allowed_values_class_of_the_same_generation_is_preferred():
    (f,) = param_case("db.t3.medium", ["db.t3.medium", "db.r6g.xlarge", "db.r5.xlarge", "db.r5.2xlarge"])
    assert [(o["op"], o["value"]) for o in f.fix.operations] == [("replace", "db.r5.xlarge")]


def test_graviton_default_prefers_a_graviton_listed_class():
    (f,) = param_case("db.t4g.medium", ["db.t4g.medium", "db.r5.large", "db.r7g.large"])
    assert [o["value"] for o in f.fix.operations] == ["db.r7g.large"]


def test_exact_replacement_listed_wins():
    (f,) = param_case("db.t3.medium", ["db.t3.medium", "db.r6i.large", "db.r5.large"])
    assert [o["value"] for o in f.fix.operations] == ["db.r5.large"]


def test_no_listed_memory_optimized_class_appends_the_replacement():
    (f,) = param_case("db.t3.medium", ["db.t3.medium", "db.t3.large"])
    assert [(o["op"], o["value"]) for o in f.fix.operations] == [("replace", "db.r5.large"), ("add", "db.r5.large")]


def test_allowed_values_keep_the_non_burstable_classes_and_the_default() -> None:
    params = {"Cls": {"Type": "String", "Default": "db.r5.large",
                      "AllowedValues": ["db.t3.medium", "db.r5.large", "db.t4g.large", "db.r6g.large"]}}
    (f,) = check({"I": instance({"Ref": "Cls"})}, Parameters=params)
    assert f.pointer == "/Parameters/Cls/AllowedValues"
    assert "db.t3.medium, db.t4g.large" in f.message and f.fix.applicability.value == "unsafe"
    after = applied({"Parameters": params}, [f])
    assert after["Parameters"]["Cls"]["AllowedValues"] == ["db.r5.large", "db.r6g.large"]
    assert after["Parameters"]["Cls"]["Default"] == "db.r5.large"
    assert check({"I": instance({"Ref": "Cls"})}, Parameters=after["Parameters"]) == []
