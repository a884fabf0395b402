"""HD008 lambda-permission-source-account: S3 may invoke a function for a bucket of any account."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from autofix.context import RuleContext
from autofix.intrinsics import references, strings_in
from autofix.patterns import lazy_pattern
from autofix.rules.base import Applicability, Finding, Rule
from autofix.settings import Settings

PERMISSION = "AWS::Lambda::Permission"
BUCKET = "AWS::S3::Bucket"
#: an S3 bucket ARN names no account (``arn:aws:s3:::name``), unlike the ARNs of other sources
_S3_ARN = lazy_pattern(r"^arn:(\$\{AWS::Partition\}|[^:]*):s3:::")
_ACCOUNT = lazy_pattern(r":\d{12}:")


class LambdaPermissionSourceAccount(Rule):
    """## What it does
    Finds `AWS::Lambda::Permission` resources that let S3 invoke a function for a bucket ARN
    (`SourceArn`) without `SourceAccount` (cfn-lint W3663), and adds
    `SourceAccount: !Ref AWS::AccountId`.

    ## Why is this bad?
    A bucket ARN names no account.  Bucket names are global and reusable: once a bucket is
    deleted, anyone can create one with the same name in their own account and have S3 invoke
    the function (the "confused deputy").  AWS recommends `SourceAccount` whenever the source
    ARN does not carry the account.

    ## Example
    ```yaml
    InvokeFromUploads:
      Type: AWS::Lambda::Permission
      Properties:
        FunctionName: !Ref Processor
        Action: lambda:InvokeFunction
        Principal: s3.amazonaws.com
        SourceArn: !GetAtt UploadsBucket.Arn
    ```

    Use instead:
    ```yaml
        SourceArn: !GetAtt UploadsBucket.Arn
        SourceAccount: !Ref AWS::AccountId
    ```

    ## Fix safety
    - The bucket is one this template creates: safe, it is in the stack's account.
    - The bucket is named by an ARN (`arn:aws:s3:::uploads`): unsafe, it may belong to another
      account, which the permission would then no longer serve.

    ## References
    - [AWS::Lambda::Permission SourceAccount](https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-lambda-permission.html)
    - [The confused deputy problem](https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html)
    """

    id = "HD008"
    name = "lambda-permission-source-account"
    summary = "Lambda permission for an S3 bucket without SourceAccount"
    cfn_lint = ("W3663",)
    enabled_by_default = True  # resolves cfn-lint W3663
    fix_applicability = Applicability.SAFE
    resource_types = frozenset({PERMISSION})

    def check(self, ctx: RuleContext, settings: Settings) -> Iterator[Finding]:
        buckets = {logical_id for logical_id, _ in ctx.resources_of(BUCKET)}
        for logical_id, _ in ctx.resources_of(PERMISSION):
            props = ctx.properties(logical_id)
            source = props.get("SourceArn")
            if source is None or "SourceAccount" in props:
                continue
            ours = sorted(references(source) & buckets)
            if ours:
                how, why = Applicability.SAFE, f"bucket {ours[0]} of this template"
            elif _names_bucket(source):
                how, why = Applicability.UNSAFE, "a bucket that may be in another account"
            else:
                continue
            fix = self.fixer(ctx).add(("Resources", logical_id, "Properties", "SourceAccount"),
                                      {"Ref": "AWS::AccountId"})
            yield self.finding(ctx.pointer("Resources", logical_id, "Properties", "SourceArn"),
                               f"permission {logical_id} lets S3 invoke the function for {why} without SourceAccount",
                               resource=logical_id,
                               fix=fix.build("Add SourceAccount: !Ref AWS::AccountId", how))


def _names_bucket(source: Any) -> bool:
    """Whether ``source`` spells an S3 bucket ARN (literally or in a Fn::Sub) without an account."""
    texts = list(strings_in(source))
    return any(_S3_ARN.match(t) for t in texts) and not any(_ACCOUNT.search(t) for t in texts)
