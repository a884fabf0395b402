"""DP004 name-where-arn-required: a resource's name or id where an ARN is required."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from autofix.context import RuleContext, mappings_in
from autofix.intrinsics import SUB_VARIABLE, parse_sub, ref_target
from autofix.nodes import extend_pointer
from autofix.rules.base import Applicability, Finding, Rule, concise
from autofix.settings import Settings
from autofix.template import properties_owner, resource_type

#: Resource types whose Ref is a name, id or URL (not an ARN) and which have an Arn attribute.
NAMED = frozenset({
    "AWS::CodeBuild::Project",
    "AWS::DynamoDB::Table",
    "AWS::ECR::Repository",
    "AWS::ECS::Cluster",
    "AWS::Events::EventBus",
    "AWS::IAM::Role",
    "AWS::IAM::User",
    "AWS::KMS::Key",
    "AWS::Kinesis::Stream",
    "AWS::KinesisFirehose::DeliveryStream",
    "AWS::Lambda::Function",
    "AWS::Logs::LogGroup",
    "AWS::S3::Bucket",
    "AWS::SQS::Queue",
})


class NameWhereArnRequired(Rule):
    """## What it does
    Finds a `Ref` to a resource whose `Ref` is a name, id or URL (an S3 bucket, DynamoDB
    table, Lambda function, SQS queue, IAM role, KMS key, log group, Kinesis stream...) used
    where an ARN is required:

    - a policy statement's `Resource` / `NotResource` (`!Ref Bucket`, `!Sub "${Bucket}/*"`,
      `!Join ["", [!Ref Bucket, "/*"]]`);
    - a property whose name ends in `Arn` (`SourceArn`, `TargetArn`, `KmsKeyArn`,
      `RoleArn`, an event target's `Arn`...);
    - the `Role` of a Lambda function.

    The reference becomes `!GetAtt X.Arn` (`${X.Arn}` in a `Fn::Sub`).

    ## Why is this bad?
    The value is not an ARN, so the policy names nothing (or is rejected as malformed:
    "Resource my-bucket/* must be in ARN format") and the property is refused at deploy
    time ("1 validation error detected: Value 'my-role' at 'role' failed to satisfy
    constraint").

    ## Example
    ```yaml
    Resource: !Sub "${DataBucket}/*"
    ```

    Use instead:
    ```yaml
    Resource: !Sub "${DataBucket.Arn}/*"
    ```

    ## Fix safety
    Safe: the reference names the same resource; only the form CloudFormation returns
    changes, to the one the property requires.

    ## References
    - [Fn::GetAtt return values](https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-getatt.html)
    - [IAM JSON policy elements: Resource](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html)
    - [AWS::Lambda::Function Role](https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-lambda-function.html#cfn-lambda-function-role)
    """

    id = "DP004"
    name = "name-where-arn-required"
    summary = "A resource's name or id is used where an ARN is required"
    enabled_by_default = True  # a deploy failure: the property or policy rejects a name where an ARN is required
    fix_applicability = Applicability.SAFE
    resource_types = NAMED

    def check(self, ctx: RuleContext, settings: Settings) -> Iterator[Finding]:
        resources = ctx.resources
        named = {lid for lid, res in resources.items() if isinstance(res, dict) and resource_type(res) in NAMED}
        if not named:
            return
        for logical_id, resource in resources.items():
            props = resource.get("Properties") if isinstance(resource, dict) else None
            if isinstance(props, dict) and "Role" in props and resource_type(resource) == "AWS::Lambda::Function":
                yield from self._value(ctx, props["Role"], ctx.pointer("Resources", logical_id, "Properties", "Role"),
                                       named, logical_id, "Role")
        # one scan of every mapping of Resources (this sees every mapping of the template); the
        # resource is worked out for the few that matter
        for pointer, value in mappings_in(ctx, resources, "/Resources"):
            statement = "Effect" in value
            if not statement and "Arn\0" not in "\0".join(value) + "\0":  # no key ends in Arn: asked in C
                continue
            logical_id = properties_owner(pointer)
            if logical_id is None:
                continue
            if statement:
                for key in ("Resource", "NotResource"):
                    if key in value:
                        yield from self._statement(ctx, value[key], extend_pointer(pointer, key), named,
                                                   logical_id)
            for key in value:  # a property whose name ends in Arn
                if key.endswith("Arn") and not key.startswith("Fn::"):
                    yield from self._value(ctx, value[key], extend_pointer(pointer, key), named, logical_id,
                                           key)

    def _value(self, ctx: RuleContext, value: Any, pointer: str, named: set[str], owner: str,
               what: str) -> Iterator[Finding]:
        target = ref_target(value)
        if target in named:
            yield self._getatt(ctx, pointer, target, owner, what)
        elif isinstance(value, dict) and len(value) == 1 and isinstance(value.get("Fn::If"), list) \
                and len(value["Fn::If"]) == 3:
            for branch in (1, 2):
                yield from self._value(ctx, value["Fn::If"][branch], extend_pointer(pointer, "Fn::If", branch),
                                       named, owner, what)

    def _getatt(self, ctx: RuleContext, pointer: str, target: str, owner: str, what: str) -> Finding:
        fix = self.fixer(ctx).replace(pointer, {"Fn::GetAtt": [target, "Arn"]})
        return self.finding(
            pointer, concise(f"{owner}: {what} needs an ARN but Ref {target} gives its name or id; use !GetAtt "
                             f"{target}.Arn",
                             f"{owner}: {what} needs an ARN, not Ref {target}; use !GetAtt {target}.Arn"),
            fix=fix.build(f"Use the ARN of {target} (GetAtt {target}.Arn) instead of its Ref", Applicability.SAFE),
            resource=owner)

    def _statement(self, ctx: RuleContext, value: Any, pointer: str, named: set[str],
                   owner: str) -> Iterator[Finding]:
        items = list(enumerate(value)) if isinstance(value, list) else [(None, value)]
        for index, item in items:
            path = pointer if index is None else extend_pointer(pointer, index)
            target = ref_target(item)
            if target in named:
                yield self._getatt(ctx, path, target, owner, "a policy Resource")
                continue
            if not isinstance(item, dict) or len(item) != 1:
                continue
            sub = parse_sub(item)
            if sub is not None:
                match = SUB_VARIABLE.match(sub.text)
                name = match.group(1) if match else ""
                # a logical id CloudFormation accepts (alphanumeric): a template with others fails anyway
                if name in named and name not in sub.local and name.isascii() and name.isalnum():
                    new_text = f"${{{name}.Arn}}" + sub.text[match.end():]
                    sub_path = extend_pointer(path, *sub.text_at)
                    fix = self.fixer(ctx).replace(sub_path, new_text)
                    yield self.finding(
                        sub_path, concise(f"{owner}: a policy Resource starts with ${{{name}}}, the name of {name}, "
                                          f"not its ARN; use ${{{name}.Arn}}",
                                          f"{owner}: a policy Resource starts with ${{{name}}}, a name, not an ARN; "
                                          f"use ${{{name}.Arn}}"),
                        fix=fix.build(f"Use ${{{name}.Arn}} instead of ${{{name}}}", Applicability.SAFE),
                        resource=owner)
            elif isinstance(item.get("Fn::Join"), list) and len(item["Fn::Join"]) == 2:
                parts = item["Fn::Join"][1]
                if isinstance(parts, list) and parts and ref_target(parts[0]) in named:
                    yield self._getatt(ctx, extend_pointer(path, "Fn::Join", 1, 0), ref_target(parts[0]), owner,
                                       "a policy Resource")
