"""DR007 aurora-global-burstable-class: burstable instances in an Aurora global cluster."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from autofix.context import RuleContext, walk_in
from autofix.nodes import extend_pointer, split_pointer
from autofix.patches import fragment
from autofix.patterns import lazy_pattern
from autofix.rules.base import Applicability, Finding, Rule
from autofix.rules.dr import FAMILY
from autofix.rules.dr._report import finding
from autofix.settings import Settings
from autofix.template import Template, getatt_target, ref_target

BURSTABLE = lazy_pattern(r"^db\.t(2|3|4g)\.[a-z0-9]+$")
PATCHES = "DR007-aurora-global-burstable-class"


def _same_name(a: Any, b: Any) -> bool:
    """Two identifier expressions that name the same cluster: equal literals (RDS identifiers are
    case-insensitive) or the same intrinsic (``Fn::Sub``, ``Fn::Join``...)."""
    if isinstance(a, str) and isinstance(b, str):
        return a.strip().lower() == b.strip().lower() and a.strip() != ""
    return isinstance(a, dict) and a == b and ref_target(a) is None


def cluster_named(template: Template, value: Any) -> str | None:
    """The DBCluster of this template that ``value`` names: ``Ref``, ``!GetAtt X.DBClusterArn``, or the
    cluster's own literal (or identical intrinsic) ``DBClusterIdentifier``."""
    clusters = [c for c, _ in template.resources_of("AWS::RDS::DBCluster")]
    target = ref_target(value) or (getatt_target(value) or (None,))[0]
    if target:
        return target if target in clusters else None
    for cluster in clusters:
        if _same_name(value, template.properties(cluster).get("DBClusterIdentifier")):
            return cluster
    return None


def global_clusters(template: Template) -> set[str]:
    """Logical ids of DBClusters that are members of a global cluster (or its source)."""
    members: set[str] = set()
    for logical_id, _ in template.resources_of("AWS::RDS::DBCluster"):
        if template.properties(logical_id).get("GlobalClusterIdentifier") not in (None, ""):
            members.add(logical_id)
    for logical_id, _ in template.resources_of("AWS::RDS::GlobalCluster"):
        source = cluster_named(template, template.properties(logical_id).get("SourceDBClusterIdentifier"))
        if source:
            members.add(source)
    return members


_MEMORY_OPTIMIZED = lazy_pattern(r"^db\.(r|x)(\d+)([a-z]*)\.([0-9]*)(x?large|metal)", re.IGNORECASE)


def _class_rank(candidate: str, wanted: str) -> tuple[int, int, int, str] | None:
    """How close a memory-optimized ``candidate`` is to the ``wanted`` replacement (None: not a candidate)."""
    got, want = _MEMORY_OPTIMIZED.match(candidate), _MEMORY_OPTIMIZED.match(wanted)
    if not got:
        return None
    graviton = "g" in got.group(3)
    size = (0 if got.group(5) == "large" else 1) + (int(got.group(4)) if got.group(4) else 0)
    if want is None:
        return (0, 0, size, candidate)
    return (int(graviton != ("g" in want.group(3))), abs(int(got.group(2)) - int(want.group(2))) + (
        0 if got.group(1) == want.group(1) else 10), size, candidate)


def allowed_replacement(allowed: list[Any], wanted: str) -> str | None:
    """The non-burstable class ``AllowedValues`` already lists that is closest to ``wanted``
    (the same class, else the same processor family and generation, the smallest size)."""
    ranked = sorted((rank, value) for value in allowed if isinstance(value, str)
                    for rank in [_class_rank(value, wanted)] if rank is not None)
    return ranked[0][1] if ranked else None


def _keys(template: Template, key: Any, level: dict[str, Any]) -> list[str]:
    """The keys of a mapping ``level`` that a FindInMap key expression can select."""
    if isinstance(key, str):
        return [key] if key in level else []
    param = ref_target(key)
    if param and template.is_parameter(param):
        allowed = template.parameters[param].get("AllowedValues")
        if isinstance(allowed, list) and allowed:
            return [k for k in level if k in [str(a) for a in allowed]]
    return list(level)


def _mapping_only_used_by(ctx: RuleContext, name: str, members: list[str]) -> bool:
    """Is mapping ``name`` read only by the DBInstanceClass of the given instances?"""
    allowed = {("Resources", m, "Properties", "DBInstanceClass") for m in members}
    for pointer, value in walk_in(ctx, ctx.data):
        if isinstance(value, dict) and len(value) == 1 and isinstance(value.get("Fn::FindInMap"), list):
            args = value["Fn::FindInMap"]
            if args and args[0] == name and tuple(split_pointer(pointer)[:4]) not in allowed:
                return False
    return True


def replacement(current: str, settings: Settings) -> str:
    key = "graviton-instance-class" if current.startswith("db.t4g.") else "instance-class"
    return FAMILY.option(settings, key)


class AuroraGlobalBurstableClass(Rule):
    """## What it does
    Finds `AWS::RDS::DBInstance` resources that belong to an Aurora cluster which is a
    member of a global database (`GlobalClusterIdentifier` set, or named as the source of an
    `AWS::RDS::GlobalCluster`) and use a burstable class: `db.t2.*`, `db.t3.*` or `db.t4g.*`.
    The class may be written literally, come from a parameter's `Default`, sit in a branch of
    `Fn::If` (each branch is judged), or come from a `Fn::FindInMap` (every entry the lookup can
    select: all top-level keys when the key is `!Ref AWS::Region` or a parameter, restricted to
    the parameter's `AllowedValues` when it lists them).  A class parameter whose `AllowedValues`
    still list burstable classes is reported too, at `AllowedValues`.

    ## Why is this bad?
    Aurora Global Database needs memory-optimized instance classes; burstable classes are
    rejected at deploy time ("The requested instance class is not supported by global
    databases"), so the stack fails to create or update.

    ## Example
    ```yaml
    AuroraInstance:
      Type: AWS::RDS::DBInstance
      Properties:
        DBClusterIdentifier: !Ref AuroraCluster   # a global cluster member
        DBInstanceClass: db.t3.medium
    ```

    Use instead:
    ```yaml
        DBInstanceClass: db.r5.large
    ```

    ## Fix safety
    Safe: the instance keeps its role, engine and cluster; only the class changes to the
    smallest supported memory-optimized one (`db.r5.large`, or `db.r6g.large` for Graviton
    `db.t4g.*`; both configurable as `instance-class` and `graviton-instance-class`).  This
    does cost more than the burstable class, which the deployment could not use anyway.
    When the class comes from a parameter, its `Default` is changed: to the memory-optimized
    class its `AllowedValues` already lists that is closest to the replacement (the same class,
    else the same processor family, Graviton or not, and the nearest generation, smallest size
    first), or to the replacement, appended to `AllowedValues`.

    Burstable classes left in the parameter's `AllowedValues` are removed by an unsafe fix (with
    `--unsafe-fixes`; the default moves to the replacement in the same fix when it was
    burstable): values passed at deploy time are the user's, the parameter may also size
    instances outside the global cluster, and a value that was accepted is refused from then on.

    Instances are matched to their cluster by `!Ref`, or by a literal `DBClusterIdentifier` equal
    to the cluster's own literal identifier (RDS identifiers are case-insensitive), or by the same
    `Fn::Sub`.
    A burstable `Fn::If` branch is replaced in place.  A mapping entry is replaced only when
    the mapping is read by nothing but the `DBInstanceClass` of global cluster members;
    otherwise the finding is reported without a fix, since changing the mapping would also
    change resources that may legitimately stay burstable.

    ## References
    - [Aurora Global Database limitations](https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database.html#aurora-global-database.limitations)
    - [AWS::RDS::DBInstance DBInstanceClass](https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-rds-dbinstance.html#cfn-rds-dbinstance-dbinstanceclass)
    """

    id = "DR007"
    name = "aurora-global-burstable-class"
    summary = "Aurora instance in a global cluster uses a burstable (db.t*) class"
    enabled_by_default = True  # a documented DR failure (a deploy failure too)
    fix_applicability = Applicability.SAFE
    resource_types = frozenset({"AWS::RDS::DBInstance"})

    def check(self, ctx: RuleContext, settings: Settings) -> Iterator[Finding]:
        members = global_clusters(ctx)
        if not members:
            return
        member_instances = [logical_id for logical_id, _ in ctx.resources_of("AWS::RDS::DBInstance")
                            if cluster_named(ctx, ctx.properties(logical_id).get("DBClusterIdentifier"))
                            in members]
        done: set[tuple[str, ...]] = set()
        for logical_id in member_instances:
            value = ctx.properties(logical_id).get("DBInstanceClass")
            pointer = ctx.pointer("Resources", logical_id, "Properties", "DBInstanceClass")
            yield from self._value_findings(ctx, settings, logical_id, value, pointer, "", done,
                                            member_instances)

    def _value_findings(self, ctx: RuleContext, settings: Settings, logical_id: str, value: Any,
                        pointer: str, where: str, done: set[tuple[str, ...]],
                        members: list[str], depth: int = 0) -> Iterator[Finding]:
        """Findings for every burstable class ``value`` can evaluate to (literal, Fn::If branch,
        parameter default, mapping entry)."""
        if depth > 8:
            return
        if isinstance(value, str):
            if BURSTABLE.match(value):
                new = replacement(value, settings)
                fix = self.fixer(ctx).replace(pointer, fragment(PATCHES, "instance_class", InstanceClass=new))
                yield finding(
                    self, pointer,
                    f"{logical_id} is in an Aurora global cluster but uses the burstable class {value}{where}",
                    f"Global databases reject burstable classes at deploy time (\"The requested instance class is not "
                    f"supported by global databases\"). Fix: use {new}, the smallest supported memory-optimized class.",
                    fix=fix.build(f"Change DBInstanceClass from {value} to {new}{where}", Applicability.SAFE),
                    resource=logical_id,
                )
            return
        param = ref_target(value)
        if param:
            if ctx.is_parameter(param) and ("param", param) not in done:
                done.add(("param", param))
                yield from self._parameter_findings(ctx, settings, logical_id, param)
            return
        if not (isinstance(value, dict) and len(value) == 1):
            return
        if isinstance(value.get("Fn::If"), list) and len(value["Fn::If"]) == 3:
            condition = value["Fn::If"][0]
            for branch, state in ((1, "true"), (2, "false")):
                yield from self._value_findings(
                    ctx, settings, logical_id, value["Fn::If"][branch], extend_pointer(pointer, "Fn::If", branch),
                    f" when condition {condition} is {state}", done, members, depth + 1)
        elif "Fn::FindInMap" in value:
            yield from self._mapping_findings(ctx, settings, logical_id, value["Fn::FindInMap"], done,
                                              members)

    def _mapping_findings(self, ctx: RuleContext, settings: Settings, logical_id: str, args: Any,
                          done: set[tuple[str, ...]], members: list[str]) -> Iterator[Finding]:
        if not (isinstance(args, list) and len(args) in (3, 4) and isinstance(args[0], str)):
            return
        mapping = ctx.section("Mappings").get(args[0])
        if not isinstance(mapping, dict):
            return
        exclusive = _mapping_only_used_by(ctx, args[0], members)
        for top in _keys(ctx, args[1], mapping):
            entry = mapping.get(top)
            if not isinstance(entry, dict):
                continue
            for second in _keys(ctx, args[2], entry):
                current = entry.get(second)
                if not (isinstance(current, str) and BURSTABLE.match(current)):
                    continue
                if ("map", args[0], top, second) in done:
                    continue
                done.add(("map", args[0], top, second))
                new = replacement(current, settings)
                path = ctx.pointer("Mappings", args[0], top, second)
                message = (f"Mapping {args[0]} gives {logical_id}, an Aurora global cluster member, the burstable "
                           f"class {current} for {top}/{second}")
                why = "Global databases reject burstable classes at deploy time."
                if not exclusive:
                    yield finding(self, path, message, f"{why} No automatic fix: the mapping is also read elsewhere, "
                                  f"where a burstable class may be right; use {new} for the global cluster's members.")
                    continue
                fix = self.fixer(ctx).replace(path, fragment(PATCHES, "instance_class", InstanceClass=new))
                yield finding(
                    self, path, message, f"{why} Fix: use {new}.",
                    fix=fix.build(f"Change mapping {args[0]} {top}/{second} from {current} to {new}",
                                  Applicability.SAFE))

    def _parameter_findings(self, ctx: RuleContext, settings: Settings, logical_id: str,
                            param: str) -> Iterator[Finding]:
        """The parameter's burstable default (a safe fix), and the burstable classes its ``AllowedValues`` still
        admit (an unsafe fix: values that deployed before are refused at the next deploy)."""
        default = ctx.parameter_default(param)
        allowed = ctx.parameters[param].get("AllowedValues")
        burstable = [v for v in allowed if isinstance(v, str) and BURSTABLE.match(v)] if isinstance(
            allowed, list) else []
        new = None
        if isinstance(default, str) and BURSTABLE.match(default):
            new = replacement(default, settings)
            if isinstance(allowed, list):
                new = allowed_replacement(allowed, new) or new
            fix = self.fixer(ctx).replace(("Parameters", param, "Default"),
                                          fragment(PATCHES, "instance_class", InstanceClass=new))
            if isinstance(allowed, list) and new not in allowed:
                fix.add(("Parameters", param, "AllowedValues", "-"), new)
            yield finding(
                self, ctx.pointer("Parameters", param, "Default"),
                f"Parameter {param} gives {logical_id}, an Aurora global cluster member, the burstable default class "
                f"{default}",
                f"Global databases reject burstable classes at deploy time. Fix: change the default to {new}.",
                fix=fix.build(f"Change the default of {param} from {default} to {new}", Applicability.SAFE))
        if not burstable:
            return
        assert isinstance(allowed, list)
        kept = [v for v in allowed if v not in burstable]
        chosen = new or (default if isinstance(default, str) else None)
        if not kept or (chosen is not None and chosen not in kept):
            wanted = chosen or replacement(burstable[0], settings)
            kept.append(wanted)
        fix = self.fixer(ctx).replace(("Parameters", param, "AllowedValues"), kept)
        if new is not None:
            fix.replace(("Parameters", param, "Default"), fragment(PATCHES, "instance_class", InstanceClass=new))
        yield finding(
            self, ctx.pointer("Parameters", param, "AllowedValues"),
            f"Parameter {param} of {logical_id}, an Aurora global cluster member, still allows burstable classes "
            f"{', '.join(burstable)}",
            "A global database member rejects burstable classes at deploy time, so these values can only fail for it. "
            "Fix (unsafe: the parameter may also size instances outside the global cluster, and passing one of these "
            "values is refused from then on): remove them from AllowedValues.",
            fix=fix.build(f"Remove the burstable classes {', '.join(burstable)} from the AllowedValues of {param}",
                          Applicability.UNSAFE))
