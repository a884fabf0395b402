"""DP007 getatt-unknown-attribute: Fn::GetAtt (or a Fn::Sub variable) reads an attribute the resource type lacks."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from autofix.context import RuleContext, mappings_in, thaw
from autofix.intrinsics import getatt_target, parse_sub, references
from autofix.nodes import join_pointer, split_pointer
from autofix.rules.base import Applicability, Finding, Rule
from autofix.rules.dp._attributes import Attributes, attributes_of
from autofix.rules.dp._graph import dependency_graph, reaches
from autofix.rules.sc._walk import region
from autofix.settings import Settings
from autofix.spelling import closest, same_but_case

#: sections whose values CloudFormation resolves Fn::GetAtt in
_SECTIONS = ("Resources", "Outputs")


class GetattUnknownAttribute(Rule):
    """## What it does
    Finds `Fn::GetAtt` and `Fn::Sub` variables (`${Cluster.Endpoint.Address}`) in `Resources`
    and `Outputs` that read an attribute the resource's type does not return (cfn-lint E1010,
    E6101 in outputs, E1019 in a `Fn::Sub`).  What a type returns comes from its provider
    schema (`readOnlyProperties`, read from the data cfn-lint ships), with the few types whose
    properties or deploy-time outputs are attributes too left alone.  Templates with a
    `Transform` are skipped: SAM adds attributes of its own.

    ## Why is this bad?
    CloudFormation rejects the template ("Template error: resource X does not support attribute
    type Y in Fn::GetAtt").  LLM-written templates use API names (`ReaderEndpoint.Address` for
    an Aurora cluster's `ReadEndpoint.Address`), or read a property back (`!GetAtt Api.Name`),
    which registry types do not return.

    ## Example
    ```yaml
    Outputs:
      ReaderEndpoint:
        Value: !GetAtt AuroraCluster.ReaderEndpoint.Address
    ```

    Use instead:
    ```yaml
    Outputs:
      ReaderEndpoint:
        Value: !GetAtt AuroraCluster.ReadEndpoint.Address
    ```

    ## Fix safety
    - The type has the attribute in another case (`arn` -> `Arn`): renamed, safe.
    - The attribute is a property the resource sets (`!GetAtt HttpApi.Name` with `Name:
      orders-api`): the `Fn::GetAtt` is replaced by the property's own value, safe, the value
      is the one asked for.  Not when the copy would make a dependency cycle.
    - One attribute is spelled closely enough to be the one meant ("did you mean":
      `ReaderEndpoint.Address` -> `ReadEndpoint.Address`): renamed, unsafe, the name is a guess.
    - Otherwise the finding is reported without a fix.

    ## References
    - [Fn::GetAtt](https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-getatt.html)
    - [Resource type schemas (readOnlyProperties)](https://docs.aws.amazon.com/cloudformation-cli/latest/userguide/resource-type-schema.html)
    """

    id = "DP007"
    name = "getatt-unknown-attribute"
    summary = "Fn::GetAtt reads an attribute the resource type does not return"
    cfn_lint = ("E1010", "E1019", "E6101")
    enabled_by_default = True  # resolves cfn-lint E1010/E1019/E6101
    fix_applicability = Applicability.SAFE
    skips_transforms = True

    def check(self, ctx: RuleContext, settings: Settings) -> Iterator[Finding]:
        where = region(settings)
        for section in _SECTIONS:
            for pointer, value in mappings_in(ctx, ctx.section(section), ctx.pointer(section)):
                if len(value) != 1:
                    continue
                if "Fn::GetAtt" in value:
                    yield from self._getatt(ctx, pointer, value, where)
                elif "Fn::Sub" in value:
                    yield from self._sub(ctx, pointer, value, where)

    def _attributes(self, ctx: RuleContext, logical_id: str, where: str) -> Attributes | None:
        type_name = ctx.type_of(logical_id)
        return attributes_of(type_name, where) if type_name is not None else None

    def _getatt(self, ctx: RuleContext, pointer: str, value: dict[str, Any], where: str) -> Iterator[Finding]:
        target = getatt_target(value)
        if target is None or target[0] not in ctx.resources:
            return
        logical_id, attribute = target
        known = self._attributes(ctx, logical_id, where)
        if known is None or known.accepts(attribute):
            return
        listed = isinstance(value["Fn::GetAtt"], list)
        at = join_pointer(*split_pointer(pointer), "Fn::GetAtt", *(("1",) if listed else ()))
        message = f"{logical_id} ({ctx.type_of(logical_id)}) does not return the attribute {attribute}"
        owner = _owner(pointer)
        fix = self.fixer(ctx)
        own = _own_value(ctx, logical_id, attribute, owner)
        if own is not None and same_but_case(attribute, known.names) is None:
            fix.replace(pointer, thaw(own))
            yield self.finding(at, _sentence(message, f"; it is the {attribute} property it sets"), resource=owner,
                               fix=fix.build(f"Use the {attribute} property of {logical_id}", Applicability.SAFE))
            return
        better, how = _better_name(attribute, known)
        if better is not None and not _is_property(ctx, logical_id, attribute):
            fix.replace(at, better if listed else f"{logical_id}.{better}")
            yield self.finding(at, _sentence(message, f"; did you mean {better}?"), resource=owner,
                               fix=fix.build(f"Read {better} instead of {attribute}", how))
            return
        yield self.finding(at, message, resource=owner)

    def _sub(self, ctx: RuleContext, pointer: str, value: dict[str, Any], where: str) -> Iterator[Finding]:
        sub = parse_sub(value)
        if sub is None:
            return
        text, local = sub.text, sub.local
        at = join_pointer(*split_pointer(pointer), *sub.text_at)
        renames: dict[str, str] = {}
        guessed = False
        unknown: list[str] = []
        for variable in dict.fromkeys(sub.names()):
            logical_id, _, attribute = variable.partition(".")
            if not attribute or variable in local or logical_id in local or logical_id not in ctx.resources:
                continue
            known = self._attributes(ctx, logical_id, where)
            if known is None or known.accepts(attribute):
                continue
            better, how = _better_name(attribute, known)
            if better is None:
                unknown.append(variable)
            else:
                renames[variable] = f"{logical_id}.{better}"
                guessed = guessed or how is Applicability.UNSAFE
        owner = _owner(pointer)
        if unknown:
            yield self.finding(at, _sentence(f"Fn::Sub reads {', '.join(unknown)}",
                                             ", attributes their resource types do not return"), resource=owner)
        if renames:
            new_text = text
            for old, new in renames.items():
                new_text = new_text.replace(f"${{{old}}}", f"${{{new}}}")
            described = ", ".join(f"${{{o}}} -> ${{{n}}}" for o, n in renames.items())
            fix = self.fixer(ctx).replace(at, new_text)
            yield self.finding(at, _sentence("Fn::Sub reads attributes the resource types do not return: ", described),
                               resource=owner, fix=fix.build(f"Read {described}",
                                                             Applicability.UNSAFE if guessed else Applicability.SAFE))


def _better_name(attribute: str, known: Attributes) -> tuple[str | None, Applicability]:
    """The attribute meant, and how sure that is: another case is certain, a close spelling a guess."""
    names = sorted(known.names)
    found = same_but_case(attribute, names)
    if found is not None:
        return found, Applicability.SAFE
    return closest(attribute, names), Applicability.UNSAFE


def _is_property(ctx: RuleContext, logical_id: str, attribute: str) -> bool:
    """Whether ``attribute`` names a property ``logical_id`` sets (then it is no misspelt attribute)."""
    return attribute in ctx.properties(logical_id)


def _own_value(ctx: RuleContext, logical_id: str, attribute: str, owner: str | None) -> Any:
    """The value ``logical_id`` gives its property ``attribute``, when a reader may use it instead: set
    (not behind a condition) and not making the reader part of a dependency cycle."""
    resource = ctx.resources.get(logical_id)
    if not isinstance(resource, dict) or "Condition" in resource:
        return None
    value = ctx.properties(logical_id).get(attribute)
    if value is None:
        return None
    if owner is not None:
        graph = dependency_graph(ctx.resources, ctx.reference_graph)
        if owner in references(value) or any(reaches(graph, r, owner) for r in references(value) if r in graph):
            return None
    return value


def _owner(pointer: str) -> str | None:
    """The resource whose definition holds ``pointer`` (None in Outputs)."""
    path = split_pointer(pointer)
    return path[1] if len(path) >= 2 and path[0] == "Resources" else None


def _sentence(message: str, tail: str) -> str:
    """``message`` with ``tail``, kept to one line of at most 160 characters."""
    whole = message + tail
    return whole if len(whole) <= 160 else whole[:157] + "..."
