"""DR006 replication-destination-missing: S3 replication to a bucket nobody creates."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

from autofix.context import RuleContext
from autofix.fixes import FixBuilder
from autofix.intrinsics import sub_names
from autofix.patches import fragment
from autofix.rules.base import Applicability, Finding, Rule
from autofix.rules.dr import _regions, _s3
from autofix.settings import Settings
from autofix.template import Template, getatt_target, ref_target

PATCHES = "DR006-replication-destination-missing"
_COPIED_ATTRIBUTES = ("Condition", "DeletionPolicy", "UpdateReplacePolicy")


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
                Bucket: !Sub arn:aws:s3:::${AWS::StackName}-data-replica
    ```

    Use instead:
    ```yaml
    DataReplicaBucket:
      Type: AWS::S3::Bucket
      Properties:
        BucketName: !Sub ${AWS::StackName}-data-replica
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
      DependsOn: DataReplicaBucket
      # ... unchanged
    ```

    ## Fix safety
    Safe when CloudFormation names the bucket (a missing logical id) or the name contains both
    `${AWS::AccountId}` and `${AWS::Region}`; otherwise unsafe: bucket names are global per
    partition, so a literal or environment-only name makes the stack fail in a second
    environment, in the other region, or wherever a bucket of that name already exists.  The
    template asked for a destination bucket by name; the fix creates exactly that
    bucket (its `BucketName` is the name in the ARN; encrypted with the rule's
    `ReplicaKmsKeyID`, else like the source, else SSE-S3) and a `DependsOn` (merged with any
    existing one) so it exists before replication is configured.  A `Ref`/`GetAtt` to a
    missing logical id gets a bucket under that exact id, and a `Ref` (which yields a name,
    not the ARN S3 needs) becomes `!GetAtt <id>.Arn`; no `DependsOn` is added there since the
    reference already orders creation.  The new bucket carries the source's `Condition`,
    `DeletionPolicy` and `UpdateReplacePolicy`, and the source's lifecycle rules and access
    logging (to the same log bucket, under the source's prefix plus its own logical id).

    **Layout.**  A CloudFormation stack lives in one region, so a destination created by the
    same stack would be in the source's region (same-region replication, which DR008 reports).
    By default the fix writes DR001's region layout instead (unsafe: it changes when replication
    runs): the destination exists only in the secondary region of a template deployed in both
    regions (`Condition: IsSecondaryRegion`; `${AWS::Region}` in its name becomes the primary
    region parameter, so both regions compute the same name), the source's
    `ReplicationConfiguration` applies only under `ReplicateToSecondaryRegion` (primary region,
    `SecondaryStackDeployed=true`), no `DependsOn` is added, and the source gets a region suffix
    on its name in the secondary region only.  Deploy the primary region, then the secondary
    region, then update the primary with `SecondaryStackDeployed=true`.  In this layout a
    destination known only by a missing logical id gets no fix (the primary could not address a
    bucket of the other region by it), nor does a conditioned source.  The same-stack fix
    described above, in the stack's own region, stays available with
    `[tool.autofix.dr] layout = "same-stack"`.

    ## References
    - [AWS::S3::Bucket ReplicationConfiguration: "The destination bucket or buckets must already exist"](https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-s3-bucket.html#cfn-s3-bucket-replicationconfiguration)
    - [ReplicationDestination Bucket (an ARN)](https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-s3-bucket-replicationdestination.html)
    - [S3 replication requirements](https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-requirements.html)
    - [DependsOn attribute](https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-dependson.html)
    """

    id = "DR006"
    name = "replication-destination-missing"
    summary = "S3 replication destination bucket is not defined by the template nor given as a parameter"
    enabled_by_default = True  # a documented DR failure (a deploy failure too)
    fix_applicability = Applicability.SAFE
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
            if (missing in ctx.resources or ctx.is_parameter(missing) or missing.startswith("AWS::")
                    or (att and att[1] != "Arn")):
                return None
            if _regions.mode(settings) == "regions":
                return self.finding(
                    pointer,
                    f"{source} replicates to {missing}, which this template does not define and no parameter "
                    f"provides (deploy fails: destination bucket must exist); no automatic fix in the region "
                    f"layout because a bucket known only by a logical id has no name that the primary region "
                    f"could address in the secondary region: name the destination by ARN (for example "
                    f"!Sub 'arn:${{AWS::Partition}}:s3:::<name>') and this rule creates it there",
                    resource=source)
            return self._missing_id(ctx, source, resource, pointer, dest, rule, missing, bool(target))
        text = _s3.normalize(dest)
        name = _s3.strip_arn(text) if text else None
        if not name or "/" in name or name in known:
            return None
        for var in sub_names(name):
            if var in ctx.resources:
                return None
        if not _s3.stack_built(ctx, name):
            return None
        if _regions.mode(settings) == "regions":
            return self._region_missing_name(ctx, settings, source, resource, pointer, text, name, rule)
        return self._missing_name(ctx, source, resource, pointer, text, name, rule)

    # -- fixes

    def _bucket(self, template: Template, source: str, resource: dict[str, Any], rule: dict[str, Any],
                name: Any, new_id: str) -> dict[str, Any]:
        dest = rule.get("Destination")
        replica_key = None
        if isinstance(dest, dict) and isinstance(dest.get("EncryptionConfiguration"), dict):
            replica_key = dest["EncryptionConfiguration"].get("ReplicaKmsKeyID")
        if replica_key is not None and not (isinstance(replica_key, dict) and "Fn::If" in replica_key):
            rules = fragment(PATCHES, "kms_encryption_rules", KeyId=copy.deepcopy(replica_key))
        else:
            rules = _s3.encryption_rules(template.properties(source)) or fragment(
                PATCHES, "default_encryption_rules")
        bucket = fragment(PATCHES, "destination_bucket", EncryptionRules=copy.deepcopy(rules))
        if name is not None:
            bucket["Properties"] = {"BucketName": name, **bucket["Properties"]}
        kept, _ = _s3.data_management(template, source, False, new_id)
        bucket["Properties"].update(kept)
        attributes = {k: copy.deepcopy(resource[k]) for k in _COPIED_ATTRIBUTES if k in resource}
        if attributes:
            kind = bucket.pop("Type")
            bucket = {"Type": kind, **attributes, **bucket}
        return bucket

    @staticmethod
    def _add_dependency(fix: FixBuilder, source: str, current: str | list[Any] | None, new_id: str) -> None:
        """Make ``source`` (whose ``DependsOn`` is ``current``) depend on ``new_id`` as well."""
        path = ("Resources", source, "DependsOn")
        if current is None:
            fix.add(path, new_id)
        elif isinstance(current, str):
            fix.replace(path, [current, new_id])
        else:
            fix.add((*path, "-"), new_id)

    def _missing_id(self, ctx: RuleContext, source: str, resource: dict[str, Any], pointer: str,
                    dest: Any, rule: dict[str, Any], missing: str, is_ref: bool) -> Finding:
        fix = self.fixer(ctx).add(("Resources", missing), self._bucket(ctx, source, resource, rule, None, missing))
        also = ""
        if is_ref:
            fix.replace(pointer, {"Fn::GetAtt": [missing, "Arn"]})
            also = f" and refers to it by ARN (!GetAtt {missing}.Arn; Ref gives a name)"
        return self.finding(
            pointer,
            f"{source} replicates to {missing}, which this template does not define and no parameter provides "
            f"(deploy fails: destination bucket must exist); the fix adds bucket {missing} (versioned, encrypted, "
            f"public access blocked) in this stack's region{also}; for cross-region DR deploy the destination "
            f"in the secondary region and pass its ARN as a parameter instead",
            fix=fix.build(f"Add the replication destination bucket {missing}", Applicability.SAFE),
            resource=source,
        )

    def _region_missing_name(self, ctx: RuleContext, settings: Settings, source: str, resource: dict[str, Any],
                             pointer: str, arn: str, name: str, rule: dict[str, Any]) -> Finding:
        """The region layout: the destination exists only in the secondary region, replication runs
        from the primary once the secondary region's stack exists."""
        message = (f"{source} replicates to {arn}, a bucket this template does not define and no parameter "
                   f"provides (deploy fails: destination bucket must exist)")
        new_id, _, _ = _s3.replica_ids(ctx, source, set())

        def no_fix(why: str) -> Finding:
            return self.finding(pointer, f"{message}; no automatic fix because {why}", resource=source)

        if "Condition" in resource:
            return no_fix(f"{source} has a Condition: decide by hand where the destination lives")
        names = _regions.layout(ctx, settings)
        replica_name = name.replace("${AWS::Region}", "${" + names.primary + "}")
        config = ctx.properties(source).get("ReplicationConfiguration")
        fix = self.fixer(ctx).extend(names.changes.operations)
        if isinstance(config, dict) and "Fn::If" in config:
            from autofix.rules.dr.dr008_same_region_replication import region_condition

            args = config["Fn::If"]
            if not (isinstance(args, list) and args and region_condition(ctx, args[0])):
                return no_fix("the replication is conditional on something other than the region")
        elif isinstance(config, dict):
            fix.replace(("Resources", source, "Properties", "ReplicationConfiguration"),
                        {"Fn::If": [names.replicate, copy.deepcopy(config), {"Ref": "AWS::NoValue"}]})
        else:
            return no_fix("its ReplicationConfiguration is not a plain mapping")
        planned = _regions.plan_names(ctx, names, replica_name, source)
        if planned is None:
            return no_fix(f"the names ({replica_name}) can exceed S3's 63 characters for some parameter values")
        bounds, name_changes, own = planned
        fix.extend(name_changes.operations)
        bucket_name: Any = {"Fn::Sub": replica_name} if sub_names(replica_name) else replica_name
        bucket = self._bucket(ctx, source, resource, rule, bucket_name, new_id)
        bucket = {"Type": bucket["Type"], "Condition": names.is_secondary,
                  **{k: v for k, v in bucket.items() if k not in ("Type", "Condition")}}
        fix.add(("Resources", new_id), bucket)
        notes = "".join(f"; {p} gets MaxLength {n} so that the names fit 63 characters" for p, n in bounds.items())
        if own:
            notes += f"; in the secondary region {source} itself is named {own}"
        return self.finding(
            pointer,
            f"{message}; the fix adds it as {new_id} only in the secondary region of this template, deployed in "
            f"both regions, and replicates from the primary region once SecondaryStackDeployed is true{notes} "
            f"(deploy the primary region, then the secondary region, then update the primary with "
            f"SecondaryStackDeployed=true){_regions.twice_note(ctx, {source})}",
            fix=fix.build(f"Add the replication destination bucket {new_id} in the secondary region",
                          Applicability.UNSAFE),
            resource=source,
        )

    def _missing_name(self, ctx: RuleContext, source: str, resource: dict[str, Any], pointer: str,
                      arn: str, name: str, rule: dict[str, Any]) -> Finding:
        new_id, _, _ = _s3.replica_ids(ctx, source, set())
        bucket_name: Any = {"Fn::Sub": name} if sub_names(name) else name
        message = (f"{source} replicates to {arn}, a bucket this template does not define and no parameter "
                   f"provides (deploy fails: destination bucket must exist)")
        depends = resource.get("DependsOn")
        if depends is not None and not isinstance(depends, (str, list)):
            return self.finding(pointer, f"{message}; no automatic fix because DependsOn is not a name or list",
                                resource=source)
        fix = self.fixer(ctx).add(("Resources", new_id),
                                  self._bucket(ctx, source, resource, rule, bucket_name, new_id))
        self._add_dependency(fix, source, depends, new_id)
        unique = "${AWS::AccountId}" in name and "${AWS::Region}" in name
        risk = "" if unique else (
            f"; unsafe: bucket names are global per partition, and {name} does not contain both "
            f"${{AWS::AccountId}} and ${{AWS::Region}}, so a second environment, the same template in "
            f"another region, or a bucket that already has the name makes the stack fail")
        return self.finding(
            pointer,
            f"{message}; the fix adds it as {new_id} (versioned, encrypted, public access blocked) in this "
            f"stack's region and makes {source} depend on it; for cross-region DR deploy the destination in "
            f"the secondary region and pass its ARN as a parameter instead{risk}",
            fix=fix.build(f"Add the replication destination bucket {new_id} and make {source} depend on it",
                          Applicability.SAFE if unique else Applicability.UNSAFE),
            resource=source,
        )
