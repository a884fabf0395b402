"""DP023 backup-selection-conditions: IAM-style conditions become pairs when the meaning is kept."""

from __future__ import annotations

from rule_harness import applied, findings, template

from autofix.rules.dp.dp023_backup_selection_conditions import BackupSelectionConditions

RULE = BackupSelectionConditions()


def selection(conditions: object) -> dict:
    return template({"S": {"Type": "AWS::Backup::BackupSelection", "Properties": {
        "BackupPlanId": "p", "BackupSelection": {"SelectionName": "s", "IamRoleArn": "r", "Conditions": conditions}}}})


def test_single_values_become_pairs() -> None:
    data = selection({"StringLike": {"aws:ResourceTag/app": ["orders*"], "aws:ResourceTag/env": "prod"}})
    (found,) = findings(RULE, data)
    assert found.fix.applicability.value == "safe"
    assert applied(data, [found])["Resources"]["S"]["Properties"]["BackupSelection"]["Conditions"] == {
        "StringLike": [{"ConditionKey": "aws:ResourceTag/app", "ConditionValue": "orders*"},
                       {"ConditionKey": "aws:ResourceTag/env", "ConditionValue": "prod"}]}


def test_several_values_pairs_and_intrinsics() -> None:
    (found,) = findings(RULE, selection({"StringEquals": {"k": ["a", "b"]}}))
    assert found.fix is None
    assert findings(RULE, selection({"StringEquals": [{"ConditionKey": "k", "ConditionValue": "v"}]})) == []
    assert findings(RULE, selection({"Fn::If": ["C", {}, {}]})) == []
