"""HY005 unused-mapping: a mapping no Fn::FindInMap reads."""

from __future__ import annotations

from collections.abc import Iterator

from autofix.context import RuleContext
from autofix.rules.base import Applicability, Finding, Rule
from autofix.rules.hy._unused import removal, unused_mappings
from autofix.settings import Settings


class UnusedMapping(Rule):
    """## What it does
    Finds mappings that no `Fn::FindInMap` reads and removes them (the `Mappings` section too
    when nothing is left).  When some `Fn::FindInMap` computes its map name, nothing is
    reported.

    ## Why is this bad?
    An unused mapping is dead data: often a table of AMI ids or sizes that the template stopped
    using, which goes stale without anyone noticing.  cfn-lint reports it (W7001).

    ## Example
    ```yaml
    Mappings:
      RegionAmi:            # no Fn::FindInMap reads it
        us-east-1: {Ami: ami-0123456789abcdef0}
    ```

    Use instead: remove the mapping.

    ## Fix safety
    Safe: a mapping is only data for `Fn::FindInMap`; removing one nothing reads changes no
    resource.

    ## References
    - [Mappings](https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/mappings-section-structure.html)
    - [cfn-lint W7001](https://github.com/aws-cloudformation/cfn-lint/blob/main/docs/rules.md)
    """

    id = "HY005"
    reads_whole_template = True
    name = "unused-mapping"
    summary = "Mapping read by no Fn::FindInMap"
    cfn_lint = ("W7001",)
    fix_applicability = Applicability.SAFE

    def check(self, ctx: RuleContext, settings: Settings) -> Iterator[Finding]:
        if ctx.data.get("Mappings") == {}:
            # left empty by removals in one round (this rule's and another's): the section goes too
            fix = self.fixer(ctx).remove(("Mappings",)).build("Remove the empty Mappings section",
                                                                   Applicability.SAFE)
            yield self.finding("/Mappings", "the Mappings section is empty", fix=fix)
            return
        names = unused_mappings(ctx)
        if not names:
            return
        fix = removal(ctx, self.fixer(ctx), "Mappings", names).build(
            f"Remove unused mapping{'s' if len(names) > 1 else ''} {', '.join(names)}", Applicability.SAFE)
        for name in names:
            yield self.finding(ctx.pointer("Mappings", name), f"mapping {name} is not used", fix=fix)
