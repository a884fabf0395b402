"""DP011 backup-cold-storage: a backup plan deletes recovery points before cold storage's 90 days are up."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from autofix.context import RuleContext
from autofix.rules.base import Applicability, Finding, Rule
from autofix.settings import Settings

PLAN = "AWS::Backup::BackupPlan"
#: days a recovery point must stay in cold storage before it may be deleted
COLD_MINIMUM = 90


class BackupColdStorage(Rule):
    """## What it does
    Finds backup plan lifecycles (of a rule, or of a rule's copy action) that move recovery
    points to cold storage less than 90 days before they delete them (cfn-lint E3504), and
    removes the move to cold storage.

    ## Why is this bad?
    A recovery point in cold storage must stay there 90 days: AWS Backup rejects a lifecycle
    whose `DeleteAfterDays` is less than `MoveToColdStorageAfterDays` + 90, and the stack
    does not deploy.  Such short retention gains nothing from cold storage anyway: cold
    storage bills 90 days at least.

    ## Example
    ```yaml
    Lifecycle:
      MoveToColdStorageAfterDays: 7
      DeleteAfterDays: 30
    ```

    Use instead:
    ```yaml
    Lifecycle:
      DeleteAfterDays: 30
    ```

    ## Fix safety
    Unsafe: recovery points stay in warm storage until they are deleted, on the day the
    template asked for.  Keeping them 90 days longer instead would change the retention,
    which may be a compliance promise; the cost trade-off is the author's to review.

    ## References
    - [AWS Backup Lifecycle](https://docs.aws.amazon.com/aws-backup/latest/devguide/API_Lifecycle.html)
    - [AWS::Backup::BackupPlan LifecycleResourceType](https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-backup-backupplan-lifecycleresourcetype.html)
    """

    id = "DP011"
    name = "backup-cold-storage"
    summary = "Backup lifecycle deletes recovery points before their 90 days in cold storage"
    cfn_lint = ("E3504",)
    enabled_by_default = True  # resolves cfn-lint E3504
    fix_applicability = Applicability.UNSAFE
    resource_types = frozenset({PLAN})

    def check(self, ctx: RuleContext, settings: Settings) -> Iterator[Finding]:
        for logical_id, _ in ctx.resources_of(PLAN):
            plan = ctx.properties(logical_id).get("BackupPlan")
            rules = plan.get("BackupPlanRule") if isinstance(plan, dict) else None
            if not isinstance(rules, list):
                continue
            base = ("Resources", logical_id, "Properties", "BackupPlan", "BackupPlanRule")
            for i, rule in enumerate(rules):
                if not isinstance(rule, dict):
                    continue
                yield from self._lifecycle(ctx, logical_id, (*base, i, "Lifecycle"), rule.get("Lifecycle"))
                copies = rule.get("CopyActions")
                for j, copy in enumerate(copies if isinstance(copies, list) else ()):
                    if isinstance(copy, dict):
                        yield from self._lifecycle(ctx, logical_id, (*base, i, "CopyActions", j, "Lifecycle"),
                                                   copy.get("Lifecycle"))

    def _lifecycle(self, ctx: RuleContext, logical_id: str, path: tuple[Any, ...], lifecycle: Any) -> Iterator[Finding]:
        if not isinstance(lifecycle, dict):
            return
        delete, cold = lifecycle.get("DeleteAfterDays"), lifecycle.get("MoveToColdStorageAfterDays")
        if not (_days(delete) and _days(cold)) or delete - cold >= COLD_MINIMUM:
            return
        fix = self.fixer(ctx).remove((*path, "MoveToColdStorageAfterDays"))
        yield self.finding(ctx.pointer(*path, "DeleteAfterDays"),
                           f"recovery points are deleted after {delete} days, {delete - cold} days after moving to "
                           f"cold storage, which keeps them {COLD_MINIMUM} days at least", resource=logical_id,
                           fix=fix.build("Keep recovery points in warm storage until they are deleted",
                                         Applicability.UNSAFE))


def _days(value: Any) -> bool:
    """A literal, positive number of days (``-1`` keeps recovery points forever)."""
    return isinstance(value, int) and not isinstance(value, bool) and value > 0
