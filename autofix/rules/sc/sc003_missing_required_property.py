"""SC003 missing-required-property: a property the resource schema requires is not there."""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from autofix.context import RuleContext, thaw
from autofix.patches import fragment
from autofix.rules.base import Applicability, Finding, Rule
from autofix.rules.sc._walk import Node, mapping_nodes, pointer_of, schemas_of
from autofix.rules.sc.sc001_unknown_property import at_of
from autofix.settings import Settings
from autofix.template import Template

PATCHES = "SC003-missing-required-property"


@lru_cache(maxsize=1)
def _canonical() -> dict[tuple[str, str, str], Any]:
    return {(e["type"], e.get("at", ""), e["property"]): e["value"] for e in fragment(PATCHES, "canonical")}


class MissingRequiredProperty(Rule):
    """## What it does
    Finds objects that lack a property the resource provider schema requires (cfn-lint E3003),
    at every level of the properties and in both branches of `Fn::If`, including resources
    that have no `Properties` at all.

    ## Why is this bad?
    CloudFormation refuses the resource (`Property X cannot be empty` / `required key not
    found`): the stack does not deploy.  LLM-written templates leave out properties whose
    value they take for a default (`IsLogging` of a CloudTrail trail, the `Id` of an
    EventBridge target, the `Status` of an S3 lifecycle rule).

    ## Example
    ```yaml
    Trail:
      Type: AWS::CloudTrail::Trail
      Properties:
        S3BucketName: !Ref TrailBucket
    ```

    Use instead:
    ```yaml
    Trail:
      Type: AWS::CloudTrail::Trail
      Properties:
        S3BucketName: !Ref TrailBucket
        IsLogging: true
    ```

    ## Fix safety
    Safe, where the value is canonical: one that any template means when it leaves the
    property out (`patches/SC003-missing-required-property.yaml`: CloudTrail `IsLogging: true`,
    S3 lifecycle rule `Status: Enabled`, Lambda permission `Action: lambda:InvokeFunction`,
    DynamoDB `PointInTimeRecoveryEnabled: true` inside its specification...), or generated from
    the template (an EventBridge target `Id` unique in its rule, a security group description
    from its logical id).  Elsewhere no value can be known (a role ARN, a domain name): the
    finding is reported without a fix; SC001 often supplies the property by renaming or nesting
    a misplaced one, which the fix loop does first.

    ## References
    - [Resource type schemas (required)](https://docs.aws.amazon.com/cloudformation-cli/latest/userguide/resource-type-schema.html)
    - [AWS::CloudTrail::Trail IsLogging](https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-cloudtrail-trail.html)
    - [AWS::Events::Rule Target Id](https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-events-rule-target.html)
    """

    id = "SC003"
    name = "missing-required-property"
    summary = "Property required by the resource schema is missing"
    cfn_lint = ("E3003",)
    enabled_by_default = True  # resolves cfn-lint E3003
    fix_applicability = Applicability.SAFE

    def check(self, ctx: RuleContext, settings: Settings) -> Iterator[Finding]:
        for logical_id, schema in schemas_of(ctx, settings).items():
            resource = ctx.resources[logical_id]
            if "Properties" not in resource and schema.required(schema.root):
                node = Node(logical_id, schema, ("Resources", logical_id, "Properties"), {}, schema.root, None, 0)
                for key in schema.required(schema.root):
                    yield self._finding(ctx, node, key, create=True)
        for node in mapping_nodes(ctx, settings):
            for key in node.schema.required(node.node):
                if key not in node.value:
                    yield self._finding(ctx, node, key)

    def _finding(self, ctx: RuleContext, node: Node, key: str, create: bool = False) -> Finding:
        at = at_of(node) if node.depth else ""
        where = f"{node.type_name} {node.logical_id}" + (f" {at}" if at else "")
        what = f"{where}: required property {key} is missing"
        pointer = pointer_of(node.path)
        value = _canonical().get((node.type_name, at, key))
        if isinstance(value, dict) and "generate" in value:
            value = _generate(ctx, node, value["generate"])
        if value is None:
            return self.finding(pointer, what, resource=node.logical_id)
        fix = self.fixer(ctx)
        fix.set((*node.path, key), thaw(value))
        return self.finding(pointer, f"{what}; set it to {json.dumps(value)}", resource=node.logical_id,
                            fix=fix.build(f"Set {key} to {json.dumps(value)}", Applicability.SAFE))


def _generate(template: Template, node: Node, kind: str) -> Any:
    if kind == "description":
        return f"Security group for {node.logical_id}"
    if kind == "target":
        # a target Id unique among the rule's targets
        parent = template.data
        for seg in node.path[:-1]:
            parent = parent[seg] if isinstance(parent, (dict, list)) else None
        taken = {t.get("Id") for t in parent if isinstance(t, dict)} if isinstance(parent, list) else set()
        index = node.path[-1] if isinstance(node.path[-1], int) else 0
        name = f"Target{index}"
        n = 1
        while name in taken:
            n += 1
            name = f"Target{index}_{n}"
        return name
    return None
