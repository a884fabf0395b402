"""DP005 managed-policy-arn: an AWS managed policy ARN that does not exist."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from autofix.context import RuleContext
from autofix.nodes import extend_pointer
from autofix.patterns import lazy_pattern
from autofix.rules.base import Applicability, Finding, Rule
from autofix.rules.dp._managed_policies import corrected
from autofix.settings import Settings
from autofix.template import property_values

#: arn:aws:iam::aws:policy/PATH/NAME, the partition literal or ${AWS::Partition}
_ARN = lazy_pattern(r"^(arn:(?:aws[a-zA-Z-]*|\$\{AWS::Partition\}):iam::aws:policy/)([A-Za-z0-9_+=,.@/-]+)$")
#: Where managed policy ARNs are listed: type -> property path.
OWNERS: dict[str, tuple[tuple[str, ...], ...]] = {
    "AWS::IAM::Role": (("ManagedPolicyArns",),),
    "AWS::IAM::User": (("ManagedPolicyArns",),),
    "AWS::IAM::Group": (("ManagedPolicyArns",),),
    "AWS::Serverless::Function": (("Policies",),),
}


class ManagedPolicyArn(Rule):
    """## What it does
    Finds AWS managed policy ARNs in `ManagedPolicyArns` of `AWS::IAM::Role`, `User` and
    `Group` (and `Policies` of SAM functions) that name no policy AWS has: a `service-role/`
    policy written without its path (`policy/AWSLambdaBasicExecutionRole`), a policy without
    a path written with one (`policy/service-role/AmazonSSMManagedInstanceCore`), or an old
    or invented name (`service-role/ConfigRole`, `service-role/AWSConfigRole` for
    `service-role/AWS_ConfigRole`).  The ARN may be a literal or a `Fn::Sub` with
    `${AWS::Partition}`.  The table of names is checked against AWS's managed policy
    reference; names it does not know are left alone.

    ## Why is this bad?
    IAM refuses to attach a policy that does not exist ("Policy
    arn:aws:iam::aws:policy/service-role/ConfigRole does not exist or is not attachable"),
    so the role, and the stack, fail to create.

    ## Example
    ```yaml
    ConfigRole:
      Type: AWS::IAM::Role
      Properties:
        ManagedPolicyArns:
          - arn:aws:iam::aws:policy/service-role/ConfigRole
    ```

    Use instead:
    ```yaml
          - arn:aws:iam::aws:policy/service-role/AWS_ConfigRole
    ```

    ## Fix safety
    Safe: the ARN could not be attached; it becomes the ARN of the policy its name means
    (the same name with the right path, or the current name of the AWS Config role policy,
    which replaced the deprecated `AWSConfigRole`).

    ## References
    - [AWS managed policy reference](https://docs.aws.amazon.com/aws-managed-policy/latest/reference/policy-list.html)
    - [AWS_ConfigRole](https://docs.aws.amazon.com/config/latest/developerguide/security-iam-awsmanpol.html)
    """

    id = "DP005"
    name = "managed-policy-arn"
    summary = "AWS managed policy ARN that does not exist (wrong path or old name)"
    enabled_by_default = True  # a deploy failure: IAM cannot attach a policy that does not exist
    fix_applicability = Applicability.SAFE
    resource_types = frozenset(OWNERS)

    def check(self, ctx: RuleContext, settings: Settings) -> Iterator[Finding]:
        for logical_id, path, arns in property_values(ctx, OWNERS):
            if not isinstance(arns, list):
                continue
            for i, value in enumerate(arns):
                yield from self._arn(ctx, value, ctx.pointer(*path, i), logical_id)

    def _arn(self, ctx: RuleContext, value: Any, pointer: str, logical_id: str) -> Iterator[Finding]:
        if isinstance(value, str):
            text, path = value, pointer
        elif isinstance(value, dict) and len(value) == 1 and isinstance(value.get("Fn::Sub"), str):
            text, path = value["Fn::Sub"], extend_pointer(pointer, "Fn::Sub")
        else:
            return
        match = _ARN.match(text)
        if not match:
            return
        fixed = corrected(match.group(2))
        if fixed is None:
            return
        new = match.group(1) + fixed
        yield self.finding(
            path, f"{logical_id} attaches managed policy {match.group(2)}, which AWS does not have; "
            f"the policy is {fixed}",
            fix=self.fixer(ctx).replace(path, new).build(f"Change managed policy {match.group(2)} to {fixed}",
                                                         Applicability.SAFE),
            resource=logical_id)
