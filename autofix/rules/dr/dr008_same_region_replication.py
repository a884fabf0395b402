"""DR008 same-region-replication: S3 replication to a bucket the same stack creates in the same region."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

from autofix.context import RuleContext
from autofix.fixes import FixBuilder
from autofix.intrinsics import sub_names, values
from autofix.rules.base import Applicability, Finding, Rule
from autofix.rules.dr import _regions, _rename, _s3, _whole
from autofix.rules.dr._report import NoFix, finding, refused
from autofix.settings import Settings
from autofix.template import Template, ref_target


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

    Not reported outside a DR template (same-region replication there is a compliance pattern,
    not DR).

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
                  Bucket: !Sub arn:${AWS::Partition}:s3:::data-${AWS::AccountId}-replica-dr
          - !Ref AWS::NoValue
    DataReplicaBucket:
      Type: AWS::S3::Bucket
      Condition: IsSecondaryRegion
      DeletionPolicy: Retain
      UpdateReplacePolicy: Retain
      Properties:
        BucketName: !Sub data-${AWS::AccountId}-replica-dr   # the old copy keeps the old name
    ```

    ## Fix safety
    Unsafe: it moves the replica to the secondary region.  The fix writes DR001's two-region layout
    (`PrimaryRegion`/`SecondaryRegion` parameters, `IsPrimaryRegion`/`IsSecondaryRegion`
    conditions, `SecondaryStackDeployed` and `ReplicateToSecondaryRegion`, the `Rules` assertion;
    the template's own are reused): the destination bucket gets `Condition: IsSecondaryRegion` (and
    `DeletionPolicy`/`UpdateReplacePolicy: Retain` when it had none, so that updating an existing
    primary stack keeps the old copy and its objects instead of deleting them) and a name both
    regions agree on: a new one, `-dr` after the old name (`${AWS::Region}` in it becomes the primary
    region parameter), since the retained old copy keeps the old name in the primary region and a
    second bucket of that name cannot be created; a destination without a name is named after the
    source plus `-replica`.  The name must fit 63 characters (naming parameters get a `MaxLength`
    where needed).  The source's `ReplicationConfiguration` applies only under
    `ReplicateToSecondaryRegion`; every other reference to the destination (`Ref`, `!GetAtt .Arn`,
    `${Bucket.Arn}` in the replication policy, outputs) becomes its name or ARN, its old name written
    out as text (a destination or a policy resource given as `arn:aws:s3:::<old name>`) becomes the new
    name, and `DependsOn` entries on it are dropped.

    **Deploy order.**  The primary region, then the secondary region (it creates the new replica),
    then update the primary with `SecondaryStackDeployed=true`.  Objects written before then reach
    the new replica only through S3 Batch Replication.  The fixed template is simulated as DR009
    does, in both orders of the regions and as an update of a primary stack that runs the template
    as it was; what both stacks would now create is fixed in the same fix when it has a
    deterministic fix (the source keeps its name in the primary region), and otherwise the fix is
    refused with the reason.

    No fix when the destination has a `Condition`, when neither it nor the source has a readable
    `BucketName`, when the rule's `ReplicaKmsKeyID` is a key of the stack's own region (S3 needs a
    key of the destination's region), when the destination is referenced by another attribute (`DomainName`...), or
    when the replication is already conditional.

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
        names = _s3.bucket_names(ctx)
        for source, _ in ctx.resources_of(_s3.BUCKET):
            reported: set[str] = set()
            for pointer, dest, _rule in _s3.replication_destinations(ctx, source):
                for target in sorted(_s3.buckets_named_by(ctx, dest, names) - {source} - reported):
                    if separated(ctx, source, target, pointer):
                        continue
                    reported.add(target)
                    yield self._finding(ctx, settings, source, target, pointer)

    def _finding(self, ctx: RuleContext, settings: Settings, source: str, target: str, pointer: str) -> Finding:
        message = f"{source} replicates to {target}, which the same stack creates in its own region"
        why = ("A stack lives in one region: the replica is in the source's region and does not survive the "
               "regional outage a DR template exists for.")
        try:
            fix, notes = self._plan(ctx, settings, source, target)
            also = _whole.complete_fix(ctx, settings, fix)
        except NoFix as reason:
            return refused(self, pointer, message, why, reason, resource=source)
        detail = (f"{why} The fix creates {target} only in the secondary region of a template deployed in both "
                  f"regions and replicates {source} to it from the primary region{notes}.{also} "
                  f"{_regions.DEPLOY_ORDER} {_regions.BATCH_REPLICATION}")
        return finding(self, pointer, message, detail, resource=source,
                       fix=fix.build(f"Move replication destination {target} to the secondary region",
                                     Applicability.UNSAFE))

    def _plan(self, ctx: RuleContext, settings: Settings, source: str, target: str) -> tuple[FixBuilder, str]:
        resource = ctx.resources[target]
        if "Condition" in resource:
            raise NoFix(f"{target} has a Condition that does not depend on the region")
        if "Condition" in ctx.resources[source]:
            raise NoFix(f"{source} has a Condition: decide by hand which region's deployment replicates it")
        props = ctx.properties(source)
        config = props.get("ReplicationConfiguration")
        if not isinstance(config, dict) or "Fn::If" in config:
            raise NoFix("the replication configuration is already conditional")
        layout = _regions.layout(ctx, settings)
        rules = config.get("Rules")
        if any(isinstance(r, dict) and _s3.local_key(ctx, _s3.replica_key(r)) for r in
               (rules if isinstance(rules, list) else [])):
            raise NoFix("its ReplicaKmsKeyID is a key of this stack's region, and the destination in the secondary "
                        "region needs a key of that region")
        old = ctx.properties(target).get("BucketName")
        text: str | None = None
        if old is not None:
            text = _s3.normalize(old)
            if not text:
                raise NoFix(f"{target} has a BucketName this rule cannot read")
            # a new name: on an existing primary stack, the old replica is retained under the old one
            name = layout.shared(text) + "-dr"
            named = f"{target} gets a new name, {name} (the primary's old copy is retained under the old one)"
        else:
            own = _s3.normalize(_regions.primary_name(ctx, layout, source)) if "BucketName" in props else None
            if not own:
                raise NoFix(f"neither {target} nor {source} has a BucketName to name the destination by, and the "
                            f"primary must name it by ARN in the other region")
            name = layout.shared(own) + "-replica"
            named = f"{target} is named {name}, after {source}, so that the primary can address it by ARN"
        if any("." in v or ctx.declares_resource(v) for v in sub_names(name)):
            raise NoFix(f"{target}'s name {name} would not be the same in both regions")
        bounds = _regions.replica_bounds(ctx, layout, name)
        if bounds is None:
            raise NoFix(f"the name {name} can exceed S3's 63 characters for some parameter values")
        base = ("Resources", source, "Properties")
        fix = self.fixer(ctx).extend(layout.changes.operations)
        for parameter, length in bounds.items():
            fix.add(("Parameters", parameter, "MaxLength"), length)
        moved = _rename.substitute(copy.deepcopy(config), target, _s3.BUCKET, name)
        if moved.failed:
            raise NoFix(f"{moved.failed} needs {target} in the primary region")
        # a destination written as the old name's ARN names the new one
        replicated = moved.value if text is None else _rename.rewrite_written(moved.value, text, name)
        fix.replace((*base, "ReplicationConfiguration"),
                    {"Fn::If": [layout.replicate, replicated, {"Ref": "AWS::NoValue"}]})
        fix.add(("Resources", target, "Condition"), layout.is_secondary)
        for key in ("DeletionPolicy", "UpdateReplacePolicy"):
            if key not in resource:
                fix.add(("Resources", target, key), "Retain")
        fix.set(("Resources", target, "Properties", "BucketName"), {"Fn::Sub": name} if "${" in name else name)
        failed = _rename.name_everywhere(ctx, fix, target, _s3.BUCKET, name,
                                         skip={(*base, "ReplicationConfiguration")}, written=text)
        if failed:
            raise NoFix(f"{failed} needs {target} in the primary region")
        notes = f"; {named}" + "".join(f"; {p} gets MaxLength {n} so that the name fits 63 characters"
                                       for p, n in bounds.items())
        return fix, notes


