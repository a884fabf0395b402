"""DP015 conditional-statement-element: a policy statement loses a required element when a condition is false."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from autofix.context import RuleContext, mappings_in, thaw
from autofix.intrinsics import NO_VALUE, optional_branch
from autofix.nodes import join_pointer, split_pointer
from autofix.rules.base import Applicability, Finding, Rule
from autofix.settings import Settings

#: elements a statement cannot do without (one of each group)
_REQUIRED = (("Effect",), ("Action", "NotAction"), ("Resource", "NotResource"))


class ConditionalStatementElement(Rule):
    """## What it does
    Finds IAM policy statements whose `Resource`, `Action` or `Effect` is
    `!If [Condition, value, !Ref AWS::NoValue]` (cfn-lint E3510), and moves the condition to
    the statement: the statement is there when the condition holds, and absent otherwise.

    ## Why is this bad?
    When the condition is false the element disappears and the statement is left without it:
    IAM refuses the policy ("Policy document should not specify a statement without
    Resource"), and the stack fails in exactly the configuration the condition was written
    for.

    ## Example
    ```yaml
    Statement:
      - Effect: Allow
        Action: sns:Publish
        Resource: !If [HasTopic, !Ref Topic, !Ref AWS::NoValue]
    ```

    Use instead:
    ```yaml
    Statement:
      - !If
        - HasTopic
        - Effect: Allow
          Action: sns:Publish
          Resource: !Ref Topic
        - !Ref AWS::NoValue
    ```

    ## Fix safety
    Safe: when the condition holds the statement is the same; when it does not, the
    statement, which could not exist without the element, is left out.  A statement that is
    the policy's only one is reported without a fix (leaving it out would leave the policy
    empty).

    ## References
    - [Fn::If and AWS::NoValue](https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-conditions.html)
    - [IAM JSON policy elements: Resource](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html)
    """

    id = "DP015"
    name = "conditional-statement-element"
    summary = "Policy statement loses a required element when a condition is false"
    cfn_lint = ("E3510",)
    enabled_by_default = True  # resolves cfn-lint E3510
    fix_applicability = Applicability.SAFE

    def check(self, ctx: RuleContext, settings: Settings) -> Iterator[Finding]:
        for pointer, document in mappings_in(ctx, ctx.resources, "/Resources"):
            statements = document.get("Statement")
            if not isinstance(statements, list):
                continue
            for i, statement in enumerate(statements):
                if not isinstance(statement, dict):
                    continue
                found = self._statement(ctx, join_pointer(*split_pointer(pointer), "Statement", i), statement,
                                        len(statements))
                if found is not None:
                    yield found

    def _statement(self, ctx: RuleContext, pointer: str, statement: dict[str, Any], siblings: int) -> Finding | None:
        for group in _REQUIRED:
            present = [k for k in group if k in statement]
            if len(present) != 1:
                continue
            key = present[0]
            split = optional_branch(statement[key])
            if split is None:
                continue
            condition, kept, when = split
            owner = split_pointer(pointer)[1]
            message = f"the statement has no {key} when {condition} is {'false' if when else 'true'}"
            if siblings == 1:
                return self.finding(join_pointer(*split_pointer(pointer), key), message + " (its policy's only one)",
                                    resource=owner)
            whole = {k: (thaw(kept) if k == key else thaw(v)) for k, v in statement.items()}
            branches = [whole, dict(NO_VALUE)] if when else [dict(NO_VALUE), whole]
            fix = self.fixer(ctx).replace(pointer, {"Fn::If": [condition, *branches]})
            return self.finding(join_pointer(*split_pointer(pointer), key), message, resource=owner,
                                fix=fix.build(f"Make the whole statement depend on {condition}", Applicability.SAFE))
        return None

