"""Where a property's value comes from: a literal, a branch of ``Fn::If``, a parameter's Default.

Rules that replace one bad literal (a runtime, an engine version) share this walk:
each place is yielded with the pointer to change and a short note of where the value
sits, so one fix replaces exactly that literal.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any, NamedTuple

from autofix.fixes import FixBuilder
from autofix.intrinsics import ref_target
from autofix.nodes import extend_pointer
from autofix.template import Template


class Place(NamedTuple):
    pointer: str
    value: Any
    #: " when condition X is true", " (the Default of parameter P)"
    where: str = ""
    #: the parameter whose Default (or AllowedValues entry) this is
    parameter: str | None = None
    #: an entry of the parameter's AllowedValues rather than its Default
    allowed_entry: bool = False


def literal_places(template: Template, value: Any, pointer: str, where: str = "",
                   depth: int = 0) -> Iterator[Place]:
    """Every literal (string or number) ``value`` can be, with the pointer to replace it."""
    if depth > 8:
        return
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        yield Place(pointer, value, where)
        return
    param = ref_target(value)
    if param is not None:
        if template.is_parameter(param):
            default = template.parameter_default(param)
            if isinstance(default, (str, int, float)) and not isinstance(default, bool):
                yield Place(template.pointer("Parameters", param, "Default"), default,
                            f" (the Default of parameter {param})", parameter=param)
            allowed = template.parameters[param].get("AllowedValues")
            if isinstance(allowed, list):
                for i, entry in enumerate(allowed):
                    if isinstance(entry, (str, int, float)) and not isinstance(entry, bool) and entry != default:
                        yield Place(template.pointer("Parameters", param, "AllowedValues", i), entry,
                                    f" (allowed by parameter {param})", parameter=param, allowed_entry=True)
        return
    if isinstance(value, dict) and len(value) == 1 and isinstance(value.get("Fn::If"), list):
        arg = value["Fn::If"]
        if len(arg) == 3:
            for branch, state in ((1, "true"), (2, "false")):
                yield from literal_places(template, arg[branch], extend_pointer(pointer, "Fn::If", branch),
                                          f" when condition {arg[0]} is {state}", depth + 1)


def per_parameter(places: Iterable[Place]) -> Iterator[list[Place]]:
    """``places`` in groups, one finding each: the places of one parameter (its Default and its
    AllowedValues entries) together, in the order first seen; any other place alone."""
    groups: dict[str, list[Place]] = {}
    for place in places:
        key = place.parameter if place.parameter is not None else place.pointer
        groups.setdefault(key, []).append(place)
    yield from groups.values()


def replace_literal(fix: FixBuilder, template: Template, place: Place, new: Any,
                    judge: Callable[[Any], Any] | None = None) -> FixBuilder:
    """Replace the literal at ``place`` with ``new`` in ``fix``.  For a parameter's Default, the entries of
    its ``AllowedValues`` that ``judge`` maps to a replacement are replaced too (and the list stays free of
    duplicates), so every value the parameter can take is fixed at once."""
    if not place.allowed_entry:
        fix.replace(place.pointer, new)
    if place.parameter is None:
        return fix
    allowed = template.parameters[place.parameter].get("AllowedValues")
    if not isinstance(allowed, list):
        return fix
    fixed: list[Any] = []
    for entry in allowed:
        changed = new if entry == place.value else (judge(entry) if judge else None)
        value = entry if changed is None else changed
        if value not in fixed:
            fixed.append(value)
    if new not in fixed and not place.allowed_entry:
        fixed.append(new)
    if fixed != list(allowed):
        fix.replace(("Parameters", place.parameter, "AllowedValues"), fixed)
    return fix
