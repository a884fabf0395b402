"""DP016 sub-needed: a string names a parameter or resource as ``${Name}`` outside Fn::Sub."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from autofix.context import RuleContext, mappings_in
from autofix.nodes import join_pointer, split_pointer
from autofix.patterns import lazy_pattern
from autofix.rules.base import Applicability, Finding, Rule
from autofix.rules.dp.dp006_dangling_reference import PSEUDO
from autofix.settings import Settings

#: ``${Name}`` or ``${Name.Attribute}``, as cfn-lint looks for them; ``${!Literal}`` is not one
_VARIABLE = lazy_pattern(r"\$\{([A-Za-z0-9_:.]+)\}")
_STAGE_VARIABLE = lazy_pattern(r"^stageVariables\.")
#: a state machine's definition, whose ${...} its DefinitionSubstitutions fill in
_DEFINITIONS = frozenset({"Definition", "DefinitionString"})
#: properties that hold another template, whose ${...} are that template's own
_TEMPLATES = frozenset({"TemplateBody"})


class SubNeeded(Rule):
    """## What it does
    Finds strings in `Resources` and `Outputs` that name a parameter, a resource (or one of its
    attributes) or a pseudo parameter as `${Name}` without being inside a `Fn::Sub` (cfn-lint
    E1029), and wraps them in `Fn::Sub`.  Other `${...}` in the same string are escaped as
    `${!...}` so that they stay as written.  Step Functions definitions with
    `DefinitionSubstitutions`, nested templates (`TemplateBody`) and API Gateway stage variables
    are left alone.

    ## Why is this bad?
    Outside `Fn::Sub` CloudFormation passes `${Name}` through unchanged: the API integration,
    policy or script receives the text `${PaymentWorkflow}` instead of the state machine's ARN
    and fails at run time.

    ## Example
    ```yaml
    RequestTemplates:
      application/json: '{"stateMachineArn": "${PaymentWorkflow}", "input": "$util.escapeJavaScript($input.body)"}'
    ```

    Use instead:
    ```yaml
    RequestTemplates:
      application/json: !Sub '{"stateMachineArn": "${PaymentWorkflow}", "input": "$util.escapeJavaScript($input.body)"}'
    ```

    ## Fix safety
    - `Sub` renamed `Fn::Sub`: safe, it is the function the mapping spells.
    - A one-line string whose every `${...}` names something the template declares: safe,
      the string says what it was written to say.
    - A string of several lines (a script, a mapping template), or one with other `${...}`
      to escape: unsafe, the text may have meant a literal `${Name}` of its own language.

    ## References
    - [Fn::Sub](https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-sub.html)
    - [Step Functions DefinitionSubstitutions](https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-stepfunctions-statemachine.html)
    """

    id = "DP016"
    name = "sub-needed"
    summary = "String names a parameter or resource as ${Name} outside Fn::Sub"
    cfn_lint = ("E1029",)
    enabled_by_default = True  # resolves cfn-lint E1029
    fix_applicability = Applicability.SAFE
    skips_transforms = True

    def check(self, ctx: RuleContext, settings: Settings) -> Iterator[Finding]:
        for section in ("Resources", "Outputs"):
            for pointer, mapping in mappings_in(ctx, ctx.section(section), ctx.pointer(section)):
                if not _may_report(mapping) or _skipped(ctx, pointer, mapping):
                    continue
                if len(mapping) == 1 and "Sub" in mapping:
                    yield from self._short_key(ctx, pointer, mapping)
                    continue
                substituted = _substituted(ctx, pointer)
                for key, value in mapping.items():
                    if key in _TEMPLATES or (substituted and key in _DEFINITIONS):
                        continue
                    if isinstance(value, str):
                        yield from self._string(ctx, join_pointer(*split_pointer(pointer), key), value)
                    elif isinstance(value, list):
                        for i, item in enumerate(value):
                            if isinstance(item, str):
                                yield from self._string(ctx, join_pointer(*split_pointer(pointer), key, i), item)

    def _short_key(self, ctx: RuleContext, pointer: str, mapping: dict[str, Any]) -> Iterator[Finding]:
        """``{Sub: "..."}``: the function written without its ``Fn::`` (JSON has no ``!Sub`` short form)."""
        arg = mapping["Sub"]
        text = arg[0] if isinstance(arg, list) and arg else arg
        if not isinstance(text, str) or not any(_declared(ctx, m.group(1)) for m in _VARIABLE.finditer(text)):
            return
        owner = split_pointer(pointer)[1] if pointer.startswith("/Resources/") else None
        fix = self.fixer(ctx).rename(join_pointer(*split_pointer(pointer), "Sub"), "Fn::Sub")
        yield self.finding(join_pointer(*split_pointer(pointer), "Sub"),
                           "Sub is not a function; Fn::Sub is, and the string's variables stay unresolved without it",
                           resource=owner, fix=fix.build("Rename Sub to Fn::Sub", Applicability.SAFE))

    def _string(self, ctx: RuleContext, pointer: str, text: str) -> Iterator[Finding]:
        if "${" not in text:
            return
        found = [m.group(1) for m in _VARIABLE.finditer(text)]
        named = [v for v in found if _declared(ctx, v)]
        if not named:
            return
        others = {v for v in found if v not in named and not _STAGE_VARIABLE.match(v)}
        if any(_STAGE_VARIABLE.match(v) for v in found):
            return
        new_text = _VARIABLE.sub(lambda m: f"${{!{m.group(1)}}}" if m.group(1) in others else m.group(0), text)
        how = Applicability.UNSAFE if others or "\n" in text.strip() else Applicability.SAFE
        shown = ", ".join(f"${{{v}}}" for v in dict.fromkeys(named))
        owner = split_pointer(pointer)[1] if pointer.startswith("/Resources/") else None
        fix = self.fixer(ctx).replace(pointer, {"Fn::Sub": new_text})
        message = f"{shown} is outside Fn::Sub, so CloudFormation passes it on unresolved"
        yield self.finding(pointer, message if len(message) <= 160 else "a template name is outside Fn::Sub, so "
                           "CloudFormation passes it on unresolved", resource=owner,
                           fix=fix.build(f"Wrap the string in Fn::Sub to resolve {shown}", how))


def _may_report(mapping: dict[str, Any]) -> bool:
    """Whether ``mapping`` is a ``Sub`` key or holds a string with ``${`` (directly or as a list item): the
    only mappings :meth:`DP016.check` can report on, so most are passed over without building a pointer."""
    if len(mapping) == 1 and "Sub" in mapping:
        return True
    for value in mapping.values():
        if isinstance(value, str):
            if "${" in value:
                return True
        elif isinstance(value, list) and any(isinstance(item, str) and "${" in item for item in value):
            return True
    return False


def _declared(ctx: RuleContext, variable: str) -> bool:
    """Whether ``${variable}`` names a parameter, a pseudo parameter, a resource or a resource's attribute."""
    if variable in PSEUDO or ctx.declares(variable):
        return True
    logical, _, attribute = variable.partition(".")
    return bool(attribute) and ctx.declares_resource(logical)


def _skipped(ctx: RuleContext, pointer: str, mapping: dict[str, Any]) -> bool:
    """Strings Fn::Sub already reads (its template and variable map), or a state machine substitutes."""
    path = split_pointer(pointer)
    if "Fn::Sub" in path or (len(mapping) == 1 and "Fn::Sub" in mapping):
        return True
    return _substituted(ctx, pointer) and any(p in _DEFINITIONS for p in path)


def _substituted(ctx: RuleContext, pointer: str) -> bool:
    """Whether ``pointer`` is in a state machine that substitutes its definition's ``${...}`` itself."""
    path = split_pointer(pointer)
    return len(path) >= 2 and path[0] == "Resources" and "DefinitionSubstitutions" in ctx.properties(path[1])
