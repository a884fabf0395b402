"""The region-correct layout that DR fixes write by default.

A CloudFormation stack lives in one region.  A DR fix that creates the "secondary" half in the
same stack creates it in the primary region, which does not survive the outage it exists for.
The layout here keeps every fix an RFC 6902 patch of the one template, deployed once per
region (the StackSets pattern):

- parameters ``PrimaryRegion`` and ``SecondaryRegion`` (the template's own region parameters
  are reused) and conditions ``IsPrimaryRegion`` / ``IsSecondaryRegion`` comparing
  ``AWS::Region`` with them (the template's own such conditions are reused);
- a parameter ``SecondaryStackDeployed`` (``"false"`` by default) and a condition
  ``ReplicateToSecondaryRegion`` (primary region and ``SecondaryStackDeployed`` is ``"true"``):
  S3 rejects a replication destination that does not exist, so the primary turns replication
  on only once the secondary region's stack has created the destination buckets.

Deploy order: (1) the primary region with the defaults; (2) the secondary region; (3) update
the primary region's stack with ``SecondaryStackDeployed=true``.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from autofix.fixes import FixBuilder
from autofix.patterns import LazyPattern, lazy_pattern
from autofix.settings import Settings
from autofix.template import Template, ref_target, resource_type

_PRIMARY_PARAM = lazy_pattern(r"^(primary|main|source|active|home)_?region(name)?$", re.IGNORECASE)
_SECONDARY_PARAM = lazy_pattern(
    r"^(secondary|failover|standby|dr|disaster_?recovery|replica(tion)?|backup|recovery|passive)_?region(name)?$",
    re.IGNORECASE)
#: The longest value a region parameter of the layout takes (for name-length bounds).
REGION_MAX = 20


class Layout(NamedTuple):
    primary: str  # parameter names
    secondary: str
    is_primary: str  # condition names
    is_secondary: str
    replicate: str  # condition: primary region, and the secondary region's stack exists
    deployed: str  # the SecondaryStackDeployed parameter
    changes: FixBuilder  # adds the parameters and conditions the template lacks

    def region_parameters(self) -> set[str]:
        return {self.primary, self.secondary}


def _region_equals(body: Any, parameter: str) -> bool:
    if isinstance(body, dict) and isinstance(body.get("Fn::Equals"), list) and len(body["Fn::Equals"]) == 2:
        names = {ref_target(a) for a in body["Fn::Equals"]}
        return names == {"AWS::Region", parameter}
    return False


def _default(settings: Settings, key: str, fallback: str) -> str:
    try:
        value = settings.family_option("DR", key)
    except KeyError:
        value = None
    if not value:
        value = getattr(settings, key.replace("-", "_"), None)
    return value if isinstance(value, str) and value else fallback


def layout(template: Template, settings: Settings, replication: bool = True) -> Layout:
    """The names the layout uses in ``template`` and the changes that add what is missing
    (``replication``: also the ``SecondaryStackDeployed`` switch that S3 replication waits for)."""
    changes = FixBuilder(template.data)
    taken: set[str] = set()
    params = template.parameters
    new_params: dict[str, Any] = {}
    new_conditions: dict[str, Any] = {}

    def param(pattern: LazyPattern, base: str, default: str, description: str) -> str:
        for name in params:
            if pattern.match(name):
                return name
        name = template.unique_id(base, taken)
        taken.add(name)
        new_params[name] = {"Type": "String", "Default": default, "Description": description}
        return name

    primary = param(_PRIMARY_PARAM, "PrimaryRegion", _default(settings, "primary-region", "us-east-1"),
                    "The region of the primary deployment of this template")
    secondary = param(_SECONDARY_PARAM, "SecondaryRegion", _default(settings, "secondary-region", "us-west-2"),
                      "The region of the secondary (disaster recovery) deployment of this template")

    def condition(parameter: str, base: str) -> str:
        for name, body in template.conditions.items():
            if _region_equals(body, parameter):
                return name
        name = template.unique_id(base, taken)
        taken.add(name)
        new_conditions[name] = {"Fn::Equals": [{"Ref": "AWS::Region"}, {"Ref": parameter}]}
        return name

    is_primary = condition(primary, "IsPrimaryRegion")
    is_secondary = condition(secondary, "IsSecondaryRegion")
    deployed = next((n for n in params if n == "SecondaryStackDeployed"), None)
    if not replication:
        deployed = deployed or "SecondaryStackDeployed"
    elif deployed is None:
        deployed = template.unique_id("SecondaryStackDeployed", taken)
        taken.add(deployed)
        new_params[deployed] = {
            "Type": "String", "Default": "false", "AllowedValues": ["false", "true"],
            "Description": (f"Set to true once this template's stack exists in the region {secondary} names: "
                            f"the primary region then replicates to the buckets that stack created")}
    replicate_body = {"Fn::And": [{"Condition": is_primary}, {"Fn::Equals": [{"Ref": deployed}, "true"]}]}
    replicate = next((n for n, b in template.conditions.items() if b == replicate_body), None)
    if not replication:
        replicate = replicate or "ReplicateToSecondaryRegion"
    elif replicate is None:
        replicate = template.unique_id("ReplicateToSecondaryRegion", taken)
        taken.add(replicate)
        new_conditions[replicate] = replicate_body
    for section, new in (("Parameters", new_params), ("Conditions", new_conditions)):
        if not new:
            continue
        if isinstance(template.data.get(section), dict):
            for key, value in new.items():
                changes.add((section, key), value)
        else:
            changes.add((section,), new)
    return Layout(primary, secondary, is_primary, is_secondary, replicate, deployed, changes)


def mode(settings: Settings) -> str:
    """``"regions"`` (default) or ``"same-stack"`` (only by configuration)."""
    try:
        value = settings.family_option("DR", "layout")
    except KeyError:
        return "regions"
    return value if value in ("regions", "same-stack") else "regions"


def plan_names(template: Template, names: Layout, replica: str, source: str,
               limit: int = 63) -> tuple[dict[str, int], FixBuilder, str | None] | None:
    """Names for a replica that exists only in the secondary region and for its source.

    ``replica`` is the replica's name (``Fn::Sub`` text, the same in both regions).  When the
    source's own ``BucketName`` does not depend on the region, the source gets a
    ``-${AWS::Region}`` suffix in the secondary region only (bucket names are global; the
    primary's name is kept).  Returns (``MaxLength`` bounds to add, the changes adding them and renaming
    the source, the source's secondary name) or None when the names cannot fit ``limit``.
    """
    from autofix.rules.dr import _names, _s3

    props = template.properties(source)
    own_text = _s3.normalize(props.get("BucketName")) if "BucketName" in props else None
    rename = bool(own_text) and "${AWS::Region}" not in str(own_text) and \
        "${" + names.secondary + "}" not in str(own_text)
    own = f"{own_text}-${{AWS::Region}}" if rename else None
    known = {names.primary: REGION_MAX, names.secondary: REGION_MAX}
    if own is not None:
        first = _names.bounds_to_add(template, own, limit, known)
        more = None if first is None else _names.bounds_to_add(template, replica, limit, {**known, **first})
        bounds = None if first is None or more is None else {**first, **more}
    else:
        bounds = _names.bounds_to_add(template, replica, limit, known)
    if bounds is None:
        return None
    changes = FixBuilder(template.data)
    for parameter, length in bounds.items():
        changes.add(("Parameters", parameter, "MaxLength"), length)
    if own is not None:
        changes.replace(("Resources", source, "Properties", "BucketName"),
                        {"Fn::If": [names.is_secondary, {"Fn::Sub": own}, props["BucketName"]]})
    return bounds, changes, own


#: Resource types whose names (or whose very existence) are global per account or partition, with the
#: property that names them (None: the resource itself is global, e.g. a DNS record).
_GLOBAL = {
    "AWS::IAM::Role": "RoleName", "AWS::IAM::ManagedPolicy": "ManagedPolicyName", "AWS::IAM::User": "UserName",
    "AWS::IAM::Group": "GroupName", "AWS::IAM::InstanceProfile": "InstanceProfileName",
    "AWS::S3::Bucket": "BucketName", "AWS::Route53::RecordSet": None, "AWS::Route53::RecordSetGroup": None,
    "AWS::Route53::HealthCheck": None, "AWS::Route53::HostedZone": None, "AWS::CloudFront::Distribution": None,
    "AWS::GlobalAccelerator::Accelerator": None, "AWS::RDS::GlobalCluster": "GlobalClusterIdentifier",
    "AWS::DynamoDB::GlobalTable": None,
}


def created_twice(template: Template, skip: set[str] | frozenset[str] = frozenset()) -> list[str]:
    """Unconditioned resources that a template deployed in both regions would create twice under one
    global name (or twice where once is meant): named IAM resources and buckets whose name has no
    region in it, Route 53 records, zones and health checks, CloudFront, Global Accelerator, global
    clusters and tables.  ``skip`` lists resources a fix already takes care of."""
    from autofix.template import strings_in

    out = []
    for logical_id, resource in template.resources.items():
        if logical_id in skip or not isinstance(resource, dict) or "Condition" in resource:
            continue
        kind = resource_type(resource)
        if kind not in _GLOBAL:
            continue
        key = _GLOBAL[kind]
        if key is not None:
            name = template.properties(logical_id).get(key)
            if name is None or any("${AWS::Region}" in s or s == "AWS::Region" for s in strings_in(name)):
                continue
        out.append(logical_id)
    return out


def twice_note(template: Template, skip: set[str] | frozenset[str] = frozenset()) -> str:
    """A message note naming what :func:`created_twice` finds (empty when nothing)."""
    found = created_twice(template, skip)
    if not found:
        return ""
    shown = ", ".join(found[:6]) + (f" and {len(found) - 6} more" if len(found) > 6 else "")
    return (f"; before deploying in the secondary region, make these exist once or per region (a condition "
            f"on the region, or the region in their names): {shown}")
