"""Intrinsic functions, read once for every rule: what a value refers to and what it can be.

Values in the plain view use the long form (``{"Ref": X}``, ``{"Fn::GetAtt": [X, A]}``,
``{"Fn::Sub": ...}``, ``{"Fn::If": [cond, a, b]}``) whatever the file wrote, so
one set of helpers serves JSON and YAML, long and short form alike.  Every helper
tolerates any shape and answers something harmless rather than raising.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, NamedTuple

NO_VALUE = {"Ref": "AWS::NoValue"}

#: A variable of an ``Fn::Sub`` string: ``${Name}``, ``${Resource.Attribute}``, ``${AWS::Region}``.
#: CloudFormation ignores spaces around the name (``${ Name }`` is ``Name``), and ``${!Literal}`` (also
#: written ``${ !Literal}``) is text that resolves to ``${Literal}``, no variable.  The one grammar every
#: rule reads Sub strings with; a plain ``re.compile``, as it runs on every Sub of every template.
SUB_VARIABLE = re.compile(r"\$\{\s*([^!\s}][^}]*?)\s*\}")


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


def pointer_token(key: str) -> str:
    """``key`` as one JSON pointer token (RFC 6901 escaping)."""
    return key.replace("~", "~0").replace("/", "~1") if "~" in key or "/" in key else key


def walk(value: Any, pointer: str = "") -> Iterator[tuple[str, Any]]:
    """Every (pointer, value) below and including ``value``, in document order (parents first).

    Iterative, not a recursive generator: that one hands every item up through one
    generator frame per level, which made whole-template walks most of ``check``'s time.
    """
    stack = [(pointer, value)]
    while stack:
        pointer, value = stack.pop()
        yield pointer, value
        if isinstance(value, dict):
            stack.extend(reversed([(f"{pointer}/{pointer_token(k)}", v) for k, v in value.items()]))
        elif isinstance(value, list):
            stack.extend(reversed([(f"{pointer}/{i}", v) for i, v in enumerate(value)]))


def values(value: Any, *, into_if: bool = True) -> Iterator[Any]:
    """Every value below and including ``value``, in :func:`walk`'s order, without building pointers
    (``into_if=False``: not below an ``Fn::If``, whose branches hold only under a condition)."""
    stack = [value]
    while stack:
        value = stack.pop()
        yield value
        if isinstance(value, dict):
            if not into_if and len(value) == 1 and "Fn::If" in value:
                continue
            stack.extend(reversed(value.values()))
        elif isinstance(value, list):
            stack.extend(reversed(value))


def references(value: Any, *, certain: bool = False) -> set[str]:
    """Logical ids (parameters, resources, pseudo parameters) that ``value`` refers to anywhere, through
    ``Ref``, ``Fn::GetAtt`` or an ``Fn::Sub`` variable the Sub does not define itself.

    ``certain``: only the references that hold whatever the conditions (``Fn::If`` branches are
    skipped), e.g. to tell whether a reference already implies a ``DependsOn``.
    """
    return references_in(values(value, into_if=not certain))


def references_in(nodes: Iterable[Any]) -> set[str]:
    """:func:`references` of the values ``nodes`` (every value of a subtree, as :func:`values` gives)."""
    found: set[str] = set()
    for v in nodes:
        if isinstance(v, dict) and len(v) == 1:
            (name,) = v  # one key: look only at the helper it calls for (this loop sees every value)
            if name == "Ref":
                t = ref_target(v)
                if t:
                    found.add(t)
            elif name == "Fn::GetAtt":
                g = getatt_target(v)
                if g:
                    found.add(g[0])
            elif name == "Fn::Sub":
                sub = parse_sub(v)
                if sub is not None:
                    found.update(variable.split(".", 1)[0] for variable in sub.outside())
    return found


def names_in(value: Any) -> set[str]:
    """Every name ``value`` uses: :func:`references`, the conditions it names (``Condition``,
    ``Fn::If``) and the maps ``Fn::FindInMap`` reads."""
    nodes = list(values(value))
    found = references_in(nodes)
    for v in nodes:
        if isinstance(v, dict):
            if isinstance(v.get("Condition"), str):
                found.add(v["Condition"])
            for key in ("Fn::If", "Fn::FindInMap"):
                arg = v.get(key)
                if isinstance(arg, list) and arg and isinstance(arg[0], str):
                    found.add(arg[0])
    return found


def strings_in(value: Any) -> Iterator[str]:
    """Every string literal inside ``value`` (including Sub templates and Join pieces)."""
    for v in values(value):
        if isinstance(v, str):
            yield v


def scalar_text(value: Any) -> str | None:
    """The text a string or number literal stands for (``8.0`` -> ``"8.0"``); None for anything else,
    booleans included."""
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return None


def is_no_value(value: Any) -> bool:
    """``{"Ref": "AWS::NoValue"}``: the property is left out."""
    return ref_target(value) == "AWS::NoValue"


def intrinsic_name(value: Any) -> str | None:
    """``Fn::Sub`` for ``{"Fn::Sub": ...}``, ``Ref`` for a Ref; None for any other value."""
    if isinstance(value, dict) and len(value) == 1:
        (key,) = value
        if key == "Ref" or key == "Condition" or key.startswith("Fn::"):
            return key
    return None


def if_branches(value: Any, depth: int = 0) -> Iterator[Any]:
    """The values ``value`` can take through ``Fn::If`` (recursively); itself when it is no ``Fn::If``.

    ``AWS::NoValue`` branches are yielded too: callers decide whether "left out" matters.
    """
    if depth < 20 and isinstance(value, dict) and len(value) == 1 and "Fn::If" in value:
        arg = value["Fn::If"]
        if isinstance(arg, list) and len(arg) == 3:
            yield from if_branches(arg[1], depth + 1)
            yield from if_branches(arg[2], depth + 1)
            return
    yield value


def if_branches_at(value: Any, pointer: str = "", depth: int = 0) -> Iterator[tuple[str, Any]]:
    """:func:`if_branches` with the JSON pointer of each branch (``.../Fn::If/1``), below ``pointer``."""
    if depth < 20 and isinstance(value, dict) and len(value) == 1 and "Fn::If" in value:
        arg = value["Fn::If"]
        if isinstance(arg, list) and len(arg) == 3:
            yield from if_branches_at(arg[1], f"{pointer}/Fn::If/1", depth + 1)
            yield from if_branches_at(arg[2], f"{pointer}/Fn::If/2", depth + 1)
            return
    yield pointer, value


def if_condition(value: Any) -> str | None:
    """The condition name of ``{"Fn::If": [name, a, b]}``."""
    if isinstance(value, dict) and len(value) == 1 and isinstance(value.get("Fn::If"), list):
        arg = value["Fn::If"]
        if len(arg) == 3 and isinstance(arg[0], str):
            return arg[0]
    return None


class Sub(NamedTuple):
    """One ``Fn::Sub``, in either form: its template string, its own variable map (empty for the string
    form) and where the string sits below the ``Fn::Sub`` mapping (the segments to join after its pointer)."""

    text: str
    local: dict[str, Any]
    text_at: tuple[str | int, ...]

    def names(self) -> list[str]:
        """Every variable of the string, in order and as often as written (``X``, ``X.Attr``, local ones too)."""
        return SUB_VARIABLE.findall(self.text)

    def outside(self) -> list[str]:
        """The variables the Sub's own map does not define: what it reads from the template (a parameter or
        resource ``X``, a resource attribute ``X.Attr``, a pseudo parameter ``AWS::Region``)."""
        local = self.local
        return [name for name in SUB_VARIABLE.findall(self.text) if name not in local]


def parse_sub(value: Any) -> Sub | None:
    """``value`` read as an ``Fn::Sub``: ``{"Fn::Sub": text}``, ``{"Fn::Sub": [text]}`` or
    ``{"Fn::Sub": [text, {variables}]}`` (the forms CloudFormation accepts); None for anything else."""
    if not (isinstance(value, dict) and len(value) == 1 and "Fn::Sub" in value):
        return None
    arg = value["Fn::Sub"]
    if isinstance(arg, str):
        return Sub(arg, {}, ("Fn::Sub",))
    if isinstance(arg, list) and arg and isinstance(arg[0], str):
        if len(arg) == 1:
            return Sub(arg[0], {}, ("Fn::Sub", 0))
        if len(arg) == 2 and isinstance(arg[1], dict):
            return Sub(arg[0], arg[1], ("Fn::Sub", 0))
    return None


def sub_names(text: str) -> list[str]:
    """The variables of an ``Fn::Sub`` string, in order and as often as written."""
    return SUB_VARIABLE.findall(text)


def sub_substitute(text: str, replacements: Mapping[str, str]) -> str:
    """``text`` with every variable named in ``replacements`` (``${name}``, ``${ name }``) written as the
    text it maps to; other variables and ``${!Literal}`` are kept as written."""
    def one(match: re.Match[str]) -> str:
        return replacements.get(match.group(1), match.group(0))

    return SUB_VARIABLE.sub(one, text)


def sub_resolve(text: str, value_of: Callable[[str], str]) -> str:
    """What CloudFormation makes of an ``Fn::Sub`` string: every variable replaced by ``value_of(name)``,
    every ``${!Literal}`` written ``${Literal}``."""
    out: list[str] = []
    at = 0
    for match in SUB_VARIABLE.finditer(text):
        out.append(text[at:match.start()].replace("${!", "${"))
        out.append(value_of(match.group(1)))
        at = match.end()
    out.append(text[at:].replace("${!", "${"))
    return "".join(out)


def literal(value: Any) -> Any:
    """``value`` when it holds no intrinsic function anywhere (a value known before deploy), else None."""
    for v in values(value):
        if intrinsic_name(v):
            return None
    return value


def optional_branch(value: Any) -> tuple[str, Any, bool] | None:
    """``(condition, value, True)`` for ``{"Fn::If": [condition, value, NoValue]}``, ``(..., False)`` for
    ``[condition, NoValue, value]``: a value that is left out when its condition is false (true)."""
    condition = if_condition(value)
    if condition is None:
        return None
    _, yes, no = value["Fn::If"]
    if is_no_value(no) and not is_no_value(yes):
        return condition, yes, True
    if is_no_value(yes) and not is_no_value(no):
        return condition, no, False
    return None
