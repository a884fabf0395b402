"""HD001 update-replace-policy-missing: a DeletionPolicy without the matching UpdateReplacePolicy (or the reverse)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from autofix.context import RuleContext, thaw
from autofix.intrinsics import if_branches
from autofix.rules.base import Applicability, Finding, Rule
from autofix.rules.hd._facts import SNAPSHOT_TYPES
from autofix.settings import Settings
from autofix.template import resource_type

_EXEMPT = frozenset({"AWS::Lambda::Version", "AWS::Lambda::LayerVersion"})
_REPLACE_VALUES = ("Delete", "Retain", "Snapshot")
_DELETE_VALUES = ("Delete", "Retain", "RetainExceptOnCreate", "Snapshot")


def _counterpart(value: Any, allowed: tuple[str, ...], kind: str | None) -> Any:
    """``value`` as the other attribute, or None when it cannot be copied safely."""
    if value == "RetainExceptOnCreate":
        value = "Retain"
    for branch in if_branches(value):
        if isinstance(branch, str):
            if branch not in allowed or (branch == "Snapshot" and kind not in SNAPSHOT_TYPES):
                return None
        elif not (isinstance(branch, dict) and "Ref" in branch):
            return None
    return thaw(value)


class UpdateReplacePolicyMissing(Rule):
    """## What it does
    Finds resources with a `DeletionPolicy` other than `Delete` but no `UpdateReplacePolicy`
    (or an `UpdateReplacePolicy` other than `Delete` but no `DeletionPolicy`), and adds the
    missing attribute with the same value.  `RetainExceptOnCreate`, which only `DeletionPolicy`
    accepts, becomes `Retain`.  `AWS::Lambda::Version` and `AWS::Lambda::LayerVersion` are left
    alone, as cfn-lint does.

    ## Why is this bad?
    `DeletionPolicy` only guards stack deletion.  When an update replaces the resource (a new
    name, engine, key schema...), CloudFormation deletes the old one according to
    `UpdateReplacePolicy`, which defaults to `Delete`: the data the `DeletionPolicy` was meant
    to keep is lost on the first replacing update.  cfn-lint reports it (W3011).

    ## Example
    ```yaml
    Database:
      Type: AWS::RDS::DBInstance
      DeletionPolicy: Snapshot
    ```

    Use instead:
    ```yaml
    Database:
      Type: AWS::RDS::DBInstance
      DeletionPolicy: Snapshot
      UpdateReplacePolicy: Snapshot
    ```

    ## Fix safety
    Safe: it applies the protection the template already states to the other way a resource
    gets deleted; deploying it changes no resource.  No fix when the value cannot be copied
    (`Snapshot` on a type that cannot snapshot, an intrinsic function other than `Ref` and
    `Fn::If`).

    ## References
    - [UpdateReplacePolicy attribute](https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-updatereplacepolicy.html)
    - [DeletionPolicy attribute](https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-deletionpolicy.html)
    - [cfn-lint W3011](https://github.com/aws-cloudformation/cfn-lint/blob/main/docs/rules.md)
    """

    id = "HD001"
    name = "update-replace-policy-missing"
    summary = "DeletionPolicy without the same UpdateReplacePolicy (or the reverse)"
    cfn_lint = ("W3011",)
    enabled_by_default = True  # resolves cfn-lint W3011
    fix_applicability = Applicability.SAFE

    def check(self, ctx: RuleContext, settings: Settings) -> Iterator[Finding]:
        for logical_id, resource in ctx.resources.items():
            if not isinstance(resource, dict) or resource_type(resource) in _EXEMPT:
                continue
            has_delete, has_replace = "DeletionPolicy" in resource, "UpdateReplacePolicy" in resource
            if has_delete == has_replace:
                continue
            present, missing, allowed = (("DeletionPolicy", "UpdateReplacePolicy", _REPLACE_VALUES) if has_delete
                                         else ("UpdateReplacePolicy", "DeletionPolicy", _DELETE_VALUES))
            value = resource[present]
            if value == "Delete":
                continue
            pointer = ctx.pointer("Resources", logical_id, present)
            message = f"{logical_id} has {present} but no {missing}"
            copy = _counterpart(value, allowed, resource_type(resource))
            if copy is None:
                yield self.finding(pointer, message, resource=logical_id)
                continue
            fix = self.fixer(ctx).add(("Resources", logical_id, missing), copy).build(
                f"Add {missing} to {logical_id}, as its {present}", Applicability.SAFE)
            yield self.finding(pointer, f"{message}: add it with the same value", fix=fix, resource=logical_id)
