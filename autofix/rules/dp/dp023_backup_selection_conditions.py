"""DP023 backup-selection-conditions: backup selection conditions written as IAM policy conditions."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from autofix.context import RuleContext, thaw
from autofix.intrinsics import intrinsic_name
from autofix.rules.base import Applicability, Finding, Rule
from autofix.settings import Settings

SELECTION = "AWS::Backup::BackupSelection"


class BackupSelectionConditions(Rule):
    """## What it does
    Finds AWS Backup selections whose `Conditions` are written the way IAM policies write
    them (`StringEquals: {aws:ResourceTag/app: orders}`) instead of the list of
    `ConditionKey` / `ConditionValue` pairs AWS Backup takes (cfn-lint E3012), and rewrites
    them.

    ## Why is this bad?
    The resource schema refuses the mapping, and the stack does not deploy.

    ## Example
    ```yaml
    Conditions:
      StringEquals:
        aws:ResourceTag/Backup: daily
    ```

    Use instead:
    ```yaml
    Conditions:
      StringEquals:
        - ConditionKey: aws:ResourceTag/Backup
          ConditionValue: daily
    ```

    ## Fix safety
    Safe when every key has one value: the pairs select the same resources.  A key with
    several values is reported without a fix: IAM reads them as "any of", AWS Backup's pairs
    must all hold.

    ## References
    - [AWS::Backup::BackupSelection Conditions](https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-backup-backupselection-conditions.html)
    - [Assigning resources to a backup plan](https://docs.aws.amazon.com/aws-backup/latest/devguide/assigning-resources.html)
    """

    id = "DP023"
    name = "backup-selection-conditions"
    summary = "Backup selection conditions written as IAM policy conditions"
    cfn_lint = ("E3012",)
    enabled_by_default = True  # resolves cfn-lint E3012
    fix_applicability = Applicability.SAFE
    resource_types = frozenset({SELECTION})

    def check(self, ctx: RuleContext, settings: Settings) -> Iterator[Finding]:
        for logical_id, _ in ctx.resources_of(SELECTION):
            selection = ctx.properties(logical_id).get("BackupSelection")
            conditions = selection.get("Conditions") if isinstance(selection, dict) else None
            if not isinstance(conditions, dict) or intrinsic_name(conditions):
                continue
            for operator, value in conditions.items():
                if isinstance(value, dict) and not intrinsic_name(value):
                    yield self._finding(ctx, logical_id, operator, value)

    def _finding(self, ctx: RuleContext, logical_id: str, operator: str, value: dict[str, Any]) -> Finding:
        path = ("Resources", logical_id, "Properties", "BackupSelection", "Conditions", operator)
        pointer = ctx.pointer(*path)
        message = f"{operator} of {logical_id} is a mapping; AWS Backup takes ConditionKey and ConditionValue pairs"
        pairs = []
        for key, wanted in value.items():
            if isinstance(wanted, list):
                if len(wanted) != 1:
                    return self.finding(pointer, message + f" (no fix: {key} has several values)", resource=logical_id)
                wanted = wanted[0]
            pairs.append({"ConditionKey": key, "ConditionValue": thaw(wanted)})
        fix = self.fixer(ctx).replace(pointer, pairs)
        return self.finding(pointer, message, resource=logical_id, fix=fix.build(
            f"Write {operator} as ConditionKey / ConditionValue pairs", Applicability.SAFE))
