"""SC007 mutually-exclusive-properties: properties the resource schema allows only one of, written together."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from autofix.context import RuleContext
from autofix.intrinsics import is_no_value
from autofix.rules.base import MAX_MESSAGE, Applicability, Finding, Rule
from autofix.rules.sc._walk import Node, mapping_nodes, pointer_of
from autofix.rules.sc.sc001_unknown_property import at_of
from autofix.schema import ResourceSchema
from autofix.settings import Settings


def exclusive_groups(schema: ResourceSchema, node: dict[str, Any]) -> tuple[frozenset[str], ...]:
    """Sets of properties of which an object may hold one (``dependentExcluded`` pairs, ``requiredXor``)."""
    return schema.fact("exclusive", node, _groups)


def _groups(resolved: dict[str, Any]) -> tuple[frozenset[str], ...]:
    found: list[frozenset[str]] = []
    excluded = resolved.get("dependentExcluded")
    if isinstance(excluded, dict):
        for name, others in excluded.items():
            for other in others if isinstance(others, list) else ():
                if isinstance(other, str) and frozenset({name, other}) not in found:
                    found.append(frozenset({name, other}))
    xor = resolved.get("requiredXor")
    if isinstance(xor, list) and all(isinstance(n, str) for n in xor):
        found.append(frozenset(xor))
    return tuple(found)


def empty(value: Any) -> bool:
    """Whether ``value`` configures nothing: empty, ``AWS::NoValue``, or made only of such values."""
    if value in ("", None) or is_no_value(value):
        return True
    if isinstance(value, dict):
        return all(empty(v) for v in value.values())
    if isinstance(value, list):
        return all(empty(v) for v in value)
    return False


class MutuallyExclusiveProperties(Rule):
    """## What it does
    Finds objects that hold more than one of a set of properties the resource schema allows
    only one of (cfn-lint E3020 for `dependentExcluded`, E3014 for `requiredXor`), at every
    level of the properties: a CloudFront origin with both `S3OriginConfig` and
    `CustomOriginConfig`, an alarm with `Metrics` and `MetricName`, a subnet with
    `AvailabilityZone` and `AvailabilityZoneId`.

    ## Why is this bad?
    CloudFormation or the service rejects the resource (an origin is either an S3 origin or a
    custom one), and the stack does not deploy.  LLM-written templates often add an empty
    placeholder of the other kind (`S3OriginConfig: {OriginAccessIdentity: ''}` beside a
    custom origin).

    ## Example
    ```yaml
    Origins:
      - Id: api
        DomainName: !Sub '${Api}.execute-api.${AWS::Region}.amazonaws.com'
        S3OriginConfig:
          OriginAccessIdentity: ''
        CustomOriginConfig:
          OriginProtocolPolicy: https-only
    ```

    Use instead:
    ```yaml
        CustomOriginConfig:
          OriginProtocolPolicy: https-only
    ```

    ## Fix safety
    Safe when all but one of the properties configure nothing (empty strings, empty mappings,
    `AWS::NoValue`): those are removed, and what the resource does is unchanged.  When two of
    them carry settings, which one was meant is the author's choice: reported without a fix.

    ## References
    - [Resource type schemas (dependentExcluded)](https://docs.aws.amazon.com/cloudformation-cli/latest/userguide/resource-type-schema.html)
    - [CloudFront Origin](https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-cloudfront-distribution-origin.html)
    """

    id = "SC007"
    name = "mutually-exclusive-properties"
    summary = "Properties the resource schema allows only one of, written together"
    cfn_lint = ("E3014", "E3020")
    enabled_by_default = True  # resolves cfn-lint E3014/E3020
    fix_applicability = Applicability.SAFE

    def check(self, ctx: RuleContext, settings: Settings) -> Iterator[Finding]:
        for node in mapping_nodes(ctx, settings):
            for group in exclusive_groups(node.schema, node.node):
                # left out: AWS::NoValue, and an empty list or mapping, which CloudFormation drops too
                present = [k for k in node.value if k in group and not is_no_value(node.value[k])
                           and node.value[k] not in ([], {})]
                if len(present) > 1:
                    yield self._finding(ctx, node, present)

    def _finding(self, ctx: RuleContext, node: Node, present: list[str]) -> Finding:
        at = at_of(node) if node.depth else ""
        where = f"{node.type_name} {node.logical_id}" + (f" {at}" if at else "")
        message = f"{where} sets {' and '.join(present)}, of which it may set one"
        if len(message) > MAX_MESSAGE:  # a long logical id: where in the resource is the finding's place
            message = f"{node.type_name} {node.logical_id} sets {' and '.join(present)}, of which it may set one"
        pointer = pointer_of((*node.path, present[-1]))
        kept = [k for k in present if not empty(node.value[k])]
        if len(kept) != 1:
            return self.finding(pointer, message, resource=node.logical_id)
        fix = self.fixer(ctx)
        dropped = [k for k in present if k not in kept]
        for key in dropped:
            fix.remove((*node.path, key))
        return self.finding(pointer, message, detail=f"{', '.join(dropped)} configures nothing.",
                            resource=node.logical_id,
                            fix=fix.build(f"Remove the empty {', '.join(dropped)}", Applicability.SAFE))
