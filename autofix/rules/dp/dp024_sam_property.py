"""DP024 sam-property: a SAM resource property written under another resource type's name."""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from autofix.context import RuleContext, thaw
from autofix.patches import fragment
from autofix.rules.base import Applicability, Finding, Rule
from autofix.settings import Settings

PATCHES = "DP024-sam-property"


@lru_cache(maxsize=1)
def renames() -> dict[str, list[dict[str, Any]]]:
    """SAM type -> its renames (``from``, ``to``, ``how``, ``inner``)."""
    found: dict[str, list[dict[str, Any]]] = {}
    for entry in fragment(PATCHES, "renames"):
        found.setdefault(entry["type"], []).append(entry)
    return found


class SamProperty(Rule):
    """## What it does
    Finds properties of SAM resources (`AWS::Serverless::Function`, `AWS::Serverless::Api`) written
    under the name the underlying resource type or another tool gives them, from a table
    (`patches/DP024-sam-property.yaml`): `ReservedConcurrencyLimit` for
    `ReservedConcurrentExecutions`, an API's `TracingConfig: {TracingEnabled: true}` for
    `TracingEnabled: true` (cfn-lint E3002, reported on the resources the transform makes).

    ## Why is this bad?
    The SAM transform passes the unknown property on, and the resource it generates is
    refused (`Encountered unsupported property`): the stack does not deploy.

    ## Example
    ```yaml
    Function:
      Type: AWS::Serverless::Function
      Properties:
        ReservedConcurrencyLimit: 100
    ```

    Use instead:
    ```yaml
        ReservedConcurrentExecutions: 100
    ```

    ## Fix safety
    Safe: the SAM property is the one the written name stands for, and the value moves with
    it.  Nothing is done when the SAM property is set already, or the value does not have
    the expected shape.

    ## References
    - [AWS::Serverless::Function](https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-resource-function.html)
    - [AWS::Serverless::Api](https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-resource-api.html)
    """

    id = "DP024"
    name = "sam-property"
    summary = "SAM resource property written under another resource type's name"
    cfn_lint = ("E3002",)
    enabled_by_default = True  # resolves cfn-lint E3002
    fix_applicability = Applicability.SAFE
    resource_types = frozenset({"AWS::Serverless::Function", "AWS::Serverless::Api"})

    def check(self, ctx: RuleContext, settings: Settings) -> Iterator[Finding]:
        for type_name, entries in renames().items():
            for logical_id, _ in ctx.resources_of(type_name):
                props = ctx.properties(logical_id)
                for entry in entries:
                    if entry["from"] in props and entry["to"] not in props:
                        found = self._finding(ctx, logical_id, type_name, entry, props[entry["from"]])
                        if found is not None:
                            yield found

    def _finding(self, ctx: RuleContext, logical_id: str, type_name: str, entry: dict[str, Any],
                 value: Any) -> Finding | None:
        base = ("Resources", logical_id, "Properties")
        old, new = entry["from"], entry["to"]
        fix = self.fixer(ctx)
        if entry.get("how") == "unwrap":
            if not isinstance(value, dict) or set(value) != {entry["inner"]}:
                return None
            fix.add((*base, new), thaw(value[entry["inner"]])).remove((*base, old))
        else:
            fix.rename((*base, old), new)
        return self.finding(ctx.pointer(*base, old), f"{type_name} {logical_id} has no {old}; SAM calls it {new}",
                            resource=logical_id, fix=fix.build(f"Write {old} as {new}", Applicability.SAFE))
