"""HD002 stateful-resource-without-policy: a database, table, bucket or file system that stack deletion destroys."""

from __future__ import annotations

from collections.abc import Iterator

from autofix.context import RuleContext
from autofix.rules.base import Applicability, Finding, Rule
from autofix.rules.hd._facts import STATEFUL_TYPES, in_aurora_cluster, snapshot_allowed
from autofix.settings import Settings


class StatefulResourceWithoutPolicy(Rule):
    """## What it does
    Finds resources that hold data (RDS instances and clusters, Aurora, DocumentDB, Neptune,
    Redshift, DynamoDB tables, S3 buckets, EFS and FSx file systems, ElastiCache, OpenSearch,
    EBS volumes, Cognito user pools, QLDB, Timestream) with neither `DeletionPolicy` nor
    `UpdateReplacePolicy`, and gives them both.  The value is the family setting
    `stateful-policy` (`[tool.autofix.hd]`):

    - `"auto"` (default): `Snapshot` where the type supports it (RDS, DocumentDB, Neptune,
      Redshift, EBS volumes, ElastiCache Redis/Valkey), `Retain` otherwise;
    - `"retain"`: `Retain` everywhere;
    - `"delete"`: `Delete`, for throwaway stacks: it writes the default down, so reviewers see
      it is a choice.

    Instances of an Aurora cluster and read replicas are skipped: the cluster or the source holds
    the data.

    ## Why is this bad?
    Both attributes default to `Delete`: deleting the stack, or an update that replaces the
    resource (a changed name or key schema), destroys the data with no way back.  cfn-lint's
    I3011 reports it; post-mortems of generated templates ask for it every time.

    ## Example
    ```yaml
    Orders:
      Type: AWS::DynamoDB::Table
    ```

    Use instead:
    ```yaml
    Orders:
      Type: AWS::DynamoDB::Table
      DeletionPolicy: Retain
      UpdateReplacePolicy: Retain
    ```

    ## Fix safety
    Unsafe with `Retain` or `Snapshot`: it changes what deleting the stack does.  Retained
    resources stay (and keep costing) after the stack is gone, a retained resource with a fixed
    name (`BucketName`, `TableName`) makes the next stack of that name fail until it is
    removed by hand, and a final snapshot is kept until someone deletes it.  That is the point
    for production data, but a choice the owner makes.  Safe with `"delete"`, which states the
    default.

    ## References
    - [DeletionPolicy attribute](https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-deletionpolicy.html)
    - [UpdateReplacePolicy attribute](https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-updatereplacepolicy.html)
    - [cfn-lint I3011](https://github.com/aws-cloudformation/cfn-lint/blob/main/docs/rules.md)
    """

    id = "HD002"
    name = "stateful-resource-without-policy"
    summary = "Resource holding data has no DeletionPolicy or UpdateReplacePolicy"
    cfn_lint = ("I3011",)
    enabled_by_default = False  # an opinion: cfn-lint only informs (I3011, off by default)
    fix_applicability = Applicability.UNSAFE
    resource_types = STATEFUL_TYPES

    def check(self, ctx: RuleContext, settings: Settings) -> Iterator[Finding]:
        mode = self.option(settings, "stateful-policy")
        for logical_id, resource in ctx.resources_of(*STATEFUL_TYPES):
            if "DeletionPolicy" in resource or "UpdateReplacePolicy" in resource or in_aurora_cluster(resource):
                continue
            if mode == "delete":
                value, applicability = "Delete", Applicability.SAFE
            elif mode == "auto" and snapshot_allowed(resource):
                value, applicability = "Snapshot", Applicability.UNSAFE
            else:
                value, applicability = "Retain", Applicability.UNSAFE
            fix = (self.fixer(ctx)
                   .add(("Resources", logical_id, "DeletionPolicy"), value)
                   .add(("Resources", logical_id, "UpdateReplacePolicy"), value)
                   .build(f"Set DeletionPolicy and UpdateReplacePolicy of {logical_id} to {value}", applicability))
            yield self.finding(
                ctx.pointer("Resources", logical_id),
                f"{logical_id} ({resource['Type']}) has no DeletionPolicy or UpdateReplacePolicy",
                detail="It holds data: deleting or replacing it destroys the data.",
                fix=fix, resource=logical_id)
