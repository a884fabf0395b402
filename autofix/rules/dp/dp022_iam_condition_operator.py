"""DP022 iam-condition-operator: a policy condition operator IAM does not have, its negation misplaced."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from autofix.context import RuleContext, mappings_in
from autofix.nodes import join_pointer, split_pointer
from autofix.patterns import lazy_pattern
from autofix.rules.base import Applicability, Finding, Rule
from autofix.rules.dp._data import _load
from autofix.settings import Settings

_PREFIX = lazy_pattern(r"^(ForAnyValue:|ForAllValues:)?(.*?)(IfExists)?$")
_WORD = lazy_pattern(r"[A-Z][a-z]*")


@lru_cache(maxsize=1)
def _operators() -> tuple[re.Pattern[str], ...]:
    """The condition operator patterns of cfn-lint's IAM policy schema."""
    data = _load("cfnlint.data.schemas.other.iam", "policy.json")
    condition = (data.get("definitions") or {}).get("Condition") or {}
    return tuple(re.compile(p) for p in (condition.get("patternProperties") or {}))


def valid_operator(name: str) -> bool:
    return any(p.match(name) for p in _operators())


def _negations(base: str) -> list[str]:
    """``base`` with its ``Not`` where IAM puts it: in front (``NotIpAddress``) or after the type word
    (``StringNotEquals``); a ``NotEquals`` tail read as the negation of the rest."""
    words = _WORD.findall(base)
    if "".join(words) != base or "Not" not in words:
        return []
    rest = [w for w in words if w != "Not"]
    found = ["Not" + "".join(rest), rest[0] + "Not" + "".join(rest[1:])]
    if rest[-1] == "Equals" and len(rest) > 1:
        found.append("Not" + "".join(rest[:-1]))
    return found


def corrected(name: str) -> str | None:
    """The one valid operator ``name`` stands for by moving its ``Not``; None when there is not one."""
    match = _PREFIX.match(name)
    if not match:
        return None
    prefix, base, suffix = match.group(1) or "", match.group(2), match.group(3) or ""
    found = {f"{prefix}{c}{suffix}" for c in _negations(base) if valid_operator(f"{prefix}{c}{suffix}")}
    return found.pop() if len(found) == 1 else None


class IamConditionOperator(Rule):
    """## What it does
    Finds condition operators in IAM policy statements that IAM does not have (cfn-lint E3512,
    judged by the operator patterns of the IAM policy schema cfn-lint ships).  When the
    operator is a valid one with its `Not` in the wrong place (`IpAddressNotEquals` for
    `NotIpAddress`, `NotStringEquals` for `StringNotEquals`), it is rewritten.

    ## Why is this bad?
    IAM refuses the policy ("Syntax errors in policy"), and the stack does not deploy.

    ## Example
    ```yaml
    Condition:
      IpAddressNotEquals:
        aws:SourceIp: 10.0.0.0/8
    ```

    Use instead:
    ```yaml
    Condition:
      NotIpAddress:
        aws:SourceIp: 10.0.0.0/8
    ```

    ## Fix safety
    Unsafe: the rewritten operator is the only valid one the words make, but a condition
    decides who gets access, and its meaning is the author's to confirm.  Other unknown
    operators are reported without a fix.

    ## References
    - [IAM JSON policy elements: Condition operators](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html)
    """

    id = "DP022"
    name = "iam-condition-operator"
    summary = "IAM policy condition operator that IAM does not have"
    cfn_lint = ("E3512",)
    enabled_by_default = True  # resolves cfn-lint E3512
    fix_applicability = Applicability.UNSAFE

    def check(self, ctx: RuleContext, settings: Settings) -> Iterator[Finding]:
        for pointer, statement in mappings_in(ctx, ctx.resources, "/Resources"):
            condition = statement.get("Condition")
            if "Effect" not in statement or not isinstance(condition, dict):
                continue
            for name in condition:
                if name.startswith("Fn::") or valid_operator(name):
                    continue
                yield self._finding(ctx, join_pointer(*split_pointer(pointer), "Condition", name), name)

    def _finding(self, ctx: RuleContext, pointer: str, name: str) -> Finding:
        owner = split_pointer(pointer)[1]
        better: Any = corrected(name)
        message = f"{name} is not an IAM condition operator"
        if better is None:
            return self.finding(pointer, message, resource=owner)
        fix = self.fixer(ctx).rename(pointer, better)
        return self.finding(pointer, f"{message}; {better} is", resource=owner,
                            fix=fix.build(f"Rename the operator to {better}", Applicability.UNSAFE))
