"""HY005 unused-mapping: a mapping no Fn::FindInMap reads."""

from __future__ import annotations

from autofix.rules.base import Applicability
from autofix.rules.hy._unused import UnusedEntry, unused_mappings

UNUSED_MAPPING = UnusedEntry(
    id="HY005",
    name="unused-mapping",
    summary="Mapping read by no Fn::FindInMap",
    cfn_lint=("W7001",),
    fix_applicability=Applicability.SAFE,
    section="Mappings",
    noun="mapping",
    unused=unused_mappings,
    doc="""\
## What it does
Finds mappings that no `Fn::FindInMap` reads and removes them (the `Mappings` section too
when the run's removals leave it empty; a section the template came with empty,
`Mappings: {}`, is left as written: cfn-lint accepts it).  When some `Fn::FindInMap`
computes its map name, nothing is reported.  A mapping that any other reference names, even
a broken one (`${RegionMap.Ami}` in a `Fn::Sub`, which cannot read a mapping), counts as
used: that reference needs fixing, and it says which mapping its author meant.

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
""",
)
