"""SC005 dependent-property-missing: a property that the schema allows only together with another."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from autofix.context import RuleContext
from autofix.patterns import lazy_pattern
from autofix.rules.base import Applicability, Finding, Rule
from autofix.rules.sc._walk import Node, mapping_nodes, pointer_of
from autofix.rules.sc.sc001_unknown_property import at_of
from autofix.schema import ResourceSchema
from autofix.settings import Settings
from autofix.template import Template

_ID_FORMAT = lazy_pattern(r"^(AWS::[A-Za-z0-9]+::[A-Za-z0-9]+)\.Id$")


def dependencies(schema: ResourceSchema, node: dict[str, Any]) -> dict[str, list[str]]:
    """Property -> the properties it requires (``dependentRequired`` and list-valued ``dependencies``)."""
    return schema.fact("dependencies", node, _dependencies)


def _dependencies(resolved: dict[str, Any]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for key in ("dependentRequired", "dependencies"):
        table = resolved.get(key)
        if isinstance(table, dict):
            for name, needs in table.items():
                if isinstance(needs, list):
                    found.setdefault(name, []).extend(n for n in needs if isinstance(n, str))
    return found


class DependentPropertyMissing(Rule):
    """## What it does
    Finds a property written without a property that the resource schema requires with it
    (cfn-lint E3021: `dependentRequired` / `dependencies`), at every level of the properties:
    a DynamoDB `SSESpecification.KMSMasterKeyId` without `SSEType`, security group
    `SecurityGroupEgress` without `VpcId`.

    ## Why is this bad?
    CloudFormation or the service rejects the resource: DynamoDB refuses a KMS key without
    `SSEType: KMS`; egress rules exist only for security groups of a VPC, and a security group
    without `VpcId` is created in the default VPC (or fails where there is none).

    ## Example
    ```yaml
    Table:
      Type: AWS::DynamoDB::Table
      Properties:
        SSESpecification:
          SSEEnabled: true
          KMSMasterKeyId: !Ref TableKey
    ```

    Use instead:
    ```yaml
        SSESpecification:
          SSEEnabled: true
          SSEType: KMS
          KMSMasterKeyId: !Ref TableKey
    ```

    ## Fix safety
    - The required property allows a single value (`SSEType` can only be `KMS`): it is added,
      safe.
    - The required property is the id of a resource type (`VpcId` is an `AWS::EC2::VPC.Id`) and
      the template has exactly one such resource without a condition (or else exactly one
      parameter of that id type): a `Ref` to it is added, unsafe (the template's only VPC is the
      likely one, but the group moves out of the default VPC: it is replaced).
    - Otherwise the finding is reported without a fix.

    ## References
    - [Resource type schemas (dependentRequired)](https://docs.aws.amazon.com/cloudformation-cli/latest/userguide/resource-type-schema.html)
    - [AWS::DynamoDB::Table SSESpecification](https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-dynamodb-table-ssespecification.html)
    - [AWS::EC2::SecurityGroup VpcId](https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ec2-securitygroup.html)
    """

    id = "SC005"
    name = "dependent-property-missing"
    summary = "Property written without the property the resource schema requires with it"
    cfn_lint = ("E3021",)
    enabled_by_default = True  # resolves cfn-lint E3021
    fix_applicability = Applicability.SAFE

    def check(self, ctx: RuleContext, settings: Settings) -> Iterator[Finding]:
        for node in mapping_nodes(ctx, settings):
            for name, needs in dependencies(node.schema, node.node).items():
                if name not in node.value:
                    continue
                for need in needs:
                    if need not in node.value:
                        yield self._finding(ctx, node, name, need)

    def _finding(self, ctx: RuleContext, node: Node, name: str, need: str) -> Finding:
        at = at_of(node) if node.depth else ""
        where = f"{node.type_name} {node.logical_id}" + (f" {at}" if at else "")
        what = f"{where}: {name} requires {need}, which is missing"
        pointer = pointer_of((*node.path, name))
        sub = node.schema.child(node.node, need) or {}
        enum = sub.get("enum")
        fix = self.fixer(ctx)
        if isinstance(enum, list) and len(enum) == 1:
            fix.add((*node.path, need), enum[0])
            return self.finding(pointer, f"{what}; it can only be {enum[0]!r}", resource=node.logical_id,
                                fix=fix.build(f"Set {need} to {enum[0]!r}", Applicability.SAFE))
        target = _only_id_source(ctx, sub.get("format"))
        if target is not None:
            fix.add((*node.path, need), {"Ref": target})
            return self.finding(pointer, f"{what}; the template's only candidate is {target}",
                                resource=node.logical_id,
                                fix=fix.build(f"Set {need} to !Ref {target}", Applicability.UNSAFE))
        return self.finding(pointer, what, resource=node.logical_id)


def _only_id_source(template: Template, fmt: Any) -> str | None:
    """The one resource (or else parameter) whose Ref gives an id of the format's type."""
    match = _ID_FORMAT.match(fmt) if isinstance(fmt, str) else None
    if not match:
        return None
    type_name = match.group(1)
    found = [lid for lid, res in template.resources_of(type_name) if "Condition" not in res]
    if len(found) == 1 and len(list(template.resources_of(type_name))) == 1:
        return found[0]
    if not found:
        wanted = type_name.replace("AWS::", "AWS::", 1) + "::Id"
        params = [name for name, p in template.parameters.items() if isinstance(p, dict) and p.get("Type") == wanted]
        if len(params) == 1:
            return params[0]
    return None
