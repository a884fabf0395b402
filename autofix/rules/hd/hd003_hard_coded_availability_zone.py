"""HD003 hard-coded-availability-zone: a literal zone name such as ``us-east-1a``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from autofix.context import RuleContext
from autofix.patterns import lazy_pattern
from autofix.rules.base import Applicability, Finding, Rule
from autofix.settings import Settings
from autofix.template import Template, property_values, resource_type

ZONE = lazy_pattern(r"^[a-z]{2}(?:-gov|-iso[a-z]*)?-[a-z]+-\d+([a-z])$")
#: Zone letters turned into an index: every region has at least three zones (a, b, c).
MAX_INDEX = 2

#: Where cfn-lint (W3010) looks for zones: type -> property paths (``*``: any list item).
PLACES: dict[str, tuple[tuple[str, ...], ...]] = {
    "AWS::AutoScaling::AutoScalingGroup": (("AvailabilityZones", "*"),),
    "AWS::DAX::Cluster": (("AvailabilityZones", "*"),),
    "AWS::DMS::ReplicationInstance": (("AvailabilityZone",),),
    "AWS::EC2::Host": (("AvailabilityZone",),),
    "AWS::EC2::Instance": (("AvailabilityZone",),),
    "AWS::EC2::LaunchTemplate": (("LaunchTemplateData", "Placement", "AvailabilityZone"),),
    "AWS::EC2::Subnet": (("AvailabilityZone",),),
    "AWS::EC2::Volume": (("AvailabilityZone",),),
    "AWS::ElasticLoadBalancing::LoadBalancer": (("AvailabilityZones", "*"),),
    "AWS::ElasticLoadBalancingV2::TargetGroup": (("Targets", "*", "AvailabilityZone"),),
    "AWS::EMR::Cluster": (("Instances", "Placement", "AvailabilityZone"),),
    "AWS::Glue::Connection": (("ConnectionInput", "PhysicalConnectionRequirements", "AvailabilityZone"),),
    "AWS::OpsWorks::Instance": (("AvailabilityZone",),),
    "AWS::RDS::DBCluster": (("AvailabilityZones", "*"),),
    "AWS::RDS::DBInstance": (("AvailabilityZone",),),
}


def zone_expression(zone: str) -> dict[str, Any] | None:
    """``Fn::Select [i, Fn::GetAZs '']`` for a zone letter within every region's first three."""
    match = ZONE.match(zone)
    if not match:
        return None
    index = ord(match.group(1)) - ord("a")
    if index > MAX_INDEX:
        return None
    return {"Fn::Select": [index, {"Fn::GetAZs": ""}]}


def made_by_cdk(template: Template) -> bool:
    """Whether the CDK synthesized the template (as cfn-lint tells: an ``AWS::CDK::Metadata`` resource,
    the logical id ``CDKMetadata``, or a resource with ``aws:cdk:path`` metadata)."""
    for logical_id, resource in template.resources.items():
        if logical_id == "CDKMetadata" or resource_type(resource) == "AWS::CDK::Metadata":
            return True
        metadata = resource.get("Metadata") if isinstance(resource, dict) else None
        if isinstance(metadata, dict) and "aws:cdk:path" in metadata:
            return True
    return False


class HardCodedAvailabilityZone(Rule):
    """## What it does
    Finds Availability Zone names written as literals (`us-east-1a`) where cfn-lint looks for
    them (subnets, instances, volumes, Auto Scaling groups, RDS, DMS, EMR, Glue, load balancers,
    launch templates...), alone or in lists, and replaces each with
    `!Select [i, !GetAZs '']`, i following the zone letter (`a` -> 0, `b` -> 1, `c` -> 2), so
    zones that were distinct stay distinct.  Templates the CDK synthesized (an
    `AWS::CDK::Metadata` resource, or `aws:cdk:path` metadata) are left alone, as cfn-lint
    leaves them: the CDK writes the zones it looked up for the account, and a change belongs
    in the CDK app, not in its output.

    ## Why is this bad?
    A zone name only exists in one region: the stack cannot be deployed anywhere else, and zone
    letters map to different physical zones in each account.  cfn-lint reports it (W3010).

    ## Example
    ```yaml
    PublicSubnetA:
      Type: AWS::EC2::Subnet
      Properties:
        AvailabilityZone: us-east-1a
    ```

    Use instead:
    ```yaml
        AvailabilityZone: !Select [0, !GetAZs '']
    ```

    ## Fix safety
    Unsafe: changing `AvailabilityZone` replaces a subnet, instance or volume, and on a
    deployed stack `!GetAZs` of the stack's region need not return the zone the literal named
    (it lists the zones available to the account, in order).  On a new stack it only makes the
    template portable.  Zones after `c` are reported without a fix: not every region has a
    fourth zone.  Literals inside intrinsic functions are left alone.

    ## References
    - [Fn::GetAZs](https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-getavailabilityzones.html)
    - [Fn::Select](https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-select.html)
    - [cfn-lint W3010](https://github.com/aws-cloudformation/cfn-lint/blob/main/docs/rules.md)
    """

    id = "HD003"
    name = "hard-coded-availability-zone"
    summary = "Availability Zone written as a literal: select it from Fn::GetAZs"
    cfn_lint = ("W3010",)
    enabled_by_default = True  # resolves cfn-lint W3010
    fix_applicability = Applicability.UNSAFE
    resource_types = frozenset(PLACES)

    def check(self, ctx: RuleContext, settings: Settings) -> Iterator[Finding]:
        if made_by_cdk(ctx):
            return
        for logical_id, where, value in property_values(ctx, PLACES):
            if not isinstance(value, str) or not ZONE.match(value):
                continue
            pointer = ctx.pointer(*where)
            message = f"{logical_id} hard-codes Availability Zone {value}"
            expression = zone_expression(value)
            if expression is None:
                yield self.finding(pointer, message + " (no fix: not every region has that many zones)",
                                   resource=logical_id)
                continue
            fix = self.fixer(ctx).replace(pointer, expression).build(
                f"Select zone {expression['Fn::Select'][0]} of the stack's region", Applicability.UNSAFE)
            yield self.finding(pointer, message, fix=fix, resource=logical_id)
