"""Read-only helpers over a template's plain view, shared by rules.

Templates are messy (``Fn::If`` around properties, ``AWS::NoValue``, values
given as parameters), so every accessor here tolerates any shape and returns
something harmless rather than raising.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from autofix.nodes import join_pointer

#: Sections whose keys share one namespace of logical ids in CloudFormation.
_ID_SECTIONS = ("Resources", "Parameters", "Conditions", "Mappings", "Outputs")
_SUB_VAR = re.compile(r"\$\{([^}!][^}]*)\}")


def ref_target(value: Any) -> str | None:
    """``X`` for ``{"Ref": "X"}``."""
    if isinstance(value, dict) and len(value) == 1 and isinstance(value.get("Ref"), str):
        return value["Ref"]
    return None


def getatt_target(value: Any) -> tuple[str, str] | None:
    """``("X", "Arn")`` for ``{"Fn::GetAtt": ["X", "Arn"]}`` (or the dotted string form)."""
    if not isinstance(value, dict) or len(value) != 1 or "Fn::GetAtt" not in value:
        return None
    arg = value["Fn::GetAtt"]
    if isinstance(arg, str) and "." in arg:
        arg = arg.split(".", 1)
    if isinstance(arg, list) and len(arg) == 2 and all(isinstance(a, str) for a in arg):
        return arg[0], arg[1]
    return None


def sub_variables(value: Any) -> list[str]:
    """Variables named by an ``Fn::Sub`` string (``${X}``, ``${X.Attr}``), excluding ``${!Literal}``."""
    if isinstance(value, dict) and "Fn::Sub" in value and len(value) == 1:
        arg = value["Fn::Sub"]
        if isinstance(arg, list) and arg:
            arg = arg[0]
        if isinstance(arg, str):
            return _SUB_VAR.findall(arg)
    return []


def walk(value: Any, pointer: str = "") -> Iterator[tuple[str, Any]]:
    """Every (pointer, value) below and including ``value``."""
    yield pointer, value
    if isinstance(value, dict):
        for k, v in value.items():
            yield from walk(v, f"{pointer}/{k.replace('~', '~0').replace('/', '~1')}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from walk(v, f"{pointer}/{i}")


def references(value: Any) -> set[str]:
    """Logical ids referenced by Ref, GetAtt or Sub anywhere in ``value``."""
    found: set[str] = set()
    for _, v in walk(value):
        if isinstance(v, dict) and len(v) == 1:
            t = ref_target(v)
            if t:
                found.add(t)
            g = getatt_target(v)
            if g:
                found.add(g[0])
            for var in sub_variables(v):
                found.add(var.split(".", 1)[0])
    return found


def strings_in(value: Any) -> Iterator[str]:
    """Every string literal inside ``value`` (including Sub templates and Join pieces)."""
    for _, v in walk(value):
        if isinstance(v, str):
            yield v


class Template:
    """A read-only view of one template's plain data."""

    def __init__(self, data: Any) -> None:
        self.data = data if isinstance(data, dict) else {}

    def section(self, name: str) -> dict[str, Any]:
        value = self.data.get(name)
        return value if isinstance(value, dict) else {}

    @property
    def resources(self) -> dict[str, Any]:
        return self.section("Resources")

    @property
    def parameters(self) -> dict[str, Any]:
        return self.section("Parameters")

    @property
    def conditions(self) -> dict[str, Any]:
        return self.section("Conditions")

    def resources_of(self, *types: str) -> Iterator[tuple[str, dict[str, Any]]]:
        """(logical id, resource) for resources of the given types, in template order."""
        for logical_id, resource in self.resources.items():
            if isinstance(resource, dict) and resource.get("Type") in types:
                yield logical_id, resource

    def properties(self, logical_id: str) -> dict[str, Any]:
        resource = self.resources.get(logical_id)
        props = resource.get("Properties") if isinstance(resource, dict) else None
        return props if isinstance(props, dict) else {}

    def type_of(self, logical_id: str) -> str | None:
        resource = self.resources.get(logical_id)
        return resource.get("Type") if isinstance(resource, dict) else None

    def is_parameter(self, name: str) -> bool:
        return name in self.parameters

    def parameter_default(self, name: str) -> Any:
        param = self.parameters.get(name)
        return param.get("Default") if isinstance(param, dict) else None

    def taken_ids(self) -> set[str]:
        taken: set[str] = set()
        for section in _ID_SECTIONS:
            taken.update(self.section(section))
        return taken

    def unique_id(self, base: str, taken: set[str] | None = None) -> str:
        """``base``, or ``base2``, ``base3``... whichever no section of the template uses yet."""
        used = self.taken_ids() | (taken or set())
        if base not in used:
            return base
        n = 2
        while f"{base}{n}" in used:
            n += 1
        return f"{base}{n}"

    @staticmethod
    def pointer(*segments: str | int) -> str:
        return join_pointer(*segments)

    def referencing(self, logical_id: str) -> Iterator[str]:
        """Logical ids of resources whose definition references ``logical_id``."""
        for other, resource in self.resources.items():
            if other != logical_id and logical_id in references(resource):
                yield other
