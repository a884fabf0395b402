"""Is this a multi-region disaster-recovery template?

Some rules (DR001, DR003, DR004) add billable architecture, which is only
right when the template is meant to survive a regional outage.  That intent
shows in the template itself:

- a Route53 failover record that can fail over to another region (PRIMARY and
  SECONDARY records that both target this stack's own resources fail over within
  one region), or a latency record guarded by a health check;
- a DynamoDB global table with replicas in two or more regions;
- an Aurora global cluster, or a cluster joined to one or replicating from another region;
- S3 replication to a bucket named by an ARN string, or to one this template
  does not define (same-region replication to a bucket of this template,
  referenced with ``Ref``/``!GetAtt``, is a compliance pattern, not DR; a
  destination named by ARN stays evidence after DR006 creates the bucket, so the
  answer does not depend on which fixes ran first);
- a parameter that names a secondary, failover or DR region (``SecondaryRegion``,
  ``DRRegion``, ``DisasterRecoveryRegion``...), or a condition that singles out
  the secondary / DR side (``IsSecondaryRegion``, ``IsDR``).

Conditions that only name the primary (``IsPrimary``) are not evidence: cfn-lint's
fixtures and many stacks use them to mean "region is us-east-1".  A health check
on its own is plain monitoring.  Users can force the answer with the ``dr`` setting.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, NamedTuple

from autofix.patterns import lazy_pattern
from autofix.rules.dr._s3 import replication_destinations
from autofix.settings import Settings
from autofix.template import Template, getatt_target, ref_target, resource_type

if TYPE_CHECKING:
    from autofix.context import RuleContext

_REGION_PARAM = lazy_pattern(
    r"^(secondary|failover|standby|dr|disaster_?recovery|replica(tion)?|backup|recovery|passive)_?region(name)?$",
    re.IGNORECASE,
)


class DrContext(NamedTuple):
    is_dr: bool
    reason: str


def _props(resource: Any) -> dict[str, Any]:
    props = resource.get("Properties") if isinstance(resource, dict) else None
    return props if isinstance(props, dict) else {}


def _local_reference(template: Template, bucket: Any) -> bool:
    """A ``Ref``/``GetAtt`` to a bucket this template defines."""
    target = ref_target(bucket) or (getatt_target(bucket) or (None,))[0]
    return bool(target) and target in template.resources


def dr_context(ctx: RuleContext, settings: Settings) -> DrContext:
    """Decide (and explain) whether DR-only rules apply to the template (once per template and run)."""
    return ctx.cached(("dr_context", settings.dr), lambda: _decide(ctx, settings))


def is_dr_template(ctx: RuleContext, settings: Settings) -> bool:
    """The DR family's precondition."""
    return dr_context(ctx, settings).is_dr


def _decide(template: Template, settings: Settings) -> DrContext:
    if settings.dr in ("true", "on", "yes", True):
        return DrContext(True, "forced on by configuration")
    if settings.dr in ("false", "off", "no", False):
        return DrContext(False, "forced off by configuration")
    resources = template.resources
    for logical_id, resource in resources.items():
        if not isinstance(resource, dict):
            continue
        kind = resource_type(resource)
        props = _props(resource)
        if kind in ("AWS::Route53::RecordSet", "AWS::Route53::RecordSetGroup") and _cross_region_failover(
            template, resource
        ):
            return DrContext(True, f"Route53 failover record in {logical_id}")
        if kind == "AWS::Route53::RecordSet" and "Region" in props and "HealthCheckId" in props:
            return DrContext(True, f"Route53 latency record {logical_id} with a health check")
        if kind == "AWS::RDS::GlobalCluster":
            return DrContext(True, f"Aurora global cluster {logical_id}")
        if kind == "AWS::RDS::DBCluster" and (
            props.get("GlobalClusterIdentifier") or props.get("ReplicationSourceIdentifier")
        ):
            return DrContext(True, f"Aurora cluster {logical_id} replicates across regions")
        if kind == "AWS::DynamoDB::GlobalTable":
            replicas = props.get("Replicas")
            if isinstance(replicas, list):
                regions = {repr(r.get("Region")) for r in replicas if isinstance(r, dict)}
                if len(regions) >= 2:
                    return DrContext(True, f"DynamoDB global table {logical_id} with replicas in two regions")
        if kind == "AWS::S3::Bucket":
            outside = [b for _, b, _ in replication_destinations(template, logical_id)
                       if not _local_reference(template, b)]
            if outside:
                return DrContext(True, f"bucket {logical_id} replicates to a bucket named by ARN")
    for name in template.parameters:
        if _REGION_PARAM.match(name):
            return DrContext(True, f"parameter {name} names a secondary region")
    if template.conditions:
        found = _condition_evidence(template)
        if found is not None:
            return found
    return DrContext(False, "no multi-region DR feature found")


def _condition_evidence(template: Template) -> DrContext | None:
    """A condition that singles out the secondary / DR side (its helpers load only for templates with conditions)."""
    from autofix.rules.dr._endpoints import condition_role

    for name, body in template.conditions.items():
        if condition_role(name) == "secondary":
            return DrContext(True, f"condition {name} singles out the secondary region")
        if _compares_region_with_secondary(body):
            return DrContext(True, f"condition {name} compares the region with a secondary-region parameter")
    return None


def _failover_records(resource: dict[str, Any]) -> list[dict[str, Any]]:
    props = _props(resource)
    if resource_type(resource) == "AWS::Route53::RecordSet":
        return [props] if "Failover" in props else []
    records = props.get("RecordSets")
    return [r for r in records if isinstance(r, dict) and "Failover" in r] if isinstance(records, list) else []


def _cross_region_failover(template: Template, resource: dict[str, Any]) -> bool:
    """A failover record that can point outside this stack's region.

    PRIMARY and SECONDARY records that both target resources of this very
    template, with no condition choosing between regions, fail over within one
    region (two load balancers of one stack): not multi-region evidence.
    """
    records = _failover_records(resource)
    if not records:
        return False
    if "Condition" in resource:
        return True
    everything = [r for res in template.resources.values() if isinstance(res, dict)
                  and "Condition" not in res for r in _failover_records(res)]
    sides = {str(r.get("Failover")) for r in everything}
    local = all(_referenced({k: v for k, v in r.items() if k != "HealthCheckId"}) & set(template.resources)
                for r in everything)
    return not ({"PRIMARY", "SECONDARY"} <= sides and local)


def _referenced(value: Any) -> set[str]:
    from autofix.template import references

    return references(value)


def _compares_region_with_secondary(body: Any) -> bool:
    """``Fn::Equals [Ref AWS::Region, Ref SecondaryRegion]``."""
    if isinstance(body, dict) and isinstance(body.get("Fn::Equals"), list):
        names = {ref_target(a) for a in body["Fn::Equals"]}
        if "AWS::Region" in names:
            return any(n and _REGION_PARAM.match(n) for n in names)
    return False
