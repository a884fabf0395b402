"""DR006 replication-destination-missing: S3 replication to a bucket nobody creates."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

from autofix.context import RuleContext
from autofix.fixes import FixBuilder
from autofix.intrinsics import sub_names
from autofix.nodes import split_pointer
from autofix.patches import fragment
from autofix.rules.base import Applicability, Finding, Rule
from autofix.rules.dr import _regions, _rename, _s3, _whole
from autofix.rules.dr._report import NoFix, finding, refused
from autofix.settings import Settings
from autofix.template import Template, getatt_target, ref_target

PATCHES = "DR006-replication-destination-missing"
_COPIED_ATTRIBUTES = ("DeletionPolicy", "UpdateReplacePolicy")


class ReplicationDestinationMissing(Rule):
    """## What it does
    Finds `ReplicationConfiguration` rules of an `AWS::S3::Bucket` whose `Destination.Bucket`
    refers to a bucket that the template does not define and that nothing outside the stack
    provides:

    - a `Ref`/`GetAtt` to a logical id that is neither a resource nor a parameter;
    - an `arn:aws:s3:::name` ARN, literal or built with `Fn::Sub`/`Fn::Join` from the stack
      (`${AWS::StackName}`, `${AWS::AccountId}`, `${AWS::Region}`, naming parameters such as
      an environment suffix), whose name matches no bucket's `BucketName` here.

    A destination given by a parameter (a `Ref`, a whole-name `${Param}`, or a name built
    with a region/account/destination parameter such as `${SecondaryRegion}` or
    `${DRRegion}`), a cross-account destination (`Destination.Account`), or a name that
    spells out a region code (`backup-us-west-2`) is deployed elsewhere: no finding.

    ## Why is this bad?
    S3 checks the destination when the replication configuration is put: "Destination bucket
    must exist".  The source bucket fails to create and the whole stack rolls back.

    ## Example
    ```yaml
    DataBucket:
      Type: AWS::S3::Bucket
      Properties:
        ReplicationConfiguration:
          Role: !GetAtt ReplicationRole.Arn
          Rules:
            - Status: Enabled
              Destination:
                Bucket: !Sub arn:aws:s3:::data-${AWS::AccountId}-replica
    ```

    Use instead (one template deployed in both regions, see DR001):
    ```yaml
    DataReplicaBucket:
      Type: AWS::S3::Bucket
      Condition: IsSecondaryRegion
      Properties:
        BucketName: !Sub data-${AWS::AccountId}-replica
        VersioningConfiguration:
          Status: Enabled
        BucketEncryption:
          ServerSideEncryptionConfiguration:
            - ServerSideEncryptionByDefault:
                SSEAlgorithm: AES256
        PublicAccessBlockConfiguration:
          BlockPublicAcls: true
          BlockPublicPolicy: true
          IgnorePublicAcls: true
          RestrictPublicBuckets: true
    DataBucket:
      Type: AWS::S3::Bucket
      Properties:
        ReplicationConfiguration: !If
          - ReplicateToSecondaryRegion   # once the secondary region's stack exists
          - Role: !GetAtt ReplicationRole.Arn
            Rules:
              - Status: Enabled
                Destination:
                  Bucket: !Sub arn:aws:s3:::data-${AWS::AccountId}-replica
          - !Ref AWS::NoValue
    ```

    ## Fix safety
    Unsafe: it adds a bucket, and changes when replication runs.  A CloudFormation stack lives in
    one region, so a destination created by the same stack would be in the source's region
    (same-region replication, which DR008 reports).  The fix writes DR001's two-region layout: the
    template is deployed in both regions, and the destination exists only in the secondary region
    (`Condition: IsSecondaryRegion`), named so that both regions compute the same name: the name
    in the destination's ARN (`${AWS::Region}` in it becomes the primary region parameter), or, for
    a destination known only by a missing logical id, the source's own `BucketName` plus
    `-replica` (the bucket gets that logical id, and every reference to it becomes its name or
    ARN: the primary has no such resource to refer to).  The source's `ReplicationConfiguration`
    applies only under `ReplicateToSecondaryRegion` (primary region, `SecondaryStackDeployed`
    true) and names the destination by ARN; no `DependsOn` is added (the destination is in the
    other region).  The new bucket is versioned, blocks public access, is encrypted with the
    rule's `ReplicaKmsKeyID` (else like the source, else SSE-S3), and carries the source's
    `DeletionPolicy` and `UpdateReplacePolicy`, lifecycle rules and access logging (to the same log
    bucket, under the source's prefix plus its own logical id).  A name that could exceed 63
    characters gets no fix, unless a `MaxLength` on an unbounded naming parameter makes it fit.

    **Deploy order.**  (1) Deploy the primary region with the defaults; (2) deploy the secondary
    region (it creates the destination); (3) update the primary with
    `SecondaryStackDeployed=true`.  Objects written before replication was switched on are not
    copied: use S3 Batch Replication.  The fixed template is simulated as DR009 does, in both
    orders of the regions and as an update of a primary stack that runs the template as it was;
    what the template holds that both stacks would now create is fixed in the same fix when it has
    a deterministic fix (the source keeps its name in the primary region), and otherwise the fix is
    refused with the reason.

    No fix for a conditioned source, a replication conditional on something other than the region,
    a `ReplicaKmsKeyID` that is a key of this stack (a key of the primary region, not of the
    secondary), or a destination known only by logical id whose source has no `BucketName`.

    ## References
    - [AWS::S3::Bucket ReplicationConfiguration: "The destination bucket or buckets must already exist"](https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-s3-bucket.html#cfn-s3-bucket-replicationconfiguration)
    - [ReplicationDestination Bucket (an ARN)](https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-s3-bucket-replicationdestination.html)
    - [S3 replication requirements](https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-requirements.html)
    - [Replicating existing objects with S3 Batch Replication](https://docs.aws.amazon.com/AmazonS3/latest/userguide/s3-batch-replication-batch.html)
    """

    id = "DR006"
    name = "replication-destination-missing"
    summary = "S3 replication destination bucket is not defined by the template nor given as a parameter"
    enabled_by_default = True  # a documented DR failure (a deploy failure too)
    fix_applicability = Applicability.UNSAFE
    resource_types = frozenset({"AWS::S3::Bucket"})

    def check(self, ctx: RuleContext, settings: Settings) -> Iterator[Finding]:
        names = _s3.bucket_names(ctx)
        known = {n for own in names.values() for n in own}
        for source, resource in ctx.resources_of(_s3.BUCKET):
            for pointer, dest, rule in _s3.replication_destinations(ctx, source):
                finding = self._check_one(ctx, source, resource, pointer, dest, rule, known, settings)
                if finding is not None:
                    yield finding

    def _check_one(self, ctx: RuleContext, source: str, resource: dict[str, Any], pointer: str,
                   dest: Any, rule: dict[str, Any], known: set[str], settings: Settings) -> Finding | None:
        destination = rule.get("Destination")
        account = destination.get("Account") if isinstance(destination, dict) else None
        if account is not None and ref_target(account) != "AWS::AccountId":
            return None
        target = ref_target(dest)
        att = getatt_target(dest)
        if target or att:
            missing = target or att[0]  # type: ignore[index]
            if (ctx.declares(missing) or missing.startswith("AWS::")
                    or (att and att[1] != "Arn")):
                return None
            return self._finding(ctx, settings, source, resource, pointer, rule, missing, missing)
        text = _s3.normalize(dest)
        name = _s3.strip_arn(text) if text else None
        if not name or "/" in name or name in known:
            return None
        for var in sub_names(name):
            if ctx.declares_resource(var):
                return None
        if not _s3.stack_built(ctx, name):
            return None
        return self._finding(ctx, settings, source, resource, pointer, rule, text, None, name)

    def _finding(self, ctx: RuleContext, settings: Settings, source: str, resource: dict[str, Any], pointer: str,
                 rule: dict[str, Any], shown: str, missing: str | None, name: str | None = None) -> Finding:
        message = f"{source} replicates to {shown}, a bucket this template does not create and no parameter names"
        why = ("S3 checks the destination when the replication configuration is put (\"Destination bucket must "
               "exist\"): the source bucket fails to create and the stack rolls back.")
        try:
            fix, new_id, notes = self._plan(ctx, settings, source, resource, pointer, rule, missing, name)
            also = _whole.complete_fix(ctx, settings, fix)
        except NoFix as reason:
            return refused(self, pointer, message, why, reason, resource=source)
        detail = (f"{why} A destination created by the same stack would be in the source's region (same-region "
                  f"replication, DR008), so the fix adds it as {new_id} only in the secondary region of the template, "
                  f"deployed in both regions, and replicates from the primary region once SecondaryStackDeployed is "
                  f"true{notes}.{also} {_regions.DEPLOY_ORDER} {_regions.BATCH_REPLICATION}")
        return finding(self, pointer, message, detail, resource=source, fix=fix.build(
            f"Add the replication destination bucket {new_id} in the secondary region", Applicability.UNSAFE))

    def _plan(self, ctx: RuleContext, settings: Settings, source: str, resource: dict[str, Any], pointer: str,
              rule: dict[str, Any], missing: str | None, name: str | None) -> tuple[FixBuilder, str, str]:
        """The layout's fix: the destination in the secondary region, named so that the primary addresses it by
        ARN (the name in the ARN, or for a logical id known by nothing else the source's name + ``-replica``)."""
        if "Condition" in resource:
            raise NoFix(f"{source} has a Condition: decide by hand where the destination lives")
        names = _regions.layout(ctx, settings)
        notes = ""
        if name is None:
            own = _s3.normalize(_regions.primary_name(ctx, names, source)) if "BucketName" in ctx.properties(
                source) else None
            if not own:
                raise NoFix(f"{missing} is known only by its logical id, and {source} has no BucketName to name it "
                            f"after: the primary must name the destination by ARN in the other region")
            replica_name = names.shared(own) + "-replica"
            notes = f"; {missing} is named {replica_name}, after {source}, and addressed by ARN"
        else:
            replica_name = names.shared(name)
        if any("." in v or ctx.declares_resource(v) for v in sub_names(replica_name)):
            raise NoFix(f"the destination's name {replica_name} would not be the same in both regions")
        replica_key = _s3.replica_key(rule)
        if replica_key is not None and _s3.local_key(ctx, replica_key):
            raise NoFix("its ReplicaKmsKeyID is a key of this stack's region, and the destination in the secondary "
                        "region needs a key of that region")
        bounds = _regions.replica_bounds(ctx, names, replica_name)
        if bounds is None:
            raise NoFix(f"the name {replica_name} can exceed S3's 63 characters for some parameter values")
        new_id = missing or _s3.replica_ids(ctx, source, set())[0]
        config = ctx.properties(source).get("ReplicationConfiguration")
        fix = self.fixer(ctx).extend(names.changes.operations)
        for parameter, length in bounds.items():
            fix.add(("Parameters", parameter, "MaxLength"), length)
        notes += "".join(f"; {p} gets MaxLength {n} so that the name fits 63 characters" for p, n in bounds.items())
        config_path = ("Resources", source, "Properties", "ReplicationConfiguration")
        if isinstance(config, dict) and "Fn::If" in config:
            from autofix.rules.dr.dr008_same_region_replication import region_condition

            args = config["Fn::If"]
            if not (isinstance(args, list) and args and region_condition(ctx, args[0])):
                raise NoFix("the replication is conditional on something other than the region")
            if missing:
                fix.replace(pointer, {"Fn::Sub": "arn:${AWS::Partition}:s3:::" + replica_name})
        elif isinstance(config, dict):
            value = copy.deepcopy(config)
            if missing:  # S3 wants the destination's ARN (a Ref gives its name)
                node = value
                *parents, last = split_pointer(pointer)[len(config_path):]
                for part in parents:
                    node = node[int(part) if isinstance(node, list) else part]
                node[int(last) if isinstance(node, list) else last] = {"Fn::GetAtt": [missing, "Arn"]}
                value = _rename.substitute(value, missing, _s3.BUCKET, replica_name).value
            fix.replace(config_path, {"Fn::If": [names.replicate, value, {"Ref": "AWS::NoValue"}]})
        else:
            raise NoFix("its ReplicationConfiguration is not a plain mapping")
        if missing:
            failed = _rename.name_everywhere(ctx, fix, missing, _s3.BUCKET, replica_name, skip={config_path})
            if failed:
                raise NoFix(f"{failed} needs the destination in the primary region")
        bucket_name: Any = {"Fn::Sub": replica_name} if sub_names(replica_name) else replica_name
        bucket = self._bucket(ctx, source, resource, rule, bucket_name, new_id)
        fix.add(("Resources", new_id), {"Type": bucket["Type"], "Condition": names.is_secondary,
                                        **{k: v for k, v in bucket.items() if k not in ("Type", "Condition")}})
        return fix, new_id, notes

    def _bucket(self, template: Template, source: str, resource: dict[str, Any], rule: dict[str, Any],
                name: Any, new_id: str) -> dict[str, Any]:
        replica_key = _s3.replica_key(rule)
        if replica_key is not None:
            rules = fragment(PATCHES, "kms_encryption_rules", KeyId=copy.deepcopy(replica_key))
        else:
            rules = _s3.encryption_rules(template.properties(source)) or fragment(
                PATCHES, "default_encryption_rules")
        bucket = fragment(PATCHES, "destination_bucket", EncryptionRules=copy.deepcopy(rules))
        bucket["Properties"] = {"BucketName": name, **bucket["Properties"]}
        kept, _ = _s3.data_management(template, source, False, new_id)
        bucket["Properties"].update(kept)
        attributes = {k: copy.deepcopy(resource[k]) for k in _COPIED_ATTRIBUTES if k in resource}
        return {"Type": bucket.pop("Type"), **attributes, **bucket}
