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
from autofix.rules.dr import _regions, _rename, _s3, _whole
from autofix.rules.dr._report import NoFix, finding, refused
from autofix.settings import Settings
from autofix.template import Template, getatt_target, ref_target

PATCHES = "DR001-s3-bucket-without-replication"


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

    Use instead (one template, deployed in both regions):
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
                           !Sub 'docs-${EnvironmentSuffix}']   # the primary's name is kept
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
    Rules:               # no stack in a third region, where both conditions would be false
      DeployInPrimaryOrSecondaryRegion:
        Assertions:
          - Assert: !Or [!Equals [!Ref AWS::Region, !Ref PrimaryRegion],
                         !Equals [!Ref AWS::Region, !Ref SecondaryRegion]]
    ```

    ## Fix safety
    Unsafe: it adds billable architecture (a second bucket, replicated storage, Replication
    Time Control and metrics charges).

    **Layout.**  A CloudFormation stack lives in one region, so a replica created by the same
    stack would sit in the primary region and not survive the outage DR exists for (DR008
    reports that).  The fix writes one template that is deployed in both regions (the StackSets
    pattern): parameters `PrimaryRegion` and `SecondaryRegion` and conditions `IsPrimaryRegion` /
    `IsSecondaryRegion` on `AWS::Region` (the template's own region parameters and conditions are
    reused, negated ones too; defaults from the `primary-region` / `secondary-region` settings), and
    a `Rules` assertion that refuses a stack in any third region, where both conditions would be
    false and nothing would replicate.  The replica bucket exists only in the secondary region,
    named after the source's `BucketName` plus `-replica` with `${AWS::Region}` replaced by the
    primary region parameter, so that both regions compute the same name; the primary region
    replicates to it through an ARN built from that name.  The replication role and policy (no
    names of their own: IAM names are global) exist only where replication runs.  The replica's
    name must fit 63 characters for every parameter value: a parameter counts with its
    `MaxLength` or longest `AllowedValues`, the region parameters with 20; an unbounded naming
    parameter gets the `MaxLength` that makes it fit (when its default still fits).  In the
    secondary region the outputs that named the source name the replica, which holds the data
    there.

    **SSE-KMS.**  A replica in the secondary region needs a key of that region, whose ARN the
    primary cannot know.  The secondary region's stack creates the key and an alias
    (`alias/<replica name>`); the primary's rule names it by the alias ARN it can build
    (`ReplicaKmsKeyID` accepts a key ARN or an alias ARN), replicates SSE-KMS objects
    (`SourceSelectionCriteria`), and its policy grants `kms:Decrypt` on the source key and
    `kms:Encrypt`/`kms:GenerateDataKey` on the replica key through S3 only.  A policy names keys by
    key ARN (an alias ARN in `Resource` grants nothing on the key behind it), so a key known by its
    alias (the replica key, a source key given as `alias/...`, or the AWS managed `aws/s3`) is
    granted through a key-ARN pattern of its region and a `kms:ResourceAliases` condition.

    **Deploy order.**  S3 rejects a replication destination that does not exist, so the primary
    turns replication on only when `SecondaryStackDeployed` is `true`: (1) deploy the stack in the
    primary region with the defaults; (2) deploy it in the secondary region (this creates the
    replica buckets and keys); (3) update the primary region's stack with
    `SecondaryStackDeployed=true`.  Replication copies only objects written after it is switched
    on: copy what the bucket already holds with S3 Batch Replication.

    **The layout, whole or not at all.**  The fixed template is simulated as DR009 does (both
    stacks in the deploy order above, in both orders of the regions, and as an update of a primary
    stack that runs the template as it was).  What the template held so far is now created by both
    stacks: what has a deterministic fix is fixed in the same fix (a bucket or named IAM role of
    the template gets the region in its name in the secondary region only, or leaves the name to
    CloudFormation there when the region does not fit; a global table goes to the primary's
    stack...), and the primary's stack is never changed in a way that replaces what it has (the
    source keeps its name there).  Anything else refuses the fix, and the finding says why.

    No fix (rather than a wrong one) when the source has a `Condition`, Object Lock, no readable
    `BucketName` (nothing both regions could agree on), a replica name that cannot fit, or an
    SSE-KMS key given as a parameter or an expression a policy cannot name.

    The replica is versioned, encrypted like the source and blocks public access, keeps the
    source's `DeletionPolicy` and `UpdateReplacePolicy`, and the policy grants least privilege (a
    policy inline in the role would form a circular dependency with the bucket); the replication
    rule is one V2 rule with Replication Time Control.  The replica keeps the source's
    data-management settings: its `LifecycleConfiguration` is copied, and when the fix turns
    versioning on, every rule that expires current objects (`ExpirationInDays`) also gets
    `NoncurrentVersionExpiration` after the same number of days, on the source and on the replica.
    When the source logs access (`LoggingConfiguration`), the replica logs to the same log bucket
    (the secondary region's deployment of it) under the source's prefix plus the replica's id.

    ## References
    - [AWS::S3::Bucket ReplicationConfiguration](https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-s3-bucket-replicationconfiguration.html)
    - [S3 replication requirements](https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-requirements.html)
    - [Setting up permissions for live replication](https://docs.aws.amazon.com/AmazonS3/latest/userguide/setting-repl-config-perm-overview.html)
    - [Replicating objects encrypted with SSE-KMS](https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-config-for-kms-objects.html)
    - [ReplicationDestination (ReplicationTime, Metrics)](https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-s3-bucket-replicationdestination.html)
    - [EncryptionConfiguration: ReplicaKmsKeyID, a key ARN or an alias ARN](https://docs.aws.amazon.com/AmazonS3/latest/API/API_EncryptionConfiguration.html)
    - [Use aliases to control access to KMS keys (kms:ResourceAliases)](https://docs.aws.amazon.com/kms/latest/developerguide/alias-authorization.html)
    - [Replicating existing objects with S3 Batch Replication](https://docs.aws.amazon.com/AmazonS3/latest/userguide/s3-batch-replication-batch.html)
    - [CloudFormation Rules](https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/rules-section-structure.html)
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

    def _finding(self, ctx: RuleContext, logical_id: str, resource: dict[str, Any], settings: Settings) -> Finding:
        pointer = ctx.pointer("Resources", logical_id)
        message = f"{logical_id} holds data in a multi-region DR template but is not replicated to another region"
        why = ("Objects of an unreplicated bucket exist in one region only: when it fails, the secondary region "
               "comes up without them.")
        try:
            plan = self._plan(ctx, logical_id, resource, settings)
            also = _whole.complete_fix(ctx, settings, plan.fix)
        except NoFix as reason:
            return refused(self, pointer, message, why, reason, resource=logical_id)
        detail = (f"{why} The fix replicates it from the primary region to bucket {plan.replica} ({plan.name}), which "
                  f"the same template creates only in the secondary region{plan.notes}.{also} {_regions.DEPLOY_ORDER} "
                  f"{_regions.BATCH_REPLICATION}")
        return finding(self, pointer, message, detail, resource=logical_id, fix=plan.fix.build(
            f"Replicate {logical_id} to {plan.replica} in the secondary region (versioned, encrypted, public access "
            f"blocked) with a least-privilege role and Replication Time Control", Applicability.UNSAFE))

    def _plan(self, ctx: RuleContext, logical_id: str, resource: dict[str, Any], settings: Settings) -> _Plan:
        """The layout's fix for one bucket (raises :class:`NoFix` with the reason when there is none)."""
        props = ctx.properties(logical_id)
        base = ("Resources", logical_id, "Properties")
        if "Condition" in resource:
            raise NoFix("the bucket has a Condition: decide by hand which region's deployment replicates it")
        if not isinstance(resource.get("Properties"), dict):
            raise NoFix("the bucket has no name to derive the secondary region's bucket name from")
        if props.get("ObjectLockEnabled") not in (None, False, "false"):
            raise NoFix("Object Lock buckets need a replica with Object Lock and extra permissions")
        versioning = props.get("VersioningConfiguration")
        if versioning is not None and (not isinstance(versioning, dict)
                                       or not isinstance(versioning.get("Status"), str)):
            raise NoFix("its VersioningConfiguration is conditional or not a literal")
        kind, key = _s3.kms_key(props)
        if kind == "unknown":
            raise NoFix("its encryption is conditional or not SSE-S3/SSE-KMS")
        names = _regions.layout(ctx, settings)
        text = _s3.normalize(_regions.primary_name(ctx, names, logical_id)) if "BucketName" in props else None
        if not text:
            raise NoFix("it has no BucketName (or one this rule cannot read): the secondary region's bucket is "
                        "named after it, so that the primary region can name its destination")
        name = names.shared(text) + "-replica"
        if any("." in v or ctx.declares_resource(v) for v in sub_names(name)) or name in _s3.names_in_use(ctx):
            raise NoFix(f"the replica name {name} would not be the same in both regions")
        bounds = _regions.replica_bounds(ctx, names, name)
        if bounds is None:
            raise NoFix(f"the replica name {name} can exceed S3's 63 characters for some parameter values")
        source_key = None
        if kind == "kms":
            source_key = _source_key(ctx, key)
            if source_key is None:
                raise NoFix("its SSE-KMS key is a parameter or an expression this rule cannot name in a policy")
        fix = self.fixer(ctx).extend(names.changes.operations)
        for param, limit in bounds.items():
            fix.add(("Parameters", param, "MaxLength"), limit)
        notes = "".join(f"; {p} gets MaxLength {n} so that the replica's name fits 63 characters"
                        for p, n in bounds.items())
        if versioning is None:
            fix.add((*base, "VersioningConfiguration"), fragment(PATCHES, "versioning"))
        elif versioning["Status"] != "Enabled":
            fix.replace((*base, "VersioningConfiguration", "Status"), "Enabled")
        turned_on = versioning is None or versioning.get("Status") != "Enabled"
        replication = _replication(ctx, logical_id, name, turned_on, names)
        kept = {k: copy.deepcopy(resource[k]) for k in ("DeletionPolicy", "UpdateReplacePolicy") if k in resource}
        new_resources = [(replication.replica, {"Condition": names.is_secondary, **kept, **replication.bucket})]
        if source_key is not None:
            key_id = ctx.unique_id(f"{replication.replica}Key", {replication.replica, replication.role,
                                                                replication.policy})
            new_resources += self._kms(ctx, names, replication, source_key, key_id, kept)
            notes += (f"; the replica is encrypted with key {key_id}, created with alias alias/{name} in the secondary "
                      f"region, which the primary's replication rule names by its alias ARN (SSE-KMS objects "
                      f"replicate through SourceSelectionCriteria)")
        fix.add((*base, "ReplicationConfiguration"),
                {"Fn::If": [names.replicate, replication.config, {"Ref": "AWS::NoValue"}]})
        fix.extend(replication.source_changes.operations)
        new_resources += [
            (replication.role, {"Condition": names.replicate, **replication.role_resource}),
            (replication.policy, {"Condition": names.replicate, **replication.policy_resource}),
        ]
        for new_id, new in new_resources:
            fix.add(("Resources", new_id), {"Type": new.pop("Type"), **new})
        outputs = _point_outputs(ctx, fix, logical_id, replication.replica, names.is_secondary)
        if outputs:
            notes += (f"; in the secondary region the outputs {', '.join(outputs)} name the replica, which holds the "
                      f"data there")
        return _Plan(fix, replication.replica, name, notes)

    @staticmethod
    def _kms(ctx: RuleContext, names: _regions.Layout, replication: _Replication, source_key: _SourceKey,
             key_id: str, kept: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
        """The replica's key and alias (secondary region), and the SSE-KMS parts of the rule and the policy."""
        alias = f"alias/{replication.name}"
        alias_id = ctx.unique_id(f"{key_id}Alias", {replication.replica, replication.role, replication.policy,
                                                    key_id})
        key_arn = fragment(PATCHES, "replica_key_arn", Secondary=names.secondary, Alias=alias)
        rule = replication.config["Rules"][0]
        rule["SourceSelectionCriteria"] = fragment(PATCHES, "source_selection_criteria")
        rule["Destination"]["EncryptionConfiguration"] = fragment(PATCHES, "replica_encryption", KeyArn=key_arn)
        statements = replication.policy_resource["Properties"]["PolicyDocument"]["Statement"]
        decrypt = fragment(PATCHES, "decrypt_source", KeyArn=source_key.arn or fragment(PATCHES, "source_key_pattern"),
                           Source=replication.source)
        if source_key.arn is None:
            decrypt["Condition"]["ForAnyValue:StringEquals"] = {"kms:ResourceAliases": source_key.alias}
        statements.append(decrypt)
        statements.append(fragment(PATCHES, "encrypt_replicas", Secondary=names.secondary, ReplicaName=replication.name,
                                   Alias={"Fn::Sub": alias} if "${" in alias else alias))
        bucket_key = next((r.get("BucketKeyEnabled") for r in _s3.encryption_rules(
            ctx.properties(replication.source)) or [] if "BucketKeyEnabled" in r), None)
        rules = fragment(PATCHES, "replica_kms_rules", Key=key_id, BucketKey=bucket_key)
        if bucket_key is None:
            del rules[0]["BucketKeyEnabled"]
        replication.bucket["Properties"]["BucketEncryption"] = {"ServerSideEncryptionConfiguration": rules}
        key = fragment(PATCHES, "replica_key", Description=f"Encrypts {replication.replica}, the secondary "
                                                            f"region's replica of {replication.source}")
        alias_resource = fragment(PATCHES, "replica_key_alias", Key=key_id,
                                  AliasName={"Fn::Sub": alias} if "${" in alias else alias)
        return [(key_id, {"Condition": names.is_secondary, **kept, **key}),
                (alias_id, {"Condition": names.is_secondary, **alias_resource})]


class _Plan(NamedTuple):
    fix: FixBuilder
    replica: str  # its logical id
    name: str  # its BucketName (Fn::Sub text both regions compute alike)
    notes: str


class _SourceKey(NamedTuple):
    """The source's SSE-KMS key as a policy can name it: its key ARN, else its alias (``alias/aws/s3`` for the
    AWS managed key), matched through ``kms:ResourceAliases``."""

    arn: Any
    alias: str | None


def _source_key(template: Template, key: Any) -> _SourceKey | None:
    if key is None:
        return _SourceKey(None, "alias/aws/s3")
    arn = key_arn(template, key)
    if arn is not None:
        return _SourceKey(arn, None)
    if isinstance(key, str) and key.startswith("alias/"):
        return _SourceKey(None, key)
    if isinstance(key, str) and key.startswith("arn:") and ":alias/" in key:
        return _SourceKey(None, "alias/" + key.split(":alias/", 1)[1])
    return None


def _point_outputs(template: Template, fix: FixBuilder, source: str, replica: str, is_secondary: str) -> list[str]:
    """Make every output that names ``source`` name ``replica`` in the secondary region, where the replica holds
    the data and the source is a new, empty bucket; the outputs' names."""
    changed = []
    for name, output in template.section("Outputs").items():
        value = output.get("Value") if isinstance(output, dict) else None
        if value is None:
            continue
        moved = _rename.refer_to(value, source, replica)
        if moved != value:
            fix.replace(("Outputs", name, "Value"), {"Fn::If": [is_secondary, moved, copy.deepcopy(value)]})
            changed.append(name)
    return changed


class _Replication(NamedTuple):
    """What replicating a bucket adds: the replica, its role and policy, and the source's replication
    configuration and own changes."""

    source: str
    name: str  # the replica's BucketName
    replica: str
    role: str
    policy: str
    bucket: dict[str, Any]
    role_resource: dict[str, Any]
    policy_resource: dict[str, Any]
    config: dict[str, Any]
    source_changes: FixBuilder


def _replication(ctx: RuleContext, logical_id: str, name: str, versioning_turned_on: bool,
                 names: _regions.Layout) -> _Replication:
    """The replica of bucket ``logical_id`` named ``name`` (encrypted like the source, keeping its data
    management), the replication role and policy, and the configuration that names the replica by ARN."""
    rules = _s3.encryption_rules(ctx.properties(logical_id)) or fragment(PATCHES, "default_encryption_rules")
    replica, role, policy = _s3.replica_ids(ctx, logical_id, set())
    bucket = fragment(PATCHES, "replica_bucket", EncryptionRules=copy.deepcopy(rules))
    bucket["Properties"] = {"BucketName": {"Fn::Sub": name} if sub_names(name) else name, **bucket["Properties"]}
    kept, source_changes = _s3.data_management(ctx, logical_id, versioning_turned_on, replica)
    bucket["Properties"].update(kept)
    policy_resource = fragment(PATCHES, "replication_policy", PolicyName=f"{logical_id}Replication",
                               Role=role, Source=logical_id, ReplicaName=name)
    config = fragment(PATCHES, "replication_configuration", Role=role, RuleId="ReplicateAll",
                      ReplicaArn={"Fn::Sub": "arn:${AWS::Partition}:s3:::" + name})
    return _Replication(logical_id, name, replica, role, policy, bucket, fragment(PATCHES, "replication_role"),
                        policy_resource, config, source_changes)
