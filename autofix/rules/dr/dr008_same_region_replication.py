"""DR008 same-region-replication: S3 replication to a bucket the same stack creates in the same region."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

from autofix.context import RuleContext
from autofix.fixes import FixBuilder
from autofix.intrinsics import parse_sub, sub_names, sub_substitute, values
from autofix.rules.base import Applicability, Finding, Rule
from autofix.rules.dr import _names, _regions, _s3
from autofix.settings import Settings
from autofix.template import Template, getatt_target, ref_target


def region_condition(template: Template, name: Any, depth: int = 0) -> bool:
    """Does condition ``name`` depend on ``AWS::Region`` (directly or through other conditions)?"""
    if not isinstance(name, str) or depth > 10:
        return False
    for value in values(template.conditions.get(name)):
        if ref_target(value) == "AWS::Region":
            return True
        if (isinstance(value, dict) and len(value) == 1 and isinstance(value.get("Condition"), str)
                and region_condition(template, value["Condition"], depth + 1)):
            return True
    return False


def _condition(template: Template, logical_id: str) -> Any:
    resource = template.resources.get(logical_id)
    return resource.get("Condition") if isinstance(resource, dict) else None


def path_conditions(template: Template, pointer: str) -> list[str]:
    """The conditions of the resource at ``pointer`` and of every ``Fn::If`` the pointer passes through."""
    from autofix.nodes import split_pointer

    parts = split_pointer(pointer)
    node: Any = template.data
    found = []
    for i, part in enumerate(parts):
        if isinstance(node, dict):
            if i == 2 and isinstance(node.get("Condition"), str):
                found.append(node["Condition"])
            if (part == "Fn::If" and isinstance(node.get("Fn::If"), list) and node["Fn::If"]
                    and isinstance(node["Fn::If"][0], str)):
                found.append(node["Fn::If"][0])
            node = node.get(part)
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            break
    return found


def separated(template: Template, source: str, target: str, pointer: str) -> bool:
    """Region conditions keep ``target`` out of the region where ``source`` replicates to it: the target
    has one, and the replication (the source resource or an ``Fn::If`` around it) another."""
    condition = _condition(template, target)
    if condition is None or not region_condition(template, condition):
        return False
    return any(c != condition and region_condition(template, c) for c in path_conditions(template, pointer))


class _Rewrite:
    """Replaces references to a bucket that will exist only in the secondary region by its name/ARN."""

    def __init__(self, bucket: str, name: str) -> None:
        self.bucket = bucket
        self.name = name
        self.failed: str | None = None

    def value(self, value: Any) -> Any:
        if ref_target(value) == self.bucket:
            return {"Fn::Sub": self.name} if "${" in self.name else self.name
        target = getatt_target(value)
        if target and target[0] == self.bucket:
            if target[1] == "Arn":
                return {"Fn::Sub": "arn:${AWS::Partition}:s3:::" + self.name}
            self.failed = f"!GetAtt {self.bucket}.{target[1]}"
            return value
        sub = parse_sub(value)
        if sub is not None:
            replacements: dict[str, str] = {}
            for variable in sub.outside():
                if variable == self.bucket:
                    replacements[variable] = self.name
                elif variable == f"{self.bucket}.Arn":
                    replacements[variable] = "arn:${AWS::Partition}:s3:::" + self.name
                elif variable.split(".", 1)[0] == self.bucket:
                    self.failed = f"${{{variable}}}"
            if not replacements:
                return value
            new = sub_substitute(sub.text, replacements)
            return {"Fn::Sub": new if sub.text_at == ("Fn::Sub",) else [new, *value["Fn::Sub"][1:]]}
        if isinstance(value, dict):
            return {k: self.value(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.value(v) for v in value]
        return value


def _replace_changes(fix: FixBuilder, path: tuple[str | int, ...], old: Any, new: Any) -> None:
    """Replace ``old`` at ``path`` by ``new`` at the deepest places where they differ (the rest of the
    text, quoting included, stays as written)."""
    if old == new:
        return
    if isinstance(old, dict) and isinstance(new, dict) and old.keys() == new.keys() and not (
            len(old) == 1 and (next(iter(old)) in ("Ref", "Fn::Sub", "Fn::GetAtt"))):
        for key in old:
            _replace_changes(fix, (*path, key), old[key], new[key])
        return
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        for i, (a, b) in enumerate(zip(old, new, strict=True)):
            _replace_changes(fix, (*path, i), a, b)
        return
    fix.replace(path, new)


class SameRegionReplication(Rule):
    """## What it does
    In a multi-region DR template, finds S3 replication whose destination is a bucket that the
    same stack creates (by `Ref`/`!GetAtt` or a matching `BucketName`) with no region condition
    separating the two: the destination must carry a condition on `AWS::Region` (directly or
    through other conditions), and the replication (the source's `Condition`, or an `Fn::If`
    around its configuration, rule or destination) another one.  A destination conditioned on
    the DR region that an unconditioned source replicates to is still same-region replication
    there.  This is the post-mortem's own fix ("Added S3ReplicaBucket
    in us-west-2", written into the primary stack).

    Not reported when the family setting `layout` is `"same-stack"` (a deliberate choice, for
    example for a compliance copy), or outside a DR template (same-region replication there is a
    compliance pattern, not DR).

    ## Why is this bad?
    A CloudFormation stack lives in one region, so the destination is in the source's region:
    the replica protects against deletion but not against the regional outage a DR template
    exists for.

    ## Example
    ```yaml
    DataBucket:
      Type: AWS::S3::Bucket
      Properties:
        BucketName: !Sub data-${AWS::AccountId}
        ReplicationConfiguration:
          Role: !GetAtt ReplicationRole.Arn
          Rules:
            - Status: Enabled
              Destination:
                Bucket: !GetAtt DataReplicaBucket.Arn   # created by this stack: same region
    DataReplicaBucket:
      Type: AWS::S3::Bucket
      Properties:
        BucketName: !Sub data-${AWS::AccountId}-replica
    ```

    Use instead (one template deployed in both regions):
    ```yaml
    DataBucket:
      Properties:
        BucketName: !If [IsSecondaryRegion, !Sub 'data-${AWS::AccountId}-${AWS::Region}',
                         !Sub 'data-${AWS::AccountId}']
        ReplicationConfiguration: !If
          - ReplicateToSecondaryRegion
          - Role: !GetAtt ReplicationRole.Arn
            Rules:
              - Status: Enabled
                Destination:
                  Bucket: !Sub arn:${AWS::Partition}:s3:::data-${AWS::AccountId}-replica
          - !Ref AWS::NoValue
    DataReplicaBucket:
      Type: AWS::S3::Bucket
      Condition: IsSecondaryRegion
      DeletionPolicy: Retain
      UpdateReplacePolicy: Retain
    ```

    ## Fix safety
    Unsafe: it moves the replica to the secondary region.  The fix writes DR001's region layout
    (`PrimaryRegion`/`SecondaryRegion` parameters, `IsPrimaryRegion`/`IsSecondaryRegion`
    conditions, `SecondaryStackDeployed` and `ReplicateToSecondaryRegion`; the template's own
    are reused): the destination bucket gets `Condition: IsSecondaryRegion` (and
    `DeletionPolicy`/`UpdateReplacePolicy: Retain` when it had none, so that the update keeps the
    primary region's old copy and its objects instead of deleting it), a name that both regions
    agree on (`${AWS::Region}` in it becomes the primary region parameter) and that fits 63
    characters (naming parameters get a `MaxLength` where needed); the source's
    `ReplicationConfiguration` applies only under `ReplicateToSecondaryRegion`; every other
    reference to the destination (`Ref`, `!GetAtt .Arn`, `${Bucket.Arn}` in the replication
    policy, outputs) becomes its name or ARN, and `DependsOn` entries on it are dropped; the
    source gets a region suffix on its name in the secondary region only.  No fix when the
    destination has a `Condition`, no readable `BucketName`, is referenced by another attribute
    (`DomainName`...), or the replication is already conditional.  Deploy order: the primary
    region, then the secondary region, then update the primary with
    `SecondaryStackDeployed=true`.

    ## References
    - [S3 replication: same-Region and cross-Region](https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication.html)
    - [AWS::S3::Bucket ReplicationConfiguration (the destination must exist)](https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-s3-bucket.html#cfn-s3-bucket-replicationconfiguration)
    - [Conditions and AWS::Region](https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/conditions-section-structure.html)
    """

    id = "DR008"
    name = "same-region-replication"
    summary = "S3 bucket replicates to a bucket the same stack creates in the same region"
    enabled_by_default = True  # a documented DR failure
    fix_applicability = Applicability.UNSAFE
    needs_precondition = True  # run only on DR templates (the family's precondition)
    resource_types = frozenset({"AWS::S3::Bucket"})

    def check(self, ctx: RuleContext, settings: Settings) -> Iterator[Finding]:
        if _regions.mode(settings) == "same-stack":
            return
        names = _s3.bucket_names(ctx)
        for source, _ in ctx.resources_of(_s3.BUCKET):
            reported: set[str] = set()
            for pointer, dest, _rule in _s3.replication_destinations(ctx, source):
                for target in sorted(_s3.buckets_named_by(ctx, dest, names) - {source} - reported):
                    if separated(ctx, source, target, pointer):
                        continue
                    reported.add(target)
                    yield self._finding(ctx, settings, source, target, pointer)

    def _finding(self, ctx: RuleContext, settings: Settings, source: str, target: str,
                 pointer: str) -> Finding:
        message = (f"{source} replicates to {target}, which this stack creates in the same region (no region "
                   f"condition separates them): the replica does not survive a regional outage")
        fix, why_not, notes = self._operations(ctx, settings, source, target)
        if fix is None:
            return self.finding(pointer, f"{message}; no automatic fix because {why_not}", resource=source)
        return self.finding(
            pointer,
            f"{message}; the fix creates {target} only in the secondary region and replicates {source} to it "
            f"from the primary region{notes} (deploy the primary region, then the secondary region, then update "
            f"the primary with SecondaryStackDeployed=true){_regions.twice_note(ctx, {source, target})}",
            fix=fix.build(f"Move replication destination {target} to the secondary region", Applicability.UNSAFE),
            resource=source,
        )

    def _operations(self, ctx: RuleContext, settings: Settings, source: str,
                    target: str) -> tuple[FixBuilder | None, str, str]:
        resource = ctx.resources[target]
        if "Condition" in resource:
            return None, f"{target} has a Condition that does not depend on the region", ""
        if "Condition" in ctx.resources[source]:
            return None, f"{source} has a Condition: decide by hand which region's deployment replicates it", ""
        props = ctx.properties(source)
        config = props.get("ReplicationConfiguration")
        if not isinstance(config, dict) or "Fn::If" in config:
            return None, "the replication configuration is already conditional", ""
        text = _s3.normalize(ctx.properties(target).get("BucketName"))
        if not text:
            return None, f"{target} has no BucketName that both regions could agree on", ""
        layout = _regions.layout(ctx, settings)
        name = text.replace("${AWS::Region}", "${" + layout.primary + "}")
        if any("." in v or v in ctx.resources for v in sub_names(name)):
            return None, f"{target}'s name {name} would not be the same in both regions", ""
        known = {layout.primary: _regions.REGION_MAX, layout.secondary: _regions.REGION_MAX}
        own_text = _s3.normalize(props.get("BucketName")) if "BucketName" in props else None
        rename = bool(own_text) and "${AWS::Region}" not in str(own_text) and \
            "${" + layout.secondary + "}" not in str(own_text)
        own = f"{own_text}-${{AWS::Region}}"
        bounds = _names.bounds_to_add(ctx, name, 63, known)
        if rename:  # bound the longer of the two names first, then check the other
            first = _names.bounds_to_add(ctx, own, 63, known)
            more = None if first is None else _names.bounds_to_add(ctx, name, 63, {**known, **first})
            bounds = None if first is None or more is None else {**first, **more}
        if bounds is None:
            return None, f"the names ({name}) can exceed S3's 63 characters for some parameter values", ""
        rewrite = _Rewrite(target, name)
        base = ("Resources", source, "Properties")
        fix = self.fixer(ctx).extend(layout.changes.operations)
        for parameter, length in bounds.items():
            fix.add(("Parameters", parameter, "MaxLength"), length)
        fix.replace((*base, "ReplicationConfiguration"), {
            "Fn::If": [layout.replicate, rewrite.value(copy.deepcopy(config)), {"Ref": "AWS::NoValue"}]})
        if rename:
            fix.replace((*base, "BucketName"), {
                "Fn::If": [layout.is_secondary, {"Fn::Sub": own}, copy.deepcopy(props["BucketName"])]})
        fix.add(("Resources", target, "Condition"), layout.is_secondary)
        for key in ("DeletionPolicy", "UpdateReplacePolicy"):
            if key not in resource:
                fix.add(("Resources", target, key), "Retain")
        if name != text:
            fix.replace(("Resources", target, "Properties", "BucketName"), {"Fn::Sub": name})
        for section in ("Resources", "Outputs"):
            for logical_id, value in ctx.section(section).items():
                if logical_id == target or not isinstance(value, dict):
                    continue
                for key, item in value.items():
                    path = (section, logical_id, key)
                    if section == "Resources" and logical_id == source and key == "Properties":
                        for prop, prop_value in item.items() if isinstance(item, dict) else []:
                            if prop == "ReplicationConfiguration":
                                continue
                            _replace_changes(fix, (*path, prop), prop_value, rewrite.value(prop_value))
                        continue
                    if key == "DependsOn":
                        kept = [d for d in (item if isinstance(item, list) else [item]) if d != target]
                        if len(kept) != (len(item) if isinstance(item, list) else 1):
                            if kept:
                                fix.replace(path, kept)
                            else:
                                fix.remove(path)
                        continue
                    _replace_changes(fix, path, item, rewrite.value(item))
        if rewrite.failed:
            return None, f"{rewrite.failed} needs {target} in the primary region", ""
        notes = ""
        if bounds:
            notes = "; " + ", ".join(f"{p} gets MaxLength {n}" for p, n in bounds.items()) + \
                " so that the names fit 63 characters"
        if rename:
            notes += f"; in the secondary region {source} itself is named {own}"
        return fix, "", notes
