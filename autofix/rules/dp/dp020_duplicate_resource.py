"""DP020 duplicate-resource: two resources of one type claim the same primary identifier."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from autofix.context import RuleContext
from autofix.rules.base import Applicability, Finding, Rule
from autofix.rules.dp._graph import dependency_graph, reaches
from autofix.rules.dp._structure import redirect_references
from autofix.rules.sc._walk import schemas_of
from autofix.schema import ResourceSchema
from autofix.settings import Settings


def identifier(schema: ResourceSchema, properties: dict[str, Any]) -> str | None:
    """The resource's primary identifier as the template writes it (JSON text), when the template sets every
    part of it: a name given in the template, not one the service generates."""
    parts = schema.raw.get("primaryIdentifier")
    if not isinstance(parts, list) or not parts:
        return None
    values = []
    for part in parts:
        if not isinstance(part, str) or not part.startswith("/properties/") or part.count("/") != 2:
            return None
        name = part.split("/")[2]
        if name in schema.read_only() or name not in properties:
            return None
        values.append(properties[name])
    return json.dumps(values, sort_keys=True)


def contains(big: Any, small: Any) -> bool:
    """Whether ``small`` says nothing ``big`` does not: a mapping's keys with contained values, else equal."""
    if isinstance(big, dict) and isinstance(small, dict):
        return all(k in big and contains(big[k], v) for k, v in small.items())
    return big == small


class DuplicateResource(Rule):
    """## What it does
    Finds resources of one type that give the same primary identifier (their schema's
    `primaryIdentifier`, such as a configuration recorder's `Name`; cfn-lint E3019).  When one
    of them says nothing the other does not (its properties are contained in the other's), it
    is removed and everything that referenced it references the other.

    ## Why is this bad?
    The second resource collides with the first ("ConfigRecorder already exists in stack"),
    and the stack fails.  LLM-written templates add a second copy under another name, often
    believing it does something else (a `ConfigRecorderStatus` that is one more recorder).

    ## Example
    ```yaml
    Recorder:
      Type: AWS::Config::ConfigurationRecorder
      Properties:
        Name: default
        RoleARN: !GetAtt ConfigRole.Arn
        RecordingGroup: {AllSupported: true}
    RecorderStatus:
      Type: AWS::Config::ConfigurationRecorder
      Properties:
        Name: default
        RoleARN: !GetAtt ConfigRole.Arn
    ```

    Use instead: the first alone, with `RecorderStatus`'s references pointing at `Recorder`.

    ## Fix safety
    Unsafe: the fix removes the copy, values and all; it could never be created, so nothing is
    lost; but what depended on the copy
    no longer waits for what the copy itself depended on.  When neither resource is contained
    in the other, or the redirection would make a dependency cycle, the finding is reported
    without a fix.

    ## References
    - [Resource type schemas (primaryIdentifier)](https://docs.aws.amazon.com/cloudformation-cli/latest/userguide/resource-type-schema.html)
    - [AWS::Config::ConfigurationRecorder](https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-config-configurationrecorder.html)
    """

    id = "DP020"
    name = "duplicate-resource"
    summary = "Two resources of one type claim the same primary identifier"
    cfn_lint = ("E3019",)
    enabled_by_default = True  # resolves cfn-lint E3019
    fix_applicability = Applicability.UNSAFE
    reads_whole_template = True

    def check(self, ctx: RuleContext, settings: Settings) -> Iterator[Finding]:
        groups: dict[tuple[str, str], list[str]] = {}
        for logical_id, schema in schemas_of(ctx, settings).items():
            resource = ctx.resources[logical_id]
            if "Condition" in resource:
                continue  # a condition may keep the two apart
            key = identifier(schema, ctx.properties(logical_id))
            if key is not None:
                groups.setdefault((schema.type_name, key), []).append(logical_id)
        for (type_name, _), members in groups.items():
            if len(members) < 2:
                continue
            first = members[0]
            for other in members[1:]:
                yield self._pair(ctx, type_name, first, other)

    def _pair(self, ctx: RuleContext, type_name: str, first: str, other: str) -> Finding:
        pointer = ctx.pointer("Resources", other)
        message = f"{other} has the identifier of {first}, another {type_name}"
        kept, dropped = (first, other) if contains(ctx.properties(first), ctx.properties(other)) else (other, first)
        if not contains(ctx.properties(kept), ctx.properties(dropped)):
            return self.finding(pointer, message, resource=other)
        graph = dependency_graph(ctx.resources, ctx.reference_graph)
        referrers = [r for r, edges in graph.items() if dropped in edges and r not in (kept, dropped)]
        if dropped in graph.get(kept, ()) or any(reaches(graph, kept, r, avoid=dropped) for r in referrers):
            return self.finding(pointer, message + " (no fix: merging them would make a dependency cycle)",
                                resource=other)
        fix = self.fixer(ctx)
        redirect_references(ctx, fix, {dropped: kept})
        fix.remove(("Resources", dropped))
        return self.finding(ctx.pointer("Resources", dropped), f"{message}; {dropped} adds nothing to {kept}",
                            resource=dropped, fix=fix.build(f"Remove {dropped}; reference {kept} instead",
                                                            Applicability.UNSAFE))

