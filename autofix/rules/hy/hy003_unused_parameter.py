"""HY003 unused-parameter: a parameter nothing in the template refers to."""

from __future__ import annotations

from autofix.rules.base import Applicability
from autofix.rules.hy._unused import UnusedEntry, unused_parameters

UNUSED_PARAMETER = UnusedEntry(
    id="HY003",
    name="unused-parameter",
    summary="Parameter used nowhere in the template",
    cfn_lint=("W2001",),
    fix_applicability=Applicability.UNSAFE,
    section="Parameters",
    noun="parameter",
    unused=unused_parameters,
    consequence="; removing it changes the stack's parameters",
    caller_note=" (callers passing them must stop)",
    doc="""\
## What it does
Finds parameters that no `Ref` or `Fn::Sub` variable anywhere in the template uses
(resources, outputs, conditions, rules, metadata) and removes them, with their entries in
the console's `AWS::CloudFormation::Interface` groups and labels.  A parameter that any
other reference names, even a broken one (`${Env.Name}`, `Fn::If: [Env, ...]`), counts as
used: that reference needs fixing, not the parameter removing.  Templates with a
`Transform` are left alone: a macro may use parameters the plain template does not show.
When the run's removals leave the `Parameters` section empty, it goes too; a section the
template came with empty (`Parameters: {}`) is left as written (cfn-lint accepts it).

## Why is this bad?
An unused parameter asks whoever deploys the stack for a value that changes nothing; it
usually means a setting the template forgot to wire in (check that first), and cfn-lint
reports it (W2001).

## Example
```yaml
Parameters:
  Environment: {Type: String, Default: dev}
  LegacyVpcCidr: {Type: String, Default: 10.0.0.0/16}   # no Ref anywhere
```

Use instead:
```yaml
Parameters:
  Environment: {Type: String, Default: dev}
```

## Fix safety
Unsafe: removing a parameter changes the stack's parameter interface.  A deploy script,
pipeline or parent stack that still passes `LegacyVpcCidr` fails with "Parameters
[LegacyVpcCidr] do not exist in the template"; update them together.  The resources
themselves do not change.  Removing a parameter can leave another entry unused (a
condition only it fed); the fix loop removes that next, and stops when nothing is unused.

## References
- [Parameters](https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/parameters-section-structure.html)
- [AWS::CloudFormation::Interface](https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-cloudformation-interface.html)
- [cfn-lint W2001](https://github.com/aws-cloudformation/cfn-lint/blob/main/docs/rules.md)
""",
)
