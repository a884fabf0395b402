"""What a template uses: references that certainly hold, and every name a section entry is used by."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from autofix.intrinsics import getatt_target, ref_target, values

#: cfn-lint's pattern for a Fn::Sub variable (``${X}``, ``${ X }``; not ``${!Literal}``).
SUB_VARIABLE = re.compile(r"\$\{\s*([^!\s].*?)\s*\}")


def sub_parts(value: Any) -> tuple[str, dict[str, Any]] | None:
    """(template string, variable map) of an ``Fn::Sub`` in either form, else None."""
    if not (isinstance(value, dict) and len(value) == 1 and "Fn::Sub" in value):
        return None
    arg = value["Fn::Sub"]
    if isinstance(arg, str):
        return arg, {}
    if isinstance(arg, list) and len(arg) == 2 and isinstance(arg[0], str) and isinstance(arg[1], dict):
        return arg[0], arg[1]
    if isinstance(arg, list) and len(arg) == 1 and isinstance(arg[0], str):
        return arg[0], {}
    return None


def sub_names(text: str) -> list[str]:
    """The variables of a Sub string (``X`` and ``X.Attr`` alike)."""
    return SUB_VARIABLE.findall(text)


def certain_references(value: Any, depth: int = 0) -> Iterator[str]:
    """Logical ids ``value`` refers to whatever the conditions: Fn::If branches are skipped.

    A ``Fn::Sub`` variable named in its own variable map refers to that entry, not to a
    resource, so it is not counted.
    """
    if depth > 60:
        return
    if isinstance(value, dict):
        if len(value) == 1:
            (key,) = value
            if key == "Fn::If":
                return
            target = ref_target(value)
            if target:
                yield target
                return
            att = getatt_target(value)
            if att:
                yield att[0]
                return
            parts = sub_parts(value)
            if parts:
                text, variables = parts
                for name in sub_names(text):
                    head = name.split(".", 1)[0]
                    if name not in variables and head not in variables:
                        yield head
                for v in variables.values():
                    yield from certain_references(v, depth + 1)
                return
        for v in value.values():
            yield from certain_references(v, depth + 1)
    elif isinstance(value, list):
        for v in value:
            yield from certain_references(v, depth + 1)


def any_references(value: Any) -> list[str]:
    """Every name ``value`` may refer to through Ref, GetAtt or a Sub variable (all branches)."""
    return any_references_in(values(value))


def any_references_in(nodes: Iterable[Any]) -> list[str]:
    """:func:`any_references` of the values ``nodes`` (every value of a subtree), once per mention.

    A list built in one loop, not a generator: the unused-name rules read every mapping of every
    template that holds Ref, GetAtt or Sub through it.
    """
    found: list[str] = []
    add = found.append
    for node in nodes:
        if not isinstance(node, dict):
            continue
        ref = node.get("Ref")
        if isinstance(ref, str):
            add(ref)
        if "Fn::GetAtt" in node:
            arg = node["Fn::GetAtt"]
            if isinstance(arg, str):
                add(arg.split(".", 1)[0])
            elif isinstance(arg, list) and arg and isinstance(arg[0], str):
                add(arg[0])
        if "Fn::Sub" in node:
            arg = node["Fn::Sub"]
            text = arg if isinstance(arg, str) else arg[0] if isinstance(arg, list) and arg else None
            if isinstance(text, str):
                for name in sub_names(text):
                    add(name)
                    add(name.split(".", 1)[0])
    return found
