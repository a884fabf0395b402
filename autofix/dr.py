"""Is this a multi-region disaster-recovery template?

Some rules (DR001, DR003, DR004) add billable architecture, which is only
right when the template is meant to survive a regional outage.  That intent
shows in the template itself: Route53 failover records or health checks, a
DynamoDB global table with replicas in two or more regions, an Aurora global
cluster, S3 replication, or parameters and conditions that name a secondary,
failover or DR region.  A plain single-region stack shows none of these and
gets no finding.  Users can force the answer with the ``dr`` setting.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from autofix.settings import Settings
from autofix.template import Template, ref_target

_REGION_NAME = re.compile(
    r"(secondary|failover|standby|replica|backup|dr|recovery|passive|target|destination)_?region"
    r"|region_?(secondary|failover|standby|replica|dr|2)\b",
    re.IGNORECASE,
)
_ROLE_CONDITION = re.compile(r"^is_?(primary|secondary|failover|standby|dr)(_?region)?$", re.IGNORECASE)


@dataclass(frozen=True)
class DrContext:
    is_dr: bool
    reason: str


def dr_context(template: Template, settings: Settings) -> DrContext:
    """Decide (and explain) whether DR-only rules apply to ``template``."""
    if settings.dr in ("true", "on", "yes", True):
        return DrContext(True, "forced on by configuration")
    if settings.dr in ("false", "off", "no", False):
        return DrContext(False, "forced off by configuration")
    for logical_id, resource in template.resources.items():
        if not isinstance(resource, dict):
            continue
        kind = resource.get("Type")
        props = resource.get("Properties") if isinstance(resource.get("Properties"), dict) else {}
        if kind == "AWS::Route53::HealthCheck":
            return DrContext(True, f"Route53 health check {logical_id}")
        if kind == "AWS::Route53::RecordSet" and "Failover" in props:
            return DrContext(True, f"Route53 failover record {logical_id}")
        if kind == "AWS::Route53::RecordSetGroup":
            records = props.get("RecordSets")
            if isinstance(records, list) and any(isinstance(r, dict) and "Failover" in r for r in records):
                return DrContext(True, f"Route53 failover records in {logical_id}")
        if kind == "AWS::RDS::GlobalCluster":
            return DrContext(True, f"Aurora global cluster {logical_id}")
        if kind == "AWS::S3::Bucket" and "ReplicationConfiguration" in props:
            return DrContext(True, f"S3 replication on {logical_id}")
        if kind == "AWS::DynamoDB::GlobalTable":
            replicas = props.get("Replicas")
            if isinstance(replicas, list):
                regions = {repr(r.get("Region")) for r in replicas if isinstance(r, dict)}
                if len(regions) >= 2:
                    return DrContext(True, f"DynamoDB global table {logical_id} with replicas in two regions")
    for name in template.parameters:
        if _REGION_NAME.search(name):
            return DrContext(True, f"parameter {name} names a secondary region")
    for name, body in template.conditions.items():
        if _ROLE_CONDITION.match(name) or _REGION_NAME.search(name):
            return DrContext(True, f"condition {name} distinguishes regions")
        if _mentions_region_parameter(body, template):
            return DrContext(True, f"condition {name} compares the region with a parameter")
    return DrContext(False, "no multi-region DR feature found")


def _mentions_region_parameter(body: object, template: Template) -> bool:
    """``Fn::Equals [Ref AWS::Region, Ref SomeRegionParameter]``."""
    if isinstance(body, dict) and isinstance(body.get("Fn::Equals"), list):
        args = body["Fn::Equals"]
        names = {ref_target(a) for a in args}
        if "AWS::Region" in names:
            return any(n and n != "AWS::Region" and "region" in n.lower() for n in names)
    return False
