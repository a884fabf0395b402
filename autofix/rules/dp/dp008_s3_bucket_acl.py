"""DP008 s3-bucket-acl: a legacy canned ACL on an S3 bucket, which new buckets refuse or ignore."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from autofix.context import RuleContext
from autofix.fixes import FixBuilder
from autofix.intrinsics import intrinsic_name, ref_target, references
from autofix.patches import fragment
from autofix.rules.base import Applicability, Finding, Rule
from autofix.settings import Settings

PATCHES = "DP008-s3-bucket-acl"
BUCKET = "AWS::S3::Bucket"
POLICY = "AWS::S3::BucketPolicy"
DISTRIBUTION = "AWS::CloudFront::Distribution"
#: canned ACLs that give a new bucket nothing beyond its default (S3 ignores the bucket-owner ones there)
PRIVATE = frozenset({"Private", "BucketOwnerFullControl", "BucketOwnerRead"})
LOG_DELIVERY = "LogDeliveryWrite"
LOG_SERVICE = "logging.s3.amazonaws.com"


class S3BucketAcl(Rule):
    """## What it does
    Finds S3 buckets with an `AccessControl` canned ACL (cfn-lint W3045, and E3045 when the ACL
    is not private and no `OwnershipControls` enable ACLs).  A private ACL is removed; a
    `LogDeliveryWrite` ACL is replaced by the bucket policy statement that lets S3 deliver
    server access logs; a log bucket CloudFront writes its standard logs to keeps its ACL and
    gets the `OwnershipControls` that enable it.

    ## Why is this bad?
    Since April 2023 new buckets have ACLs disabled (Object Ownership "bucket owner enforced"):
    creating one with a non-private ACL fails ("Bucket cannot have ACLs set with
    ObjectOwnership's BucketOwnerEnforced setting"), so the stack does not deploy.  AWS
    recommends bucket policies for access; a private ACL is the default and says nothing.

    ## Example
    ```yaml
    LogBucket:
      Type: AWS::S3::Bucket
      Properties:
        AccessControl: LogDeliveryWrite
    ```

    Use instead:
    ```yaml
    LogBucket:
      Type: AWS::S3::Bucket
    LogBucketPolicy:
      Type: AWS::S3::BucketPolicy
      Properties:
        Bucket: !Ref LogBucket
        PolicyDocument:
          Version: '2012-10-17'
          Statement:
            - Sid: S3ServerAccessLogsDelivery
              Effect: Allow
              Principal: {Service: logging.s3.amazonaws.com}
              Action: s3:PutObject
              Resource: !Sub '${LogBucket.Arn}/*'
              Condition:
                StringEquals: {aws:SourceAccount: !Ref AWS::AccountId}
    ```

    ## Fix safety
    - `Private`, `BucketOwnerFullControl` or `BucketOwnerRead` is removed: safe, a new bucket
      is private by default and S3 ignores the bucket-owner ACLs on a bucket.
    - `LogDeliveryWrite`: unsafe, the grant moves to the bucket policy (appended to the one
      policy of the bucket, or a new `AWS::S3::BucketPolicy`); it is the same grant, limited
      to this account, but log delivery now depends on the policy.  Removing the ACL alone is
      safe when the policy already grants `logging.s3.amazonaws.com`.  No fix when the bucket
      has several policies, or one whose statements are not a plain list.
    - A bucket CloudFront writes its standard logs to needs ACLs: `OwnershipControls` with
      `BucketOwnerPreferred` are added, safe, the ACL asked for now applies.
    - Any other ACL (public grants) is reported without a fix.

    ## References
    - [Controlling ownership of objects and disabling ACLs](https://docs.aws.amazon.com/AmazonS3/latest/userguide/about-object-ownership.html)
    - [Permissions for server access log delivery](https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html)
    - [CloudFront standard logging: bucket permissions](https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/AccessLogs.html)
    """

    id = "DP008"
    name = "s3-bucket-acl"
    summary = "Legacy canned ACL on an S3 bucket: removed, or moved to the bucket policy"
    cfn_lint = ("E3045", "W3045")
    enabled_by_default = True  # resolves cfn-lint E3045/W3045
    fix_applicability = Applicability.SAFE
    resource_types = frozenset({BUCKET})
    reads_whole_template = True

    def check(self, ctx: RuleContext, settings: Settings) -> Iterator[Finding]:
        for logical_id, bucket in ctx.resources_of(BUCKET):
            acl = ctx.properties(logical_id).get("AccessControl")
            if not isinstance(acl, str):
                continue
            pointer = ctx.pointer("Resources", logical_id, "Properties", "AccessControl")
            if acl in PRIVATE:
                fix = _without_acl(self.fixer(ctx), ctx, logical_id)
                yield self.finding(pointer, f"bucket {logical_id} sets AccessControl: {acl}, a new bucket's default",
                                   resource=logical_id,
                                   fix=fix.build(f"Remove AccessControl: {acl}", Applicability.SAFE))
            elif acl == LOG_DELIVERY:
                found = self._log_delivery(ctx, logical_id, bucket, pointer)
                if found is not None:
                    yield found
            elif "OwnershipControls" not in ctx.properties(logical_id):
                yield self.finding(pointer, f"bucket {logical_id} sets the ACL {acl}, which buckets refuse unless "
                                            "OwnershipControls enable ACLs", resource=logical_id)

    def _log_delivery(self, ctx: RuleContext, logical_id: str, bucket: dict[str, Any], pointer: str) -> Finding | None:
        """None for a bucket that needs its ACL (CloudFront standard logs) and has ACLs enabled."""
        props = ctx.properties(logical_id)
        if _cloudfront_logs_to(ctx, logical_id):
            message = f"bucket {logical_id} receives CloudFront standard logs, which need ACLs enabled"
            if "OwnershipControls" in props:
                return None
            fix = self.fixer(ctx).set(("Resources", logical_id, "Properties", "OwnershipControls"),
                                      fragment(PATCHES, "ownership_controls"))
            return self.finding(pointer, message + ": OwnershipControls are missing", resource=logical_id,
                                fix=fix.build("Enable ACLs with OwnershipControls: BucketOwnerPreferred",
                                              Applicability.SAFE))
        message = f"bucket {logical_id} grants log delivery with a legacy ACL; a bucket policy is what S3 accepts"
        targets = {pid: ref_target(ctx.properties(pid).get("Bucket")) for pid, _ in ctx.resources_of(POLICY)}
        policies = [pid for pid, target in targets.items() if target == logical_id]
        others = [pid for pid, target in targets.items() if target is None]
        fix = _without_acl(self.fixer(ctx), ctx, logical_id)
        statement = fragment(PATCHES, "log_delivery_statement", Bucket=logical_id)
        if len(policies) == 1:
            path = ("Resources", policies[0], "Properties", "PolicyDocument", "Statement")
            statements = fix.get(path)
            if not isinstance(statements, list):
                return self.finding(pointer, message + f" (no fix: {policies[0]} is not a plain list of statements)",
                                    resource=logical_id)
            if any(_grants_log_delivery(s) for s in statements):
                return self.finding(pointer, message, resource=logical_id, fix=fix.build(
                    f"Remove the ACL: {policies[0]} grants log delivery already", Applicability.SAFE))
            fix.add((*path, "-"), statement)
            return self.finding(pointer, message, resource=logical_id, fix=fix.build(
                f"Grant log delivery in {policies[0]} instead of the ACL", Applicability.UNSAFE))
        if policies or others:
            return self.finding(pointer, message + " (no fix: which bucket policy to extend is unclear)",
                                resource=logical_id)
        name = ctx.unique_id(f"{logical_id}Policy")
        policy = fragment(PATCHES, "bucket_policy", Bucket=logical_id, Statement=statement)
        if isinstance(bucket.get("Condition"), str):
            policy = {"Condition": bucket["Condition"], **policy}
        fix.add(("Resources", name), policy)
        return self.finding(pointer, message, resource=logical_id, fix=fix.build(
            f"Grant log delivery in a new bucket policy {name} instead of the ACL", Applicability.UNSAFE))


def _without_acl(fix: FixBuilder, ctx: RuleContext, logical_id: str) -> FixBuilder:
    """``fix`` removing the bucket's AccessControl (its Properties when nothing else is left)."""
    if len(ctx.properties(logical_id)) == 1:
        return fix.remove(("Resources", logical_id, "Properties"))
    return fix.remove(("Resources", logical_id, "Properties", "AccessControl"))


def _cloudfront_logs_to(ctx: RuleContext, logical_id: str) -> bool:
    """Whether a CloudFront distribution of the template writes standard logs to bucket ``logical_id``."""
    name = ctx.properties(logical_id).get("BucketName")
    for distribution_id, _ in ctx.resources_of(DISTRIBUTION):
        config = ctx.properties(distribution_id).get("DistributionConfig")
        logging = config.get("Logging") if isinstance(config, dict) else None
        if logging is None:
            continue
        if logical_id in references(logging):
            return True
        target = logging.get("Bucket") if isinstance(logging, dict) else None
        if isinstance(name, str) and isinstance(target, str) and target.startswith(f"{name}."):
            return True
    return False


def _grants_log_delivery(statement: Any) -> bool:
    if not isinstance(statement, dict) or intrinsic_name(statement) or statement.get("Effect") != "Allow":
        return False
    principal = statement.get("Principal")
    service = principal.get("Service") if isinstance(principal, dict) else None
    return service == LOG_SERVICE or (isinstance(service, list) and LOG_SERVICE in service)
