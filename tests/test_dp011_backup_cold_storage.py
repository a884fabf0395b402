"""DP011 backup-cold-storage: lifecycles of rules and copy actions, and what is left alone."""

from __future__ import annotations

from rule_harness import applied, findings, template

from autofix.rules.dp.dp011_backup_cold_storage import BackupColdStorage

RULE = BackupColdStorage()


def plan(*lifecycles: dict, copy: dict | None = None) -> dict:
    rules = [{"RuleName": f"r{i}", "TargetBackupVault": "v", "Lifecycle": lc} for i, lc in enumerate(lifecycles)]
    if copy is not None:
        rules[0]["CopyActions"] = [{"DestinationBackupVaultArn": "arn", "Lifecycle": copy}]
    return template({"P": {"Type": "AWS::Backup::BackupPlan", "Properties": {"BackupPlan": {"BackupPlanRule": rules}}}})


def test_short_cold_storage_loses_the_move_unsafely() -> None:
    data = plan({"MoveToColdStorageAfterDays": 3, "DeleteAfterDays": 7},
                copy={"MoveToColdStorageAfterDays": 1, "DeleteAfterDays": 90})
    found = findings(RULE, data)
    assert [f.pointer.split("/")[-2] for f in found] == ["Lifecycle", "Lifecycle"]
    assert {f.fix.applicability.value for f in found} == {"unsafe"}
    rule = applied(data, found)["Resources"]["P"]["Properties"]["BackupPlan"]["BackupPlanRule"][0]
    assert rule["Lifecycle"] == {"DeleteAfterDays": 7}
    assert rule["CopyActions"][0]["Lifecycle"] == {"DeleteAfterDays": 90}


def test_ninety_days_forever_and_parameters_are_fine() -> None:
    data = plan({"MoveToColdStorageAfterDays": 10, "DeleteAfterDays": 100},
                {"MoveToColdStorageAfterDays": -1, "DeleteAfterDays": -1},
                {"MoveToColdStorageAfterDays": {"Ref": "Cold"}, "DeleteAfterDays": 30},
                {"DeleteAfterDays": 7})
    assert findings(RULE, data) == []
