"""DR011 aurora-global-managed-password: a managed master password on a cluster of a global database."""

from __future__ import annotations

from rule_harness import applied, findings

from autofix.rules.dr._deploy import simulate, simulate_update
from autofix.rules.dr.dr011_aurora_global_managed_password import AuroraGlobalManagedPassword

RULE = AuroraGlobalManagedPassword()
NO_VALUE = {"Ref": "AWS::NoValue"}


def cluster(**props) -> dict:
    return {"Type": "AWS::RDS::DBCluster", "Properties": {
        "Engine": "aurora-postgresql", "DBClusterIdentifier": "ledger", "MasterUsername": "ledger_admin",
        "ManageMasterUserPassword": True, **props}}


def global_cluster(**props) -> dict:
    return {"Type": "AWS::RDS::GlobalCluster", "Properties": {
        "GlobalClusterIdentifier": "ledger-global", "SourceDBClusterIdentifier": {"Fn::GetAtt": ["Db", "DBClusterArn"]},
        **props}}


def test_the_managed_password_becomes_one_replicated_secret_and_the_layout_deploys_whole() -> None:
    data = {"Parameters": {"SecondaryRegion": {"Type": "String", "Default": "eu-central-1"}},
            "Resources": {"Db": cluster(MasterUserSecret={"KmsKeyId": "alias/ledger"}), "Global": global_cluster()}}
    (finding,) = findings(RULE, data)
    assert finding.pointer == "/Resources/Db/Properties/ManageMasterUserPassword"
    assert finding.fix.applicability.value == "unsafe" and len(finding.message) <= 160
    after = applied(data, [finding])
    db = after["Resources"]["Db"]["Properties"]
    assert "ManageMasterUserPassword" not in db and "MasterUserSecret" not in db
    assert db["MasterUserPassword"] == {"Fn::If": ["IsSecondaryRegion", NO_VALUE, {
        "Fn::Sub": "{{resolve:secretsmanager:${DbMasterSecret}:SecretString:password}}"}]}
    secret = after["Resources"]["DbMasterSecret"]
    assert secret["Condition"] == "IsPrimaryRegion"
    assert secret["Properties"]["ReplicaRegions"] == [{"Region": {"Ref": "SecondaryRegion"}}]
    assert secret["Properties"]["KmsKeyId"] == "alias/ledger"
    # the layout it writes is completed: the global cluster in the primary's stack, joined in the secondary
    assert after["Resources"]["Global"]["Condition"] == "IsPrimaryRegion"
    assert db["GlobalClusterIdentifier"] == {"Fn::If": ["IsSecondaryRegion", "ledger-global", NO_VALUE]}
    assert db["MasterUsername"]["Fn::If"][:2] == ["IsSecondaryRegion", NO_VALUE]
    assert simulate(after) == [] and simulate(after, swap=True) == [] and simulate_update(data, after) == []
    assert findings(RULE, after) == []


def test_a_member_that_joins_by_identifier_is_found_too() -> None:
    (finding,) = findings(RULE, {"Resources": {"Db": cluster(GlobalClusterIdentifier={"Ref": "Global"}),
                                               "Global": {"Type": "AWS::RDS::GlobalCluster", "Properties": {
                                                   "GlobalClusterIdentifier": "ledger-global",
                                                   "Engine": "aurora-postgresql"}}}})
    assert finding.resource == "Db"


def test_an_unusable_user_name_gets_no_fix() -> None:
    (finding,) = findings(RULE, {"Resources": {"Db": cluster(MasterUsername={"Fn::ImportValue": "user"}),
                                               "Global": global_cluster()}})
    assert finding.fix is None and "MasterUsername" in finding.detail


def test_leaves_other_clusters_alone() -> None:
    assert findings(RULE, {"Resources": {"Db": cluster()}}) == []  # no global database
    assert findings(RULE, {"Resources": {"Db": cluster(ManageMasterUserPassword="false"),
                                         "Global": global_cluster()}}) == []
