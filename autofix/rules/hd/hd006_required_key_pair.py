"""HD006 required-key-pair: an EC2 key pair parameter without a default blocks non-interactive deploys."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from autofix.context import RuleContext, mappings_in
from autofix.intrinsics import ref_target, references_in
from autofix.nodes import join_pointer
from autofix.rules.base import Applicability, Finding, Rule
from autofix.settings import Settings
from autofix.template import Template, property_values

#: Where a key name is given: type -> property path.
KEY_PLACES: dict[str, tuple[tuple[str, ...], ...]] = {
    "AWS::EC2::Instance": (("KeyName",),),
    "AWS::EC2::LaunchTemplate": (("LaunchTemplateData", "KeyName"),),
    "AWS::AutoScaling::LaunchConfiguration": (("KeyName",),),
}
KEY_TYPE = "AWS::EC2::KeyPair::KeyName"


def _key_uses(template: Template, name: str) -> list[tuple[str, ...]] | None:
    """Paths of the KeyName properties that are exactly ``!Ref name``; None if it is used any other way."""
    return [path for _, path, value in property_values(template, KEY_PLACES) if ref_target(value) == name]


class RequiredKeyPair(Rule):
    """## What it does
    Finds parameters of type `AWS::EC2::KeyPair::KeyName` without a default that instances,
    launch templates or launch configurations use as `KeyName`, and makes the key optional:
    the parameter becomes `Type: String` with `Default: ''`, a `HasKeyPair` condition tests it,
    and every `KeyName: !Ref KeyName` becomes
    `!If [HasKeyPair, !Ref KeyName, !Ref AWS::NoValue]`.

    ## Why is this bad?
    A required key pair must exist in the account and region and be passed by whoever deploys:
    a pipeline, a test account or a one-line `aws cloudformation deploy` without it fails.
    Most teams reach instances through Session Manager and never use the key.

    ## Example
    ```yaml
    Parameters:
      KeyName: {Type: AWS::EC2::KeyPair::KeyName}
    Resources:
      Host:
        Type: AWS::EC2::Instance
        Properties:
          KeyName: !Ref KeyName
    ```

    Use instead:
    ```yaml
    Parameters:
      KeyName: {Type: String, Default: ''}
    Conditions:
      HasKeyPair: !Not [!Equals [!Ref KeyName, '']]
    Resources:
      Host:
        Type: AWS::EC2::Instance
        Properties:
          KeyName: !If [HasKeyPair, !Ref KeyName, !Ref AWS::NoValue]
    ```

    ## Fix safety
    Safe: a deploy that passes a key gets the same instance as before; one that passes none
    now succeeds with an instance without a key pair instead of failing.  The console no
    longer offers a list of key pairs for the parameter (a `String` is free text), and a
    mistyped name fails at instance creation rather than at parameter validation.  Parameters
    also used another way (in a `Fn::Sub`, an output) are left alone.

    ## References
    - [Parameter types (AWS::EC2::KeyPair::KeyName)](https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-supplied-parameter-types.html)
    - [AWS::EC2::Instance KeyName](https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ec2-instance.html)
    - [Condition functions](https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-conditions.html)
    """

    id = "HD006"
    name = "required-key-pair"
    summary = "Required EC2 key pair parameter: make it optional"
    enabled_by_default = False  # an opinion: a required key pair deploys when one is passed; no cfn-lint code
    fix_applicability = Applicability.SAFE
    resource_types = frozenset(KEY_PLACES)

    def check(self, ctx: RuleContext, settings: Settings) -> Iterator[Finding]:
        for name, param in ctx.parameters.items():
            if not isinstance(param, dict) or param.get("Type") != KEY_TYPE:
                continue
            if param.get("Default") not in (None, ""):
                continue
            uses = _key_uses(ctx, name)
            if not uses:
                continue
            pointer = ctx.pointer("Parameters", name)
            message = f"parameter {name} requires an EC2 key pair, which blocks deploys that do not pass one"
            if _used_elsewhere(ctx, name, uses):
                yield self.finding(pointer, message + f" (no fix: {name} is used outside KeyName)")
                continue
            pattern = param.get("AllowedPattern")
            if "AllowedValues" in param or (pattern is not None and not _matches_empty(pattern)):
                yield self.finding(pointer, message + f" (no fix: the constraints of {name} refuse '')")
                continue
            condition = "HasKeyPair" if "HasKeyPair" not in ctx.taken_ids() else ctx.unique_id(f"Has{name}")
            fix = self.fixer(ctx)
            fix.replace((*_param(name), "Type"), "String")
            fix.set((*_param(name), "Default"), "")
            if "MinLength" in param:
                fix.remove((*_param(name), "MinLength"))
            fix.set(("Conditions", condition), {"Fn::Not": [{"Fn::Equals": [{"Ref": name}, ""]}]})
            for path in uses:
                fix.replace(path, {"Fn::If": [condition, {"Ref": name}, {"Ref": "AWS::NoValue"}]})
            yield self.finding(pointer, message, fix=fix.build(
                f"Make {name} optional (Default '', condition {condition})", Applicability.SAFE))


def _matches_empty(pattern: Any) -> bool:
    import re

    try:
        return isinstance(pattern, str) and re.fullmatch(pattern, "") is not None
    except re.error:
        return False


def _param(name: str) -> tuple[str, str]:
    return ("Parameters", name)


def _used_elsewhere(ctx: RuleContext, name: str, uses: list[tuple[str, ...]]) -> bool:
    """Whether anything but the KeyName ``uses`` (each exactly ``!Ref name``) refers to parameter ``name``."""
    at = {join_pointer(*path) for path in uses}
    return any(pointer not in at and name in references_in((node,))
               for pointer, node in mappings_in(ctx, ctx.data))
