"""HY002 redundant-depends-on: a ``DependsOn`` entry that a Ref, GetAtt or Sub already implies."""

from __future__ import annotations

from collections.abc import Iterator

from autofix.context import RuleContext
from autofix.intrinsics import references
from autofix.rules.base import Applicability, Finding, Rule
from autofix.settings import Settings
from autofix.template import depends_on_entries


class RedundantDependsOn(Rule):
    """## What it does
    Finds `DependsOn` entries naming a resource that the resource's `Properties` already refer
    to through `Ref`, `Fn::GetAtt` or a `Fn::Sub` variable, and removes them.  A string
    `DependsOn` is removed; a list loses the entry, and the key goes when the list is left empty.

    Only references outside `Fn::If` count: a reference in a branch may not be taken, and then
    the `DependsOn` is what orders the resources.

    ## Why is this bad?
    CloudFormation already creates a referenced resource first; the extra entry is noise that
    hides the dependencies that matter (the ones no reference expresses), and cfn-lint reports
    it (W3005).

    ## Example
    ```yaml
    Instance:
      Type: AWS::EC2::Instance
      DependsOn: [SecurityGroup, NatGateway]
      Properties:
        SecurityGroupIds: [!Ref SecurityGroup]
    ```

    Use instead:
    ```yaml
      DependsOn: [NatGateway]
    ```

    ## Fix safety
    Safe: the order of creation, update and deletion is the same, since the reference
    enforces exactly the dependency the entry declared.

    ## References
    - [DependsOn attribute](https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-dependson.html)
    - [cfn-lint W3005](https://github.com/aws-cloudformation/cfn-lint/blob/main/docs/rules.md)
    """

    id = "HY002"
    reads_whole_template = True
    name = "redundant-depends-on"
    summary = "DependsOn entry already implied by a Ref, GetAtt or Sub"
    cfn_lint = ("W3005",)
    enabled_by_default = True  # resolves cfn-lint W3005
    fix_applicability = Applicability.SAFE

    def check(self, ctx: RuleContext, settings: Settings) -> Iterator[Finding]:
        resources = ctx.resources
        for logical_id, resource in resources.items():
            if not isinstance(resource, dict) or "DependsOn" not in resource:
                continue
            depends = resource["DependsOn"]
            entries = depends_on_entries(resource)
            implied = references(resource.get("Properties"), certain=True)
            redundant = [i for i, name in enumerate(entries)
                         if isinstance(name, str) and name in implied and name in resources and name != logical_id]
            if not redundant:
                continue
            names = [entries[i] for i in redundant]
            pointer = ctx.pointer("Resources", logical_id, "DependsOn")
            fix = self.fixer(ctx)
            if isinstance(depends, str) or len(redundant) == len(entries):
                fix.remove(pointer)
            else:
                for i in reversed(redundant):
                    fix.remove(("Resources", logical_id, "DependsOn", i))
            shown = ", ".join(names)
            yield self.finding(
                pointer,
                f"{logical_id} DependsOn {shown}, which its properties already reference",
                fix=fix.build(f"Remove {shown} from DependsOn of {logical_id}", Applicability.SAFE),
                resource=logical_id)
