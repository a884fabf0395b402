"""The deterministic fixes of what the two-region deploy simulation finds (:mod:`._deploy`).

DR009 offers each as the fix of its finding; the DR fixes that write the layout apply them to their own
result (:mod:`._whole`), so that the layout they write deploys whole.  Every remedy keeps what the
primary region's stack already has: a name changes only where the resource is new, in the secondary
region (``!If [IsSecondaryRegion, <new name>, <name>]``), and a resource moves only out of the stack
that did not have it before.

- ``gate-primary``: a global table, or a global cluster without a source cluster, that both stacks
  create is created by the primary's stack only; references to it in the secondary stack name it
  (:mod:`._rename`), and a cluster joining it there leaves its master credentials out;
- ``region-suffix``: a bucket or IAM role, user, group, managed policy or instance profile that both
  stacks create gets ``-${AWS::Region}`` in its name in the secondary region; when that cannot fit the
  name's limit, the secondary stack leaves the name to CloudFormation (unique by construction), and only
  when something writes the name as text are parameters bounded instead;
- ``failover-own-region``: a PRIMARY (SECONDARY) failover record both stacks create is created by the
  primary's (secondary's) stack only;
- ``gate-replication``: replication waits for ``SecondaryStackDeployed=true``, the primary's update
  once the secondary stack has created the destination;
- ``secondary-credentials``: a cluster joining an existing global cluster leaves its master credentials
  out in the secondary region;
- ``replica-regions``: a global table's replica written with the literal default of a region parameter
  names that parameter instead, so the replica list follows the regions the stacks are deployed in.
"""

from __future__ import annotations

import copy
import re
from typing import Any, NamedTuple

from autofix.fixes import FixBuilder
from autofix.intrinsics import if_condition, intrinsic_name, is_no_value, strings_in
from autofix.model import Applicability
from autofix.nodes import split_pointer
from autofix.rules.dr import _deploy, _names, _regions, _rename, _s3
from autofix.settings import Settings
from autofix.template import Template

#: What gating to the primary region keeps naming in the secondary stack: type -> name property.
_GATED_NAME = {"AWS::DynamoDB::GlobalTable": "TableName", "AWS::RDS::GlobalCluster": "GlobalClusterIdentifier"}
_CREDENTIALS = ("MasterUsername", "MasterUserPassword", "ManageMasterUserPassword")


class Declined(Exception):
    """A deterministic fix does not fit this template (the message says why)."""


class Remedy(NamedTuple):
    operations: list[dict[str, Any]]
    description: str
    applicability: Applicability


def remedy(template: Template, settings: Settings, problem: _deploy.Problem) -> Remedy:
    """The fix of ``problem`` (whose ``remedy`` names it) on ``template``; :class:`Declined` when it does not fit."""
    builder = {"gate-primary": _gate_primary, "region-suffix": _region_suffix, "failover-own-region": _failover,
               "gate-replication": _gate_replication, "secondary-credentials": _secondary_credentials,
               "replica-regions": _replica_regions}[problem.remedy or ""]
    return builder(template, settings, problem)


def _start(template: Template, settings: Settings, replication: bool = False) -> tuple[_regions.Layout, FixBuilder]:
    names = _regions.layout(template, settings, replication=replication)
    return names, FixBuilder(template.data).extend(names.changes.operations)


def _gate_primary(template: Template, settings: Settings, problem: _deploy.Problem) -> Remedy:
    logical_id = problem.subject
    kind = template.type_of(logical_id) or ""
    resource = template.resources[logical_id]
    if "Condition" in resource:
        raise Declined(f"{logical_id} already has the condition {resource['Condition']}")
    names, fix = _start(template, settings)
    key = _GATED_NAME[kind]
    name = template.properties(logical_id).get(key)
    fix.set(("Resources", logical_id, "Condition"), names.is_primary)
    secondary = _deploy.deploy_order(template, _deploy.regions(template, settings))[1]
    joined: list[str] = []
    for pointer, how in _deploy.references_to(secondary, logical_id):
        if name is None:  # naming it now would replace the primary's: never
            raise Declined(f"{logical_id} has no {key}, so the secondary stack cannot name the primary's")
        _name_in_secondary(fix, pointer, how, logical_id, kind, name, names.is_primary)
        path = split_pointer(pointer)
        if (kind == "AWS::RDS::GlobalCluster" and len(path) >= 4
                and path[2:4] == ["Properties", "GlobalClusterIdentifier"]
                and template.type_of(path[1]) == "AWS::RDS::DBCluster"):
            joined.append(path[1])
    source = _source_cluster(template, logical_id) if kind == "AWS::RDS::GlobalCluster" else None
    if source is not None:
        if name is None:
            raise Declined(f"{logical_id} has no GlobalClusterIdentifier for {source} to join it by in the secondary")
        _join_in_secondary(template, fix, source, name, names)
        joined.append(source)
    for cluster in dict.fromkeys(joined):
        drop_credentials(template, fix, cluster, names.is_secondary)
    what = "global table" if kind == "AWS::DynamoDB::GlobalTable" else "global cluster"
    description = (f"Create the {what} {logical_id} in the primary region's stack only ({names.is_primary}); "
                   f"the secondary stack names it instead")
    if joined:
        description += f", and {', '.join(dict.fromkeys(joined))} joins it there without master credentials"
    return Remedy(fix.operations, description, Applicability.SAFE if problem.fails else Applicability.UNSAFE)


def _source_cluster(template: Template, global_cluster: str) -> str | None:
    """The cluster of this template that ``global_cluster`` is built from (its ``SourceDBClusterIdentifier``)."""
    from autofix.intrinsics import getatt_target, ref_target

    source = template.properties(global_cluster).get("SourceDBClusterIdentifier")
    target = ref_target(source) or (getatt_target(source) or (None,))[0]
    return target if target and template.type_of(target) == "AWS::RDS::DBCluster" else None


def _join_in_secondary(template: Template, fix: FixBuilder, cluster: str, identifier: Any,
                       names: _regions.Layout) -> None:
    """In the secondary region the source cluster of the primary's global cluster joins it by identifier (as a
    secondary cluster: no database name; an encrypted one needs a key of its own region)."""
    props = template.properties(cluster)
    base = ("Resources", cluster, "Properties")
    if "GlobalClusterIdentifier" in props:
        raise Declined(f"{cluster} sets GlobalClusterIdentifier already")
    key = props.get("KmsKeyId")
    if isinstance(key, str) and key.startswith("arn:"):
        raise Declined(f"the KmsKeyId of {cluster} is a key ARN of one region; the secondary cluster needs a key of "
                       f"its own region")
    fix.add((*base, "GlobalClusterIdentifier"),
            {"Fn::If": [names.is_secondary, copy.deepcopy(identifier), {"Ref": "AWS::NoValue"}]})
    if "DatabaseName" in props:
        fix.replace((*base, "DatabaseName"),
                    {"Fn::If": [names.is_secondary, {"Ref": "AWS::NoValue"}, copy.deepcopy(props["DatabaseName"])]})
    if key is None and props.get("StorageEncrypted") in (True, "true", "True"):
        fix.add((*base, "KmsKeyId"), {"Fn::If": [names.is_secondary, "alias/aws/rds", {"Ref": "AWS::NoValue"}]})


def _name_in_secondary(fix: FixBuilder, pointer: str, how: str, logical_id: str, kind: str, name: Any,
                       is_primary: str) -> None:
    """Make one reference to a resource the secondary stack no longer creates name it there (the primary's
    stack keeps the reference, and with it the order of creation)."""
    text = _s3.normalize(name)
    node = fix.get(pointer)
    if text is None:
        where = "/".join(split_pointer(pointer)[:2])
        raise Declined(f"{where} uses {logical_id} through {how}, and its name is not text the secondary can write")
    named = _rename.substitute(node, logical_id, kind, text)
    if named.failed:
        raise Declined(f"the secondary stack reads {named.failed}, which only the primary's has")
    if named.value == node:
        raise Declined(f"{'/'.join(split_pointer(pointer)[:2])} uses {logical_id} through {how}, which the "
                       f"secondary stack cannot name")
    fix.replace(pointer, {"Fn::If": [is_primary, copy.deepcopy(node), named.value]})


def _region_suffix(template: Template, settings: Settings, problem: _deploy.Problem) -> Remedy:
    logical_id = problem.subject
    key, limit = _deploy.REGION_SUFFIX[template.type_of(logical_id) or ""]
    names, fix = _start(template, settings)
    raw = template.properties(logical_id).get(key)
    path = ("Resources", logical_id, "Properties", key)
    text = _s3.normalize(raw)
    elsewhere = written_elsewhere(template, logical_id, text) if text else []
    still = f"; the primary's name stays written as text in {', '.join(elsewhere)}" if elsewhere else ""
    applicability = Applicability.UNSAFE if elsewhere else Applicability.SAFE
    new_text = _regions.with_region(text) if text else None
    if new_text is not None and _names.bounds_to_add(template, new_text, limit, names.known_lengths()) == {}:
        fix.replace(path, {"Fn::If": [names.is_secondary, {"Fn::Sub": new_text}, copy.deepcopy(raw)]})
        return Remedy(fix.operations, f"Name {logical_id} '{new_text}' in the secondary region only "
                      f"({names.is_secondary}){still}", applicability)
    # the region does not fit the name for every parameter value: in the secondary region, where the resource is
    # new, the name is left to CloudFormation (unique by construction); the primary keeps its own
    fix.replace(path, {"Fn::If": [names.is_secondary, {"Ref": "AWS::NoValue"}, copy.deepcopy(raw)]})
    why = f": '{new_text}' can exceed the {limit} characters {key} allows" if new_text else ""
    return Remedy(fix.operations, f"Leave the name of {logical_id} to CloudFormation in the secondary region "
                  f"({names.is_secondary}){why}{still}", applicability)


def _failover(template: Template, settings: Settings, problem: _deploy.Problem) -> Remedy:
    logical_id = problem.subject
    resource = template.resources[logical_id]
    if "Condition" in resource:
        raise Declined(f"{logical_id} already has the condition {resource['Condition']}")
    names, fix = _start(template, settings)
    side = template.properties(logical_id).get("Failover")
    condition = names.is_primary if side == "PRIMARY" else names.is_secondary
    fix.set(("Resources", logical_id, "Condition"), condition)
    region = "primary" if side == "PRIMARY" else "secondary"
    return Remedy(fix.operations, f"Create the {side} failover record {logical_id} in the {region} region's stack "
                  f"only ({condition})", Applicability.UNSAFE)


def _gate_replication(template: Template, settings: Settings, problem: _deploy.Problem) -> Remedy:
    logical_id = problem.subject
    names, fix = _start(template, settings, replication=True)
    path = ("Resources", logical_id, "Properties", "ReplicationConfiguration")
    value = template.properties(logical_id).get("ReplicationConfiguration")
    arg = value.get("Fn::If") if intrinsic_name(value) == "Fn::If" else None
    if arg is not None and if_condition(value) == names.is_primary and is_no_value(arg[2]):
        fix.replace((*path, "Fn::If", 0), names.replicate)
    else:
        fix.replace(path, {"Fn::If": [names.replicate, copy.deepcopy(value), {"Ref": "AWS::NoValue"}]})
    return Remedy(fix.operations, f"Replicate {logical_id} only once the secondary stack exists ({names.replicate}: "
                  f"update the primary stack with {names.deployed}=true after deploying the secondary); objects "
                  f"written before then are not copied (use S3 Batch Replication)", Applicability.UNSAFE)


def _secondary_credentials(template: Template, settings: Settings, problem: _deploy.Problem) -> Remedy:
    names, fix = _start(template, settings)
    if not drop_credentials(template, fix, problem.subject, names.is_secondary):
        raise Declined("its credentials are already chosen by a condition")
    return Remedy(fix.operations, f"Leave the master credentials of {problem.subject} out in the secondary region "
                  f"({names.is_secondary}), where it joins the global cluster", Applicability.SAFE)


def _replica_regions(template: Template, settings: Settings, problem: _deploy.Problem) -> Remedy:
    """Replica regions written as the literal default of a region parameter name the parameter; a replica that then
    repeats an earlier one's region is dropped (a region holds one replica of a table; such a list never deployed)."""
    logical_id = problem.subject
    names, fix = _start(template, settings)
    pair = _deploy.regions(template, settings)
    by_default = {pair.primary: names.primary, pair.secondary: names.secondary}
    replicas = template.properties(logical_id).get("Replicas")
    if not isinstance(replicas, list):
        raise Declined("its replicas are not a list")
    changed: list[str] = []
    base = ("Resources", logical_id, "Properties", "Replicas")
    for i in reversed(range(len(replicas))):  # removals from the end keep the earlier indexes
        replica = replicas[i]
        region = replica.get("Region") if isinstance(replica, dict) else None
        named = {"Ref": by_default[region]} if isinstance(region, str) and region in by_default else region
        earlier = [r.get("Region") if isinstance(r, dict) else None for r in replicas[:i]]
        earlier = [{"Ref": by_default[r]} if isinstance(r, str) and r in by_default else r for r in earlier]
        if named in earlier:
            fix.remove((*base, i))
            changed.append(f"the repeated replica {i} removed")
        elif named != region:
            fix.replace((*base, i, "Region"), named)
            changed.append(f"{region} -> !Ref {named['Ref']}")
    if not changed:
        raise Declined("no replica names a region parameter's default literally or repeats a region")
    return Remedy(fix.operations, f"Name the replica regions of {logical_id} by the layout's region parameters "
                  f"({'; '.join(reversed(changed))}), so that its replicas follow the regions the stacks are deployed "
                  f"in", Applicability.UNSAFE)


def drop_credentials(template: Template, fix: FixBuilder, cluster: str, is_secondary: str) -> bool:
    """Leave a cluster's master credentials out where ``is_secondary`` holds; False when nothing changes."""
    props = template.properties(cluster)
    changed = False
    for key in _CREDENTIALS:
        value = props.get(key)
        if value is None or (if_condition(value) == is_secondary and is_no_value(value["Fn::If"][1])):
            continue
        fix.replace(("Resources", cluster, "Properties", key),
                    {"Fn::If": [is_secondary, {"Ref": "AWS::NoValue"}, copy.deepcopy(value)]})
        changed = True
    return changed


def written_elsewhere(template: Template, logical_id: str, text: str) -> list[str]:
    """Resources and outputs (other than ``logical_id``) that write the name ``text`` as text: the name itself,
    or an ARN ending in it (``arn:aws:s3:::name/*``, ``arn:aws:iam::123:role/name``)."""
    written = re.compile(r"(^|[:/])" + re.escape(text) + r"($|/)")
    out = []
    for entries in (template.resources, template.section("Outputs")):
        for other, value in entries.items():
            if other != logical_id and any(written.search(s) for s in strings_in(value)):
                out.append(other)
    return out

