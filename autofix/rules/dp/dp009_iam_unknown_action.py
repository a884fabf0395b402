"""DP009 iam-unknown-action: a policy statement names an IAM action the service does not have."""

from __future__ import annotations

from collections.abc import Iterator
from difflib import SequenceMatcher
from typing import Any

from autofix.context import RuleContext, mappings_in
from autofix.nodes import join_pointer, split_pointer
from autofix.rules.base import Applicability, Finding, Rule
from autofix.rules.dp._iam import api_actions, known_action, service_actions
from autofix.settings import Settings
from autofix.spelling import closest

_ACTION_KEYS = ("Action", "NotAction")


class IamUnknownAction(Rule):
    """## What it does
    Finds actions in IAM policy statements (identity policies, roles' inline policies, bucket,
    queue, topic and key policies) that the service does not have, judged against the IAM
    policy data cfn-lint ships (cfn-lint W3037).  Action names are compared without case, as
    IAM compares them; wildcards match when some action fits them.

    ## Why is this bad?
    IAM accepts the policy and the action grants nothing: the workload fails at run time with
    `AccessDenied` on the call the author meant to allow.  LLM-written policies use the name
    of the API operation (`s3:GetBucketEncryption`, `dynamodb:TransactWriteItems`), which for
    some operations is not the action that authorizes it (`s3:GetEncryptionConfiguration`;
    transactions are authorized by `dynamodb:PutItem`, `UpdateItem`...).

    ## Example
    ```yaml
    Statement:
      - Effect: Allow
        Action:
          - s3:GetBucketEncryption
        Resource: !GetAtt Bucket.Arn
    ```

    Use instead:
    ```yaml
        Action:
          - s3:GetEncryptionConfiguration
    ```

    ## Fix safety
    A guessed permission is never safe, and an action is never deleted only to silence the
    finding.
    - An API operation whose actions are documented (`patches/DP009-iam-unknown-action.yaml`)
      is replaced by them: unsafe, the statement now grants what the operation needs.  When
      the statement already lists them all, the name that grants nothing is removed: safe,
      the permissions do not change.
    - One action of the service is spelled closely enough to be the one meant ("did you
      mean"): renamed, unsafe.
    - Otherwise (an unknown service, no candidate) the finding is reported without a fix.

    ## References
    - [IAM JSON policy elements: Action](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html)
    - [Service Authorization Reference](https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html)
    - [Using IAM with DynamoDB transactions](https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis-iam.html)
    """

    id = "DP009"
    name = "iam-unknown-action"
    summary = "IAM policy statement names an action the service does not have"
    cfn_lint = ("W3037",)
    enabled_by_default = True  # resolves cfn-lint W3037
    fix_applicability = Applicability.UNSAFE
    skips_transforms = True

    def check(self, ctx: RuleContext, settings: Settings) -> Iterator[Finding]:
        for pointer, statement in mappings_in(ctx, ctx.resources, "/Resources"):
            if "Effect" not in statement:
                continue
            for key in _ACTION_KEYS:
                value = statement.get(key)
                if isinstance(value, str):
                    yield from self._action(ctx, join_pointer(*split_pointer(pointer), key), value, [value], None)
                elif isinstance(value, list):
                    for i, action in enumerate(value):
                        if isinstance(action, str):
                            yield from self._action(ctx, join_pointer(*split_pointer(pointer), key, i), action,
                                                    value, i)

    def _action(self, ctx: RuleContext, pointer: str, action: str, listed: list[Any],
                index: int | None) -> Iterator[Finding]:
        if action == "*" or ":" not in action or known_action(action) is not False:
            return  # "*", a malformed name, an unknown service: nothing to offer
        owner = split_pointer(pointer)[1]
        message = f"{action} is not an IAM action"
        present = {a.lower() for a in listed if isinstance(a, str)}
        needed = api_actions().get(action.lower()) or api_actions().get(action.lower().rstrip("*"))
        fix = self.fixer(ctx)
        if needed:
            missing = [a for a in needed if a.lower() not in present]
            authorized = f"; {_listed(needed)} {'authorizes' if len(needed) == 1 else 'authorize'} it"
            if not missing:  # only in a list that holds the other actions too
                fix.remove(pointer)
                yield self.finding(pointer, message + authorized, resource=owner, fix=fix.build(
                    f"Remove {action}: the statement grants {', '.join(needed)} already", Applicability.SAFE))
                return
            _replace(fix, pointer, index, missing)
            yield self.finding(pointer, message + authorized, resource=owner, fix=fix.build(
                f"Grant {', '.join(missing)} instead of {action}", Applicability.UNSAFE))
            return
        service, _, name = action.partition(":")
        guess = None if "*" in name or "?" in name else closest(name, service_actions()[service.lower()])
        if guess is None:
            yield self.finding(pointer, message, resource=owner)
            return
        better = f"{service}:{_spelled_like(name, guess)}"
        _replace(fix, pointer, index, [better])
        yield self.finding(pointer, f"{message}; did you mean {better}?", resource=owner,
                           fix=fix.build(f"Grant {better} instead of {action}", Applicability.UNSAFE))


def _listed(actions: tuple[str, ...]) -> str:
    """``s3:GetObject, PutObject``: actions of one service, the prefix written once."""
    service = actions[0].split(":")[0]
    return ", ".join(a if i == 0 or not a.startswith(f"{service}:") else a.split(":", 1)[1]
                     for i, a in enumerate(actions))


def _replace(fix: Any, pointer: str, index: int | None, actions: list[str]) -> None:
    """Put ``actions`` where the action at ``pointer`` is (a list item, or the whole value)."""
    if index is None:
        fix.replace(pointer, actions[0] if len(actions) == 1 else actions)
        return
    fix.replace(pointer, actions[0])
    parent = split_pointer(pointer)[:-1]
    for offset, action in enumerate(actions[1:], start=1):
        fix.add(join_pointer(*parent, index + offset), action)


def _spelled_like(written: str, lowered: str) -> str:
    """``lowered`` (the data's lower-case name) with the capitals of ``written`` where the letters agree:
    ``GetObjct`` and ``getobject`` give ``GetObject``."""
    out = []
    matcher = SequenceMatcher(None, written.lower(), lowered, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        out.append(written[i1:i2] if tag == "equal" else lowered[j1:j2])
    return "".join(out)
