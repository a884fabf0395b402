"""DP013 parameter-definition: a parameter whose type or default CloudFormation refuses."""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from autofix.context import RuleContext
from autofix.intrinsics import intrinsic_name
from autofix.patches import fragment
from autofix.rules.base import Applicability, Finding, Rule
from autofix.settings import Settings
from autofix.spelling import same_but_case

PATCHES = "DP013-parameter-definition"
_OPEN_TYPES = ("List<", "AWS::SSM::Parameter::Value<")


@lru_cache(maxsize=1)
def _types() -> tuple[frozenset[str], dict[str, str]]:
    aliases = {k.lower(): v for k, v in fragment(PATCHES, "aliases").items()}
    return frozenset(fragment(PATCHES, "types")), aliases


def valid_type(kind: str) -> bool:
    return kind in _types()[0] or kind.startswith(_OPEN_TYPES)


def list_type(kind: Any) -> bool:
    return isinstance(kind, str) and (kind == "CommaDelimitedList" or "List<" in kind)


class ParameterDefinition(Rule):
    """## What it does
    Finds parameter definitions CloudFormation refuses: a `Type` that is not a parameter type
    (cfn-lint E2002), a `Default` that is a list or an intrinsic function rather than a string
    (E2001), and a `Default` outside the parameter's `AllowedValues` (E2015).

    ## Why is this bad?
    CloudFormation validates parameters before anything else ("Template format error: ...
    Default must be a string"), so the stack does not deploy.  LLM-written templates use types
    of other languages (`Integer`, `string`), write list defaults as YAML lists, default to a
    pseudo parameter (`Default: !Ref AWS::Region`), or spell a default unlike its allowed
    values.

    ## Example
    ```yaml
    Parameters:
      Subnets:
        Type: List<AWS::EC2::Subnet::Id>
        Default: [subnet-0a1b2c3d, subnet-4e5f6a7b]
      Retries:
        Type: Integer
        Default: 3
    ```

    Use instead:
    ```yaml
      Subnets:
        Type: List<AWS::EC2::Subnet::Id>
        Default: subnet-0a1b2c3d,subnet-4e5f6a7b
      Retries:
        Type: Number
        Default: 3
    ```

    ## Fix safety
    - A type in another case (`string`), or another language's name for it (`Integer` ->
      `Number`, `StringList` -> `CommaDelimitedList`): safe.
    - A list default of a list-typed parameter becomes the comma-separated string
      CloudFormation expects: safe, the same values.
    - A default spelled like one allowed value but for case: safe.
    - A default that is an intrinsic function is removed: unsafe, the parameter becomes
      required (CloudFormation cannot compute defaults).
    - Anything else is reported without a fix.

    ## References
    - [Parameters](https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/parameters-section-structure.html)
    - [Supported parameter types](https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-supplied-parameter-types.html)
    """

    id = "DP013"
    name = "parameter-definition"
    summary = "Parameter type or default that CloudFormation refuses"
    cfn_lint = ("E2001", "E2002", "E2015")
    enabled_by_default = True  # resolves cfn-lint E2001/E2002/E2015
    fix_applicability = Applicability.SAFE

    def check(self, ctx: RuleContext, settings: Settings) -> Iterator[Finding]:
        for name, param in ctx.parameters.items():
            if not isinstance(param, dict):
                continue
            kind = param.get("Type")
            if isinstance(kind, str) and not valid_type(kind):
                yield self._type(ctx, name, kind)
                kind = None  # the default is judged once the type is known
            if "Default" in param:
                found = self._default(ctx, name, param, kind)
                if found is not None:
                    yield found

    def _type(self, ctx: RuleContext, name: str, kind: str) -> Finding:
        pointer = ctx.pointer("Parameters", name, "Type")
        known, aliases = _types()
        better = same_but_case(kind, known) or aliases.get(kind.lower())
        message = f"parameter {name} has the type {kind!r}, which is no parameter type"
        if better is None:
            return self.finding(pointer, message)
        fix = self.fixer(ctx).replace(pointer, better)
        return self.finding(pointer, f"{message}; {better} is", fix=fix.build(f"Type {better}", Applicability.SAFE))

    def _default(self, ctx: RuleContext, name: str, param: dict[str, Any], kind: Any) -> Finding | None:
        default = param["Default"]
        pointer = ctx.pointer("Parameters", name, "Default")
        fix = self.fixer(ctx)
        if isinstance(default, list):
            message = f"parameter {name} has a list Default; CloudFormation takes a comma-separated string"
            if list_type(kind) and all(isinstance(v, (str, int, float)) and not isinstance(v, bool) for v in default):
                joined = ",".join(str(v) for v in default)
                return self.finding(pointer, message, fix=fix.replace(pointer, joined).build(
                    f"Default {joined!r}", Applicability.SAFE))
            return self.finding(pointer, message)
        if isinstance(default, dict):
            what = intrinsic_name(default) or "a mapping"
            return self.finding(pointer, f"parameter {name} defaults to {what}, which CloudFormation cannot compute",
                                fix=fix.remove(pointer).build("Remove the Default: the value is given at deploy",
                                                              Applicability.UNSAFE))
        allowed = param.get("AllowedValues")
        if not isinstance(allowed, list) or not isinstance(default, (str, int, float)) or isinstance(default, bool):
            return None
        spelled = [str(v) for v in allowed if not isinstance(v, (dict, list))]
        # a list parameter's default holds several values, each one of the allowed ones
        values = [v.strip() for v in str(default).split(",")] if list_type(kind) else [str(default)]
        if all(v in spelled for v in values):
            return None
        if len(values) != 1:
            return self.finding(pointer, f"parameter {name} defaults to {default!r}, with values outside its "
                                         "AllowedValues")
        message = f"parameter {name} defaults to {default!r}, which is not one of its AllowedValues"
        better = same_but_case(str(default), spelled)
        if better is None:
            return self.finding(pointer, message)
        return self.finding(pointer, message, fix=fix.replace(pointer, better).build(
            f"Default {better!r}", Applicability.SAFE))
