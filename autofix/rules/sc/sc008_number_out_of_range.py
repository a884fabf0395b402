"""SC008 number-out-of-range: a number outside the minimum or maximum the resource schema allows."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from autofix.context import RuleContext
from autofix.rules.base import Applicability, Finding, Rule
from autofix.rules.sc._walk import Node, mapping_nodes, pointer_of
from autofix.rules.sc.sc001_unknown_property import at_of
from autofix.settings import Settings


def number(value: Any) -> float | None:
    """A literal number, or a string that is one (templates write either); None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def _bound(schema: dict[str, Any], key: str) -> float | None:
    found = schema.get(key)
    return found if isinstance(found, (int, float)) and not isinstance(found, bool) else None


class NumberOutOfRange(Rule):
    """## What it does
    Finds numbers below the `minimum` or above the `maximum` the resource schema gives the
    property (cfn-lint E3034), at every level of the properties, and sets them to that bound.

    ## Why is this bad?
    The service rejects the value and the stack does not deploy.  LLM-written templates ask
    for what the service cannot do: 90 days of RDS automated backups (at most 35), five
    retries of an asynchronous Lambda invocation (at most 2).

    ## Example
    ```yaml
    Database:
      Type: AWS::RDS::DBInstance
      Properties:
        BackupRetentionPeriod: 90
    ```

    Use instead:
    ```yaml
        BackupRetentionPeriod: 35
    ```

    ## Fix safety
    Unsafe: the value moves to the nearest one the service accepts, which is not what the
    template asked for (longer retention needs another mechanism, such as AWS Backup).

    ## References
    - [Resource type schemas (minimum, maximum)](https://docs.aws.amazon.com/cloudformation-cli/latest/userguide/resource-type-schema.html)
    - [AWS::RDS::DBInstance BackupRetentionPeriod](https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-rds-dbinstance.html)
    """

    id = "SC008"
    name = "number-out-of-range"
    summary = "Number outside the minimum or maximum the resource schema allows"
    cfn_lint = ("E3034",)
    enabled_by_default = True  # resolves cfn-lint E3034
    fix_applicability = Applicability.UNSAFE

    def check(self, ctx: RuleContext, settings: Settings) -> Iterator[Finding]:
        for node in mapping_nodes(ctx, settings):
            kids = node.schema.children(node.node)
            for key, value in node.value.items():
                found = number(value)
                if found is None:
                    continue
                sub = kids[key]
                if not sub:
                    continue
                low, high = _bound(sub, "minimum"), _bound(sub, "maximum")
                if high is not None and found > high:
                    yield self._finding(ctx, node, key, value, high, "above the maximum")
                elif low is not None and found < low:
                    yield self._finding(ctx, node, key, value, low, "below the minimum")

    def _finding(self, ctx: RuleContext, node: Node, key: str, value: Any, bound: float, side: str) -> Finding:
        at = at_of(node) if node.depth else ""
        where = f"{node.logical_id} {'/'.join(filter(None, (at, key)))}"
        new: Any = int(bound) if float(bound).is_integer() else bound
        if isinstance(value, str):
            new = str(new)
        fix = self.fixer(ctx).replace((*node.path, key), new)
        return self.finding(pointer_of((*node.path, key)), f"{where} is {value}, {side} of {new} for {node.type_name}",
                            resource=node.logical_id, fix=fix.build(f"Set {key} to {new}", Applicability.UNSAFE))
