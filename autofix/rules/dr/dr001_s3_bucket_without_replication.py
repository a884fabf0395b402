"""DR001 s3-bucket-without-replication: a data bucket of a multi-region DR template is not replicated."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any, NamedTuple

from autofix.context import RuleContext
from autofix.fixes import FixBuilder
from autofix.intrinsics import sub_names
from autofix.patches import fragment
from autofix.rules.base import Applicability, Finding, Rule
from autofix.rules.dr import _names, _regions, _s3
from autofix.settings import Settings
from autofix.template import Template, getatt_target, ref_target

PATCHES = "DR001-s3-bucket-without-replication"
_COPIED_ATTRIBUTES = ("Condition", "DeletionPolicy", "UpdateReplacePolicy")


def key_arn(template: Template, key: Any) -> Any:
    """An ARN expression for a KMS key value, or None when it cannot be known."""
    target = ref_target(key)
    if target and template.type_of(target) == "AWS::KMS::Key":
        return {"Fn::GetAtt": [target, "Arn"]}
    att = getatt_target(key)
    if att and att[1] == "Arn" and template.type_of(att[0]) == "AWS::KMS::Key":
        return {"Fn::GetAtt": [att[0], "Arn"]}
    text = _s3.normalize(key)
    if isinstance(text, str) and text.startswith("arn:") and ":key/" in text:
        return key
    return None


class S3BucketWithoutReplication(Rule):
    """## What it does
    In a multi-region disaster-recovery template (see `dr` in the configuration), finds
    `AWS::S3::Bucket` resources that hold data but have no `ReplicationConfiguration`.
    A bucket whose `ReplicationConfiguration` is present in any form (even inside `Fn::If`)
    is left alone, and so are buckets that are not primary data, recognised by their role in
    the template: replication destinations (by `Ref`/`GetAtt` or by a matching `BucketName`),
    CloudTrail, AWS Config, access-log (`LoggingConfiguration`, ALB/ELB `access_logs`,
    CloudFront `Logging`), VPC flow log and Firehose targets, CodePipeline artifact stores,
    buckets whose bucket policy lets a log delivery service (or the ELB account) write, and
    buckets whose name says they are a replica.

    ## Why is this bad?
    Objects in an unreplicated bucket exist in one region only: when that region fails, the
    DR side comes up without the data. Replication is asynchronous and only copies objects
    written after it is enabled, so it has to be in place before the outage.

    ## Example
    ```yaml
    DocumentsBucket:
      Type: AWS::S3::Bucket
      Properties:
        BucketName: !Sub docs-${EnvironmentSuffix}
    ```

    Use instead (the default region layout: one template, deployed in both regions):
    ```yaml
    Parameters:          # added unless the template has them; conditions likewise
      PrimaryRegion: {Type: String, Default: us-east-1}
      SecondaryRegion: {Type: String, Default: us-west-2}
      SecondaryStackDeployed: {Type: String, Default: 'false', AllowedValues: ['false', 'true']}
    Conditions:
      IsPrimaryRegion: !Equals [!Ref AWS::Region, !Ref PrimaryRegion]
      IsSecondaryRegion: !Equals [!Ref AWS::Region, !Ref SecondaryRegion]
      ReplicateToSecondaryRegion: !And [!Condition IsPrimaryRegion,
                                       !Equals [!Ref SecondaryStackDeployed, 'true']]
    Resources:
      DocumentsBucket:
        Type: AWS::S3::Bucket
        Properties:
          BucketName: !If [IsSecondaryRegion, !Sub 'docs-${EnvironmentSuffix}-${AWS::Region}',
                           !Sub 'docs-${EnvironmentSuffix}']
          VersioningConfiguration:
            Status: Enabled
          ReplicationConfiguration: !If
            - ReplicateToSecondaryRegion
            - Role: !GetAtt DocumentsReplicationRole.Arn
              Rules:
                - Id: ReplicateAll
                  Priority: 1
                  Filter:
                    Prefix: ''
                  Status: Enabled
                  DeleteMarkerReplication:
                    Status: Enabled
                  Destination:
                    Bucket: !Sub arn:${AWS::Partition}:s3:::docs-${EnvironmentSuffix}-replica
                    ReplicationTime: {Status: Enabled, Time: {Minutes: 15}}
                    Metrics: {Status: Enabled, EventThreshold: {Minutes: 15}}
            - !Ref AWS::NoValue
      DocumentsReplicaBucket:
        Type: AWS::S3::Bucket
        Condition: IsSecondaryRegion
        Properties:
          BucketName: !Sub docs-${EnvironmentSuffix}-replica
          # versioned, encrypted like the source, public access blocked, lifecycle and logging
      # + DocumentsReplicationRole and DocumentsReplicationPolicy (Condition ReplicateToSecondaryRegion)
    ```

    ## Fix safety
    Unsafe: it adds billable architecture (a second bucket, replicated storage, Replication
    Time Control and metrics charges).

    **Layout.**  A CloudFormation stack lives in one region, so a replica created by the same
    stack would sit in the primary region and not survive the outage DR exists for (the
    post-mortem's own fix did exactly that; DR008 reports it).  By default the fix writes one
    template that is deployed in both regions (the StackSets pattern): parameters
    `PrimaryRegion` and `SecondaryRegion` and conditions `IsPrimaryRegion` /
    `IsSecondaryRegion` on `AWS::Region` (the template's own region parameters and conditions
    are reused; defaults from the `primary-region` / `secondary-region` settings).  The replica
    bucket exists only in the secondary region, named after the source's `BucketName` plus
    `-replica` with `${AWS::Region}` replaced by the primary region parameter, so that both
    regions compute the same name; the primary region replicates to it through an ARN built from
    that name.  The source keeps its name in the primary region and gets a `-${AWS::Region}`
    suffix in the secondary region (bucket names are global per partition).  The replication
    role and policy (no names of their own: IAM names are global) exist only where replication
    runs.  Every generated name must fit 63 characters for every parameter value: a parameter
    counts with its `MaxLength` or longest `AllowedValues`, the region parameters with 20; an
    unbounded naming parameter gets the `MaxLength` that makes the names fit (when its default
    still fits).

    The finding also names the template's own resources that both deployments would create
    under one global name (named IAM resources, buckets without the region in their names, Route
    53 records, zones and health checks, CloudFront, global clusters and tables): they need a
    condition on the region or the region in their names before the secondary deployment.

    **Deploy order.**  S3 rejects a replication destination that does not exist, so the primary
    turns replication on only when `SecondaryStackDeployed` is `true`: (1) deploy the stack in
    the primary region with the defaults; (2) deploy it in the secondary region (this creates
    the replica buckets); (3) update the primary region's stack with
    `SecondaryStackDeployed=true`.

    No fix (rather than a wrong one) when the source has a `Condition`, no readable
    `BucketName` (nothing both regions could agree on), names that cannot fit, or SSE-KMS
    encryption (the replica in the secondary region needs a key of that region, whose ARN the
    primary cannot know: use a multi-Region key or pass the ARN as a parameter).

    The same-stack layout (replica in the stack's own region, unconditioned, also for SSE-KMS
    with `kms:Decrypt`/`kms:Encrypt` statements) stays available by configuration only:
    `[tool.autofix.dr] layout = "same-stack"`.  It protects against deletion, not against a
    regional outage.

    In both layouts the replica is versioned, encrypted like the source and blocks public
    access, keeps the source's `DeletionPolicy` and `UpdateReplacePolicy`, and the policy grants
    least privilege (a policy inline in the role would form a circular dependency with the
    bucket); the replication rule is one V2 rule with Replication Time Control.

    The replica keeps the source's data-management settings: its `LifecycleConfiguration` is
    copied, and when the fix turns versioning on, every rule that expires current objects
    (`ExpirationInDays`) also gets `NoncurrentVersionExpiration` after the same number of days,
    on the source and on the replica (with versioning, an expired object only becomes a
    noncurrent version, which would otherwise be kept forever).  When the source logs access
    (`LoggingConfiguration`), the replica logs to the same log bucket (in the region layout: the
    secondary region's deployment of it) under the source's prefix plus the replica's logical id.

    ## References
    - [AWS::S3::Bucket ReplicationConfiguration](https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-s3-bucket-replicationconfiguration.html)
    - [S3 replication requirements](https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-requirements.html)
    - [Setting up permissions for live replication](https://docs.aws.amazon.com/AmazonS3/latest/userguide/setting-repl-config-perm-overview.html)
    - [Replicating objects encrypted with SSE-KMS](https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-config-for-kms-objects.html)
    - [ReplicationDestination (ReplicationTime, Metrics)](https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-s3-bucket-replicationdestination.html)
    """

    id = "DR001"
    name = "s3-bucket-without-replication"
    summary = "Data bucket of a multi-region DR template has no replication"
    enabled_by_default = True  # a documented DR failure
    fix_applicability = Applicability.UNSAFE
    needs_precondition = True  # run only on DR templates (the family's precondition)
    resource_types = frozenset({"AWS::S3::Bucket"})

    def check(self, ctx: RuleContext, settings: Settings) -> Iterator[Finding]:
        exempt = _s3.exempt_buckets(ctx)
        for logical_id, resource in ctx.resources_of(_s3.BUCKET):
            if logical_id in exempt:
                continue
            props = resource.get("Properties")
            if props is not None and not isinstance(props, dict):
                continue
            if _s3.has_replication(props or {}):
                continue
            yield self._finding(ctx, logical_id, resource, settings)

    def _finding(self, ctx: RuleContext, logical_id: str, resource: dict[str, Any],
                 settings: Settings) -> Finding:
        pointer = ctx.pointer("Resources", logical_id)
        if _regions.mode(settings) == "regions":
            return self._region_finding(ctx, logical_id, resource, settings)
        fix, why_not, replica = self._operations(ctx, logical_id, resource)
        if fix is None:
            return self.finding(
                pointer,
                f"{logical_id} holds data in a multi-region DR template but has no ReplicationConfiguration; "
                f"no automatic fix because {why_not}",
                resource=logical_id,
            )
        return self.finding(
            pointer,
            f"{logical_id} holds data in a multi-region DR template but has no ReplicationConfiguration; "
            f"the fix enables versioning and replicates it to a new bucket {replica}, which this stack creates "
            f"in its own region (for cross-region DR deploy the destination in the secondary region and point "
            f"Destination.Bucket at it)",
            fix=fix.build(f"Replicate {logical_id} to {replica} (versioned, encrypted, public access blocked) "
                          f"with a least-privilege role and Replication Time Control", Applicability.UNSAFE),
            resource=logical_id,
        )

    def _region_finding(self, ctx: RuleContext, logical_id: str, resource: dict[str, Any],
                        settings: Settings) -> Finding:
        pointer = ctx.pointer("Resources", logical_id)
        head = f"{logical_id} holds data in a multi-region DR template but has no ReplicationConfiguration"
        fix, why_not, replica, notes = self._region_operations(ctx, logical_id, resource, settings)
        if fix is None:
            return self.finding(pointer, f"{head}; no automatic fix because {why_not}", resource=logical_id)
        return self.finding(
            pointer,
            f"{head}; the fix replicates it, in the primary region, to bucket {replica}, which the same template "
            f"creates only in the secondary region{notes} (deploy the primary region, then the secondary region, "
            f"then update the primary with SecondaryStackDeployed=true){_regions.twice_note(ctx, {logical_id})}",
            fix=fix.build(f"Replicate {logical_id} to {replica} in the secondary region (versioned, encrypted, "
                          f"public access blocked) with a least-privilege role and Replication Time Control",
                          Applicability.UNSAFE),
            resource=logical_id,
        )

    def _region_operations(self, ctx: RuleContext, logical_id: str, resource: dict[str, Any],
                           settings: Settings) -> tuple[FixBuilder | None, str, str, str]:
        props = ctx.properties(logical_id)
        base = ("Resources", logical_id, "Properties")
        if "Condition" in resource:
            return None, ("the bucket has a Condition: decide by hand which region's deployment replicates "
                          "it"), "", ""
        if not isinstance(resource.get("Properties"), dict):
            return None, "the bucket has no name to derive the secondary region's bucket name from", "", ""
        if props.get("ObjectLockEnabled") not in (None, False, "false"):
            return None, "Object Lock buckets need a replica with Object Lock and extra permissions", "", ""
        names = _regions.layout(ctx, settings)
        fix = self.fixer(ctx).extend(names.changes.operations)
        versioning = props.get("VersioningConfiguration")
        if versioning is None:
            fix.add((*base, "VersioningConfiguration"), fragment(PATCHES, "versioning"))
        elif not isinstance(versioning, dict) or not isinstance(versioning.get("Status"), str):
            return None, "its VersioningConfiguration is conditional or not a literal", "", ""
        elif versioning["Status"] != "Enabled":
            fix.replace((*base, "VersioningConfiguration", "Status"), "Enabled")
        kind, _ = _s3.kms_key(props)
        if kind == "unknown":
            return None, "its encryption is conditional or not SSE-S3/SSE-KMS", "", ""
        if kind == "kms":
            return None, ("it uses SSE-KMS: the replica in the secondary region needs a key of that region, "
                          "whose ARN the primary region cannot know; create a multi-Region key or pass the "
                          "secondary key's ARN as a parameter and add the replication by hand"), "", ""
        text = _s3.normalize(props.get("BucketName")) if "BucketName" in props else None
        if not text:
            return None, ("it has no BucketName (or one this rule cannot read): the secondary region's "
                          "bucket is named after it, so the primary region can name its destination"), "", ""
        name = text.replace("${AWS::Region}", "${" + names.primary + "}") + "-replica"
        variables = sub_names(name)
        if any("." in v or v in ctx.resources for v in variables) or name in _s3.names_in_use(ctx):
            return None, f"the replica name {name} would not be the same in both regions", "", ""
        known = {names.primary: _regions.REGION_MAX, names.secondary: _regions.REGION_MAX}
        # the same name in both regions would collide: the secondary deployment gets its own name
        # (the primary's is kept, so a deployed bucket is not replaced)
        own = text + "-${AWS::Region}"
        rename = "${AWS::Region}" not in text and "${" + names.secondary + "}" not in text
        bounds = _names.bounds_to_add(ctx, name, 63, known)
        if bounds is not None and rename:
            bounds = _names.bounds_to_add(ctx, own, 63, known)  # own is the longer name
            bounds = bounds if bounds is not None and _names.bounds_to_add(
                ctx, name, 63, {**known, **bounds}) == {} else None
        if bounds is None:
            return None, (f"the replica name {name}" + (f" or {own}" if rename else "") +
                          " can exceed S3's 63 characters for some parameter values"), "", ""
        for param, limit in bounds.items():
            fix.add(("Parameters", param, "MaxLength"), limit)
        notes = ""
        if bounds:
            notes = "; " + ", ".join(f"{p} gets MaxLength {n}" for p, n in bounds.items()) + \
                " so that the names fit 63 characters"
        if rename:
            fix.replace((*base, "BucketName"),
                        {"Fn::If": [names.is_secondary, {"Fn::Sub": own}, copy.deepcopy(props["BucketName"])]})
            notes += (f"; in the secondary region {logical_id} itself is named {own} (bucket names are global; "
                      f"the primary's name is kept)")
        bucket_name: Any = {"Fn::Sub": name} if variables else name
        arn = {"Fn::Sub": "arn:${AWS::Partition}:s3:::" + name}
        objects = {"Fn::Sub": "arn:${AWS::Partition}:s3:::" + name + "/*"}
        turned_on = versioning is None or versioning.get("Status") != "Enabled"
        replica, role, policy, bucket, role_resource, policy_resource, config, source_changes = _replication(
            ctx, logical_id, bucket_name, turned_on)
        for statement in policy_resource["Properties"]["PolicyDocument"]["Statement"]:
            if statement.get("Sid") == "WriteReplicas":
                statement["Resource"] = objects
        config["Rules"][0]["Destination"]["Bucket"] = arn
        fix.add((*base, "ReplicationConfiguration"), {"Fn::If": [names.replicate, config, {"Ref": "AWS::NoValue"}]})
        fix.extend(source_changes.operations)
        kept_attributes = {k: copy.deepcopy(resource[k]) for k in ("DeletionPolicy", "UpdateReplacePolicy")
                           if k in resource}
        new_resources = [
            (replica, {"Type": bucket["Type"], "Condition": names.is_secondary, **kept_attributes,
                       "Properties": bucket["Properties"]}),
            (role, {"Type": role_resource["Type"], "Condition": names.replicate,
                    "Properties": role_resource["Properties"]}),
            (policy, {"Type": policy_resource["Type"], "Condition": names.replicate,
                      "Properties": policy_resource["Properties"]}),
        ]
        for new_id, new in new_resources:
            fix.add(("Resources", new_id), new)
        return fix, "", replica, notes

    def _operations(self, ctx: RuleContext, logical_id: str,
                    resource: dict[str, Any]) -> tuple[FixBuilder | None, str, str]:
        props = ctx.properties(logical_id)
        base = ("Resources", logical_id, "Properties")
        if props.get("ObjectLockEnabled") not in (None, False, "false"):
            return None, "Object Lock buckets need a replica with Object Lock and extra permissions", ""
        fix = self.fixer(ctx)
        versioning = props.get("VersioningConfiguration")
        if versioning is not None and (not isinstance(versioning, dict)
                                       or not isinstance(versioning.get("Status"), str)):
            return None, "its VersioningConfiguration is conditional or not a literal", ""
        kind, key = _s3.kms_key(props)
        if kind == "unknown":
            return None, "its encryption is conditional or not SSE-S3/SSE-KMS", ""
        arn = None
        if kind == "kms":
            arn = key_arn(ctx, key)
            if arn is None:
                return None, ("its SSE-KMS key cannot be resolved to a key ARN in this template "
                              "(replication of SSE-KMS objects needs the destination key's ARN)"), ""
        turned_on = versioning is None or versioning.get("Status") != "Enabled"
        replica, role, policy, bucket, role_resource, policy_resource, config, source_changes = _replication(
            ctx, logical_id, _s3.replica_name(ctx, logical_id, _s3.names_in_use(ctx)), turned_on)
        if arn is not None:
            policy_resource["Properties"]["PolicyDocument"]["Statement"].extend(
                fragment(PATCHES, "kms_statements", KeyArn=arn, Source=logical_id, Replica=replica))
            rule = config["Rules"][0]
            rule["SourceSelectionCriteria"] = fragment(PATCHES, "source_selection_criteria")
            rule["Destination"]["EncryptionConfiguration"] = fragment(PATCHES, "replica_encryption", KeyArn=arn)
        new_resources = [(replica, bucket), (role, role_resource), (policy, policy_resource)]
        for new_id, new in new_resources:
            attributes = {k: copy.deepcopy(resource[k]) for k in _COPIED_ATTRIBUTES
                          if k in resource and (k == "Condition" or new_id == replica)}
            if attributes:
                new_type = new.pop("Type")
                rest = dict(new)
                new.clear()
                new.update({"Type": new_type, **attributes, **rest})
        if not isinstance(resource.get("Properties"), dict):
            # nothing to add to (the properties read as {}, so versioning is off and there is nothing to
            # keep): versioning and replication come in one mapping
            assert versioning is None and not source_changes
            fix.add(base, {"VersioningConfiguration": fragment(PATCHES, "versioning"),
                           "ReplicationConfiguration": config})
        else:
            if versioning is None:
                fix.add((*base, "VersioningConfiguration"), fragment(PATCHES, "versioning"))
            elif versioning["Status"] != "Enabled":
                fix.replace((*base, "VersioningConfiguration", "Status"), "Enabled")
            fix.extend(source_changes.operations)
            fix.add((*base, "ReplicationConfiguration"), config)
        for new_id, new in new_resources:
            fix.add(("Resources", new_id), new)
        return fix, "", replica


class _Replication(NamedTuple):
    """What both layouts add to replicate a bucket: the replica, its role and policy, and the source's
    replication configuration and own changes (which each layout then adapts)."""

    replica: str
    role: str
    policy: str
    bucket: dict[str, Any]
    role_resource: dict[str, Any]
    policy_resource: dict[str, Any]
    config: dict[str, Any]
    source_changes: FixBuilder


def _replication(ctx: RuleContext, logical_id: str, name: Any, versioning_turned_on: bool) -> _Replication:
    """The replica of bucket ``logical_id`` (named ``name`` unless None, encrypted like the source and
    keeping its data management), the replication role and policy, and the configuration."""
    rules = _s3.encryption_rules(ctx.properties(logical_id)) or fragment(PATCHES, "default_encryption_rules")
    replica, role, policy = _s3.replica_ids(ctx, logical_id, set())
    bucket = fragment(PATCHES, "replica_bucket", EncryptionRules=copy.deepcopy(rules))
    if name is not None:
        bucket["Properties"] = {"BucketName": name, **bucket["Properties"]}
    kept, source_changes = _s3.data_management(ctx, logical_id, versioning_turned_on, replica)
    bucket["Properties"].update(kept)
    policy_resource = fragment(PATCHES, "replication_policy", PolicyName=f"{logical_id}Replication",
                               Role=role, Source=logical_id, Replica=replica)
    config = fragment(PATCHES, "replication_configuration", Role=role, RuleId="ReplicateAll", Replica=replica)
    return _Replication(replica, role, policy, bucket, fragment(PATCHES, "replication_role"), policy_resource,
                        config, source_changes)
