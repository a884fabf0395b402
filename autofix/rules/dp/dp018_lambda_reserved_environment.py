"""DP018 lambda-reserved-environment: a Lambda function sets an environment variable the runtime reserves."""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from autofix.context import RuleContext
from autofix.intrinsics import ref_target
from autofix.rules.base import Applicability, Finding, Rule
from autofix.rules.dp._data import _load
from autofix.settings import Settings

FUNCTION = "AWS::Lambda::Function"
#: reserved variables Lambda sets to the stack's region, which ``!Ref AWS::Region`` repeats
_REGION_KEYS = frozenset({"AWS_REGION", "AWS_DEFAULT_REGION"})


@lru_cache(maxsize=1)
def reserved_keys() -> frozenset[str]:
    """The variable names Lambda reserves, from cfn-lint's Lambda schema extension."""
    data = _load("cfnlint.data.schemas.extensions.aws_lambda_function", "environment_variable_keys.json")
    names = ((data.get("propertyNames") or {}).get("not") or {}).get("enum") or ()
    return frozenset(n for n in names if isinstance(n, str))


class LambdaReservedEnvironment(Rule):
    """## What it does
    Finds Lambda functions whose `Environment.Variables` set a name the runtime reserves
    (`AWS_REGION`, `AWS_LAMBDA_FUNCTION_NAME`, `AWS_ACCESS_KEY_ID`...; cfn-lint E3663, the
    list read from the data cfn-lint ships), and removes it.

    ## Why is this bad?
    Lambda refuses to create the function ("Lambda was unable to configure your environment
    variables because the environment variables you have provided contains reserved keys"):
    the stack does not deploy.  The runtime sets these itself: code reads the region, the
    function's name and its role's credentials from them already.

    ## Example
    ```yaml
    Environment:
      Variables:
        TABLE_NAME: !Ref Table
        AWS_REGION: !Ref AWS::Region
    ```

    Use instead:
    ```yaml
    Environment:
      Variables:
        TABLE_NAME: !Ref Table
    ```

    ## Fix safety
    - `AWS_REGION` or `AWS_DEFAULT_REGION` set to `!Ref AWS::Region`: removed, safe, Lambda
      sets the same value.
    - Any other reserved variable: removed, unsafe, the function sees the runtime's value
      instead of the one written (a region other than the stack's, credentials other than
      its role's).

    ## References
    - [Defined runtime environment variables](https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime)
    - [AWS::Lambda::Function Environment](https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-lambda-function-environment.html)
    """

    id = "DP018"
    name = "lambda-reserved-environment"
    summary = "Lambda function sets an environment variable the runtime reserves"
    cfn_lint = ("E3663",)
    enabled_by_default = True  # resolves cfn-lint E3663
    fix_applicability = Applicability.SAFE
    resource_types = frozenset({FUNCTION})

    def check(self, ctx: RuleContext, settings: Settings) -> Iterator[Finding]:
        for logical_id, _ in ctx.resources_of(FUNCTION):
            environment = ctx.properties(logical_id).get("Environment")
            variables = environment.get("Variables") if isinstance(environment, dict) else None
            if not isinstance(variables, dict):
                continue
            for key, value in variables.items():
                if key in reserved_keys():
                    yield self._finding(ctx, logical_id, variables, key, value)

    def _finding(self, ctx: RuleContext, logical_id: str, variables: dict[str, Any], key: str, value: Any) -> Finding:
        base = ("Resources", logical_id, "Properties", "Environment")
        pointer = ctx.pointer(*base, "Variables", key)
        fix = self.fixer(ctx)
        if len(variables) == 1 and len(ctx.properties(logical_id)["Environment"]) == 1:
            fix.remove(base)
        else:
            fix.remove(pointer)
        same = key in _REGION_KEYS and ref_target(value) == "AWS::Region"
        how = Applicability.SAFE if same else Applicability.UNSAFE
        said = "the same value" if same else "its own value"
        return self.finding(pointer, f"function {logical_id} sets {key}, which Lambda reserves and sets to {said}",
                            resource=logical_id, fix=fix.build(f"Remove {key}", how))
