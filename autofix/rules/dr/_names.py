"""Worst-case lengths of generated names.

A name built with ``Fn::Sub`` from parameters and pseudo parameters must fit the service's limit
for every value the stack can be deployed with, not only for the defaults: a bucket name is 3-63
characters, a global cluster identifier at most 63.  :func:`max_length` bounds the length of a
name expression from the parameters' ``MaxLength`` or ``AllowedValues``; it answers None when
nothing bounds it (a parameter without either, a resource attribute, an import).
"""

from __future__ import annotations

from typing import Any

from autofix.intrinsics import parse_sub, sub_names, sub_resolve
from autofix.template import Template, ref_target

#: The longest value each pseudo parameter can take (stack names are up to 128 characters;
#: region codes such as ``ap-southeast-5`` or ``us-isob-east-1`` are at most 14, 20 is a margin).
PSEUDO_MAX = {"AWS::StackName": 128, "AWS::Region": 20, "AWS::AccountId": 12, "AWS::Partition": 10,
              "AWS::URLSuffix": 16, "AWS::StackId": 140}


def parameter_max(template: Template, name: str, known: dict[str, int] | None = None) -> int | None:
    """The longest value parameter ``name`` accepts: its ``MaxLength``, else its longest ``AllowedValues``."""
    if known and name in known:
        return known[name]
    if name in PSEUDO_MAX:
        return PSEUDO_MAX[name]
    param = template.parameters.get(name)
    if not isinstance(param, dict):
        return None
    allowed = param.get("AllowedValues")
    if isinstance(allowed, list) and allowed:
        return max(len(str(v)) for v in allowed)
    limit = param.get("MaxLength")
    if isinstance(limit, int) and not isinstance(limit, bool):
        return limit
    if isinstance(limit, str) and limit.isdigit():
        return int(limit)
    return None


def max_length(template: Template, value: Any) -> int | None:
    """The longest string ``value`` (a literal, ``Ref`` or ``Fn::Sub``) can evaluate to; None when unbounded."""
    if isinstance(value, str):
        return len(value)
    target = ref_target(value)
    if target:
        return parameter_max(template, target)
    sub = parse_sub(value)
    return sub_max_length(template, sub.text, sub.local) if sub else None


def sub_max_length(template: Template, text: str, local: dict[str, Any] | None = None,
                   known: dict[str, int] | None = None) -> int | None:
    """The longest string an ``Fn::Sub`` template ``text`` can evaluate to; None when unbounded."""
    total = len(sub_resolve(text, lambda _: ""))
    for name in sub_names(text):
        part = (max_length(template, local[name]) if local and name in local
                else parameter_max(template, name, known))
        if part is None:
            return None
        total += part
    return total


def fits(template: Template, value: Any, limit: int) -> bool:
    length = max_length(template, value)
    return length is not None and length <= limit


def bounds_to_add(template: Template, text: str, limit: int,
                  known: dict[str, int] | None = None) -> dict[str, int] | None:
    """``MaxLength`` values to give the unbounded string parameters of ``Fn::Sub`` text ``text`` so that
    it fits ``limit`` characters for every value: ``{}`` when it already fits, None when it cannot
    (a variable that is not a parameter, or less than 3 characters left per parameter)."""
    total = len(sub_resolve(text, lambda _: ""))
    unbounded: list[str] = []
    for name in sub_names(text):
        part = parameter_max(template, name, known)
        if part is not None:
            total += part
            continue
        param = template.parameters.get(name)
        if not (isinstance(param, dict) and param.get("Type", "String") == "String"):
            return None
        if name not in unbounded:
            unbounded.append(name)
    budget = limit - total
    if not unbounded:
        return {} if budget >= 0 else None
    uses = sum(sub_names(text).count(n) for n in unbounded)
    each = budget // uses
    if each < 3:
        return None
    for name in unbounded:  # a default longer than the bound would make the template invalid
        default = template.parameter_default(name)
        if default is not None and len(str(default)) > each:
            return None
    return dict.fromkeys(unbounded, each)
