"""SC009 conditional-dependency: a property kept while the property it requires is left out by a condition."""

from __future__ import annotations

from collections.abc import Iterator

from autofix.context import RuleContext, thaw
from autofix.intrinsics import NO_VALUE, is_no_value, optional_branch
from autofix.rules.base import Applicability, Finding, Rule
from autofix.rules.sc._walk import Node, mapping_nodes, pointer_of
from autofix.rules.sc.sc001_unknown_property import at_of
from autofix.rules.sc.sc005_dependent_property_missing import dependencies
from autofix.settings import Settings


class ConditionalDependency(Rule):
    """## What it does
    Finds a property that the resource schema allows only together with another
    (`dependentRequired`), where that other property is `!If [Condition, value,
    !Ref AWS::NoValue]`: when the condition leaves it out, the first is left alone (cfn-lint
    E3021).  The first property gets the same condition.  A security group whose `VpcId` is
    left out to use the default VPC, but whose `SecurityGroupEgress` stays, is the usual case.

    ## Why is this bad?
    In the configuration the condition selects, CloudFormation or the service rejects the
    resource (egress rules need the group's VPC), and the stack fails there.

    ## Example
    ```yaml
    Group:
      Type: AWS::EC2::SecurityGroup
      Properties:
        GroupDescription: app
        VpcId: !If [UseDefaultVpc, !Ref AWS::NoValue, !Ref VpcId]
        SecurityGroupEgress:
          - {IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 0.0.0.0/0}
    ```

    Use instead:
    ```yaml
        SecurityGroupEgress: !If
          - UseDefaultVpc
          - !Ref AWS::NoValue
          - - {IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 0.0.0.0/0}
    ```

    ## Fix safety
    Unsafe: where the condition holds nothing changes; where it does not, the property is
    left out with the one it requires, which the service then defaults (a group without
    egress rules allows all egress).

    ## References
    - [Resource type schemas (dependentRequired)](https://docs.aws.amazon.com/cloudformation-cli/latest/userguide/resource-type-schema.html)
    - [Fn::If and AWS::NoValue](https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-conditions.html)
    """

    id = "SC009"
    name = "conditional-dependency"
    summary = "Property kept while the property it requires is left out by a condition"
    cfn_lint = ("E3021",)
    enabled_by_default = True  # resolves cfn-lint E3021
    fix_applicability = Applicability.UNSAFE

    def check(self, ctx: RuleContext, settings: Settings) -> Iterator[Finding]:
        for node in mapping_nodes(ctx, settings):
            for name, needs in dependencies(node.schema, node.node).items():
                value = node.value.get(name)
                if value is None or is_no_value(value) or optional_branch(value) is not None:
                    continue
                for need in needs:
                    split = optional_branch(node.value.get(need))
                    if split is not None:
                        yield self._finding(ctx, node, name, need, split[0], split[2])
                        break

    def _finding(self, ctx: RuleContext, node: Node, name: str, need: str, condition: str, kept_when: bool) -> Finding:
        at = at_of(node) if node.depth else ""
        where = f"{node.type_name} {node.logical_id}" + (f" {at}" if at else "")
        state = "false" if kept_when else "true"
        value = thaw(node.value[name])
        branches = [value, dict(NO_VALUE)] if kept_when else [dict(NO_VALUE), value]
        fix = self.fixer(ctx).replace((*node.path, name), {"Fn::If": [condition, *branches]})
        return self.finding(pointer_of((*node.path, name)),
                            f"{where}: {name} requires {need}, which is left out when {condition} is {state}",
                            resource=node.logical_id,
                            fix=fix.build(f"Leave {name} out when {need} is", Applicability.UNSAFE))
