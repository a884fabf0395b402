"""SC006 wrong-value-type: a value of a JSON type the resource schema does not allow there."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from autofix.context import RuleContext, thaw
from autofix.intrinsics import intrinsic_name
from autofix.rules.base import Applicability, Finding, Rule
from autofix.rules.sc._values import fits, json_type
from autofix.rules.sc._walk import Node, nodes, pointer_of
from autofix.rules.sc.sc001_unknown_property import at_of
from autofix.settings import Settings


def _tag_list(value: Any) -> dict[str, Any] | None:
    """``{"k": "v"}`` for ``[{"Key": "k", "Value": "v"}]`` when every key is a literal string, else None."""
    if not isinstance(value, list) or not value:
        return None
    out: dict[str, Any] = {}
    for item in value:
        if not (isinstance(item, dict) and set(item) == {"Key", "Value"} and isinstance(item["Key"], str)
                and item["Key"] not in out):
            return None
        out[item["Key"]] = thaw(item["Value"])
    return out


class WrongValueType(Rule):
    """## What it does
    Finds literal values whose JSON type the resource schema does not allow where they are
    written (cfn-lint E3012), when the intended value is certain:

    - a single value where a list is required (`SecurityGroupIds: sg-123`);
    - a list of `Key`/`Value` tags where the schema wants a tag map (`AWS::SecurityHub::Hub`,
      `AWS::SSM::Parameter` and other types whose `Tags` is an object).

    Values built by intrinsic functions are not judged.

    ## Why is this bad?
    CloudFormation rejects the resource (`Value of property X must be of type List`): the
    stack does not deploy.

    ## Example
    ```yaml
    Hub:
      Type: AWS::SecurityHub::Hub
      Properties:
        Tags:
          - Key: Environment
            Value: prod
    ```

    Use instead:
    ```yaml
    Hub:
      Type: AWS::SecurityHub::Hub
      Properties:
        Tags:
          Environment: prod
    ```

    ## Fix safety
    Safe: the value is the same, written in the shape the schema asks for (wrapped in a
    one-item list when the item fits the list's item schema; tags turned into a map when every
    key is a distinct literal string).  Other type mismatches are reported without a fix.

    ## References
    - [Resource type schemas (type)](https://docs.aws.amazon.com/cloudformation-cli/latest/userguide/resource-type-schema.html)
    - [AWS::SecurityHub::Hub Tags](https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-securityhub-hub.html)
    """

    id = "SC006"
    name = "wrong-value-type"
    summary = "Value of a type the resource schema does not allow there"
    cfn_lint = ("E3012",)
    enabled_by_default = True  # resolves cfn-lint E3012
    fix_applicability = Applicability.SAFE

    def check(self, ctx: RuleContext, settings: Settings) -> Iterator[Finding]:
        for node in nodes(ctx, settings):
            value = node.value
            if value is None or not node.depth:
                continue
            allowed = node.schema.types(node.node)
            if not allowed or fits(value, allowed) or (isinstance(value, dict) and intrinsic_name(value)):
                continue
            yield self._finding(ctx, node, allowed)

    def _finding(self, ctx: RuleContext, node: Node, allowed: tuple[str, ...]) -> Finding:
        at = at_of(node)
        kind = json_type(node.value) or "value"
        article = "an" if kind[0] in "aeiou" else "a"
        what = (f"{node.type_name} {node.logical_id} {at}: {article} {kind} where the schema wants "
                f"{' or '.join(allowed)}")
        pointer = pointer_of(node.path)
        fix = self.fixer(ctx)
        if "array" in allowed and not isinstance(node.value, list):
            items = node.schema.items(node.node)
            keys_fit = not isinstance(node.value, dict) or all(
                node.schema.child(items, k) is not None for k in node.value)
            if fits(node.value, node.schema.types(items)) and keys_fit:
                fix.replace(node.path, [thaw(node.value)])
                return self.finding(pointer, f"{what}; wrap it in a list", resource=node.logical_id,
                                    fix=fix.build("Wrap the value in a list", Applicability.SAFE))
        if "object" in allowed and isinstance(node.value, list):
            resolved = node.schema.resolve(node.node)
            mapping = _tag_list(node.value)
            is_map = bool(resolved.get("patternProperties") or isinstance(resolved.get("additionalProperties"), dict))
            if (mapping is not None and is_map and not node.schema.properties(resolved)
                    and all(node.schema.child(resolved, k) is not None for k in mapping)):
                fix.replace(node.path, mapping)
                return self.finding(pointer, f"{what}; write the tags as a map", resource=node.logical_id,
                                    fix=fix.build("Write the Key/Value list as a map", Applicability.SAFE))
        return self.finding(pointer, what, resource=node.logical_id)
