"""HY004 unused-condition: a condition no resource, output, Fn::If or other condition uses."""

from __future__ import annotations

from autofix.rules.base import Applicability
from autofix.rules.hy._unused import UnusedEntry, unused_conditions

UNUSED_CONDITION = UnusedEntry(
    id="HY004",
    name="unused-condition",
    summary="Condition used by no resource, output, Fn::If or condition",
    cfn_lint=("W8001",),
    fix_applicability=Applicability.SAFE,
    section="Conditions",
    noun="condition",
    unused=unused_conditions,
    doc="""\
## What it does
Finds conditions that no resource or output `Condition`, no `Fn::If` and no other condition
uses, and removes them (the `Conditions` section too when the run's removals leave it
empty).  A condition that any other reference names, even a broken one, counts as used.  A
section the template came with empty (`Conditions: {}`) is left as written: cfn-lint
accepts it and nothing in it is unused.

## Why is this bad?
A condition nothing reads has no effect; it misleads the reader into thinking a resource is
optional, and it often keeps an otherwise unused parameter alive.  cfn-lint reports it
(W8001).

## Example
```yaml
Conditions:
  IsProd: !Equals [!Ref Environment, prod]   # used by a resource
  IsDev: !Equals [!Ref Environment, dev]     # used by nothing
```

Use instead:
```yaml
Conditions:
  IsProd: !Equals [!Ref Environment, prod]
```

## Fix safety
Safe: a condition is evaluated only for what uses it, so removing one that nothing uses
changes no resource.  A condition used only by another unused condition is removed on the
next round of the fix loop.  Templates that build names at deploy time (`Fn::ForEach`,
`AWS::LanguageExtensions`) are left alone.

## References
- [Conditions](https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/conditions-section-structure.html)
- [cfn-lint W8001](https://github.com/aws-cloudformation/cfn-lint/blob/main/docs/rules.md)
""",
)
