"""SC002 invalid-enum-value: a value outside the set the resource schema allows."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from autofix.context import RuleContext
from autofix.patches import fragment
from autofix.rules.base import MAX_MESSAGE, Applicability, Finding, Rule
from autofix.rules.sc._walk import Node, nodes, pointer_of
from autofix.settings import Settings

PATCHES = "SC002-invalid-enum-value"


@lru_cache(maxsize=1)
def _aliases() -> dict[tuple[str, str, str], dict[str, Any]]:
    return {(e["type"], e["property"], str(e["from"])): e for e in fragment(PATCHES, "aliases")}


def _norm(value: Any) -> str:
    return re.sub(r"[^a-z0-9]", "", str(value).lower())


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str) and re.fullmatch(r"-?\d+(\.\d+)?", value.strip()):
        return float(value)
    return None


def allowed(value: Any, enum: list[Any]) -> bool:
    """Whether ``value`` is in ``enum`` as CloudFormation reads it (``"7"`` is 7, ``"true"`` is true)."""
    if value in enum and not (isinstance(value, bool) != any(isinstance(e, bool) and e == value for e in enum)
                              and isinstance(value, bool)):
        return True
    shown = str(value).lower() if isinstance(value, bool) else str(value)
    return any((str(e).lower() if isinstance(e, bool) else str(e)) == shown for e in enum)


class InvalidEnumValue(Rule):
    """## What it does
    Finds property values that are not one of the values the resource provider schema allows
    (cfn-lint E3030: the schema's `enum`), at every level of the properties and in both branches
    of `Fn::If`.  Values computed by other intrinsic functions are not judged.

    ## Why is this bad?
    CloudFormation (or the service) rejects the value and the resource fails to create:
    `ON_DEMAND` is not a DynamoDB billing mode, a log group cannot keep events for 2555 days,
    CloudFormation cannot create an SSM `SecureString` parameter.

    ## Example
    ```yaml
    Table:
      Type: AWS::DynamoDB::Table
      Properties:
        BillingMode: ON_DEMAND
    Logs:
      Type: AWS::Logs::LogGroup
      Properties:
        RetentionInDays: 2555
    ```

    Use instead:
    ```yaml
        BillingMode: PAY_PER_REQUEST
    ...
        RetentionInDays: 2557
    ```

    ## Fix safety
    - The one allowed value that matches but for case and separators (`pay-per-request`,
      `Enabled` for `ENABLED`): safe.
    - An alias from the table built from the corpus (`patches/SC002-invalid-enum-value.yaml`:
      `ON_DEMAND` -> `PAY_PER_REQUEST`, Config `Daily` -> `TwentyFour_Hours`...): safe; entries
      that change what is deployed (SSM `SecureString` -> `String`: the value is then stored as
      plain text) are unsafe and say so.
    - A number snapped to the nearest allowed value (ties go up): safe when it is the next
      larger value within 5% (`2555` -> `2557` days keeps at least the retention asked for),
      unsafe otherwise.
    - CloudTrail data resources of a type that has no data events (`AWS::RDS::DBCluster`): the
      entry is removed, unsafe (the trail logs less than the template seemed to ask).
    - Otherwise the finding lists the allowed values, without a fix.

    ## References
    - [Resource type schemas (enum)](https://docs.aws.amazon.com/cloudformation-cli/latest/userguide/resource-type-schema.html)
    - [AWS::Logs::LogGroup RetentionInDays](https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-logs-loggroup.html)
    - [AWS::SSM::Parameter Type](https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ssm-parameter.html)
    """

    id = "SC002"
    name = "invalid-enum-value"
    summary = "Value not in the set the resource schema allows"
    cfn_lint = ("E3030",)
    enabled_by_default = True  # resolves cfn-lint E3030
    fix_applicability = Applicability.SAFE

    def check(self, ctx: RuleContext, settings: Settings) -> Iterator[Finding]:
        for node in nodes(ctx, settings):
            enum = node.node.get("enum")
            value = node.value
            if not isinstance(enum, list) or not enum or isinstance(value, (dict, list)) or value is None:
                continue
            if allowed(value, enum):
                continue
            yield self._finding(ctx, node, enum, settings)

    def _finding(self, ctx: RuleContext, node: Node, enum: list[Any], settings: Settings) -> Finding:
        value = node.value
        pointer = pointer_of(node.path)
        name = node.key or "value"
        shown = ", ".join(str(e) for e in enum[:12]) + (", ..." if len(enum) > 12 else "")
        what = f"{node.type_name} {node.logical_id}: {name} {value!r} is not one of {shown}"
        listed = ""
        if len(what) > MAX_MESSAGE:  # the allowed values move to the detail
            what, listed = (f"{node.type_name} {node.logical_id}: {name} {value!r} is not an allowed value",
                            f"Allowed: {shown}. ")
        fix = self.fixer(ctx)
        entry = _aliases().get((node.type_name, name, str(value))) or _aliases().get((node.type_name, name, "*"))
        if entry and entry.get("drop") == "item":
            return self._drop_item(ctx, node, what, entry, settings, listed)
        if entry and entry.get("remove"):
            fix.remove(node.path)
            return self.finding(pointer, what, detail=f"{listed}Leave it out.", resource=node.logical_id,
                                fix=fix.build(f"Remove {name} {value!r}", Applicability.SAFE))
        if entry and allowed(entry.get("to"), enum):
            unsafe = bool(entry.get("unsafe"))
            why = f" ({entry['why']})" if entry.get("why") else ""
            fix.replace(node.path, entry["to"])
            return self.finding(pointer, what, detail=f"{listed}It is {entry['to']!r} here{why}.",
                                resource=node.logical_id,
                                fix=fix.build(f"Change {name} to {entry['to']!r}{why}",
                                              Applicability.UNSAFE if unsafe else Applicability.SAFE))
        same = [e for e in enum if _norm(e) == _norm(value)]
        if len(same) == 1:
            fix.replace(node.path, same[0])
            return self.finding(pointer, what, detail=f"{listed}Did you mean {same[0]!r}?", resource=node.logical_id,
                                fix=fix.build(f"Change {name} to {same[0]!r}", Applicability.SAFE))
        number = _number(value)
        numbers = [_number(e) for e in enum]
        if number is not None and all(n is not None for n in numbers):
            best = min(range(len(enum)), key=lambda i: (abs(numbers[i] - number), -numbers[i]))
            chosen, got = enum[best], numbers[best]
            safe = got >= number and got - number <= max(1.0, 0.05 * abs(number))
            fix.replace(node.path, chosen)
            return self.finding(pointer, what, detail=f"{listed}The nearest allowed value is {chosen}.",
                                resource=node.logical_id,
                                fix=fix.build(f"Change {name} from {value} to {chosen}",
                                              Applicability.SAFE if safe else Applicability.UNSAFE))
        return self.finding(pointer, what, detail=listed.strip() or None, resource=node.logical_id)

    def _drop_item(self, ctx: RuleContext, node: Node, what: str, entry: dict[str, Any],
                   settings: Settings, listed: str) -> Finding:
        """Remove the list item holding the value (its whole list when it is the only item)."""
        path = node.path
        pointer = pointer_of(path)
        if len(path) < 3 or not isinstance(path[-2], int):
            return self.finding(pointer, what, detail=listed.strip() or None, resource=node.logical_id)
        fix = self.fixer(ctx)
        items = fix.get(path[:-2])
        if not isinstance(items, list):
            return self.finding(pointer, what, detail=listed.strip() or None, resource=node.logical_id)
        if len(items) == 1:  # the list goes with its only item, unless its holder requires it
            holder = next((n for n in nodes(ctx, settings) if n.path == path[:-3]), None)
            if holder is None or not isinstance(path[-3], str) or path[-3] in holder.schema.required(holder.node):
                return self.finding(pointer, what, detail=listed.strip() or None, resource=node.logical_id)
        fix.remove(path[:-2] if len(items) == 1 else path[:-1])
        why = entry.get("why", "")
        return self.finding(pointer, what, detail=f"{listed}{why[:1].upper()}{why[1:]}: remove its entry.",
                            resource=node.logical_id,
                            fix=fix.build(f"Remove the entry for {node.value} ({why})", Applicability.UNSAFE))

