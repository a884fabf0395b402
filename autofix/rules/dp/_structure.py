"""The template's own structure as the data cfn-lint ships describes it, and renaming logical ids.

``cfnlint/data/schemas/other/template/configuration.json`` lists the top-level sections and
``.../resources/configuration.json`` the attributes a resource may have (``Type``, ``Properties``,
``DependsOn``...).  Renaming a logical id means rewriting every place that names it: ``Ref``,
``Fn::GetAtt`` (both forms), ``Fn::Sub`` variables and ``DependsOn``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from autofix.context import RuleContext, mappings_in
from autofix.fixes import FixBuilder
from autofix.intrinsics import parse_sub, sub_substitute
from autofix.nodes import join_pointer, split_pointer
from autofix.patterns import lazy_pattern
from autofix.rules.dp._data import _load

#: what a logical id may be made of
VALID_ID = lazy_pattern(r"^[A-Za-z0-9]+$")


@lru_cache(maxsize=1)
def sections() -> tuple[str, ...]:
    data = _load("cfnlint.data.schemas.other.template", "configuration.json")
    return tuple(data.get("properties") or ())


@lru_cache(maxsize=1)
def resource_attributes() -> tuple[str, ...]:
    data = _load("cfnlint.data.schemas.other.resources", "configuration.json")
    return tuple(((data.get("definitions") or {}).get("ResourceConfiguration") or {}).get("properties") or ())


def valid_id(name: str) -> str | None:
    """``prod-web-server`` -> ``ProdWebServer``: the words of ``name`` joined, each capitalized."""
    words = [w for w in re.split(r"[^A-Za-z0-9]+", name) if w]
    found = "".join(w[:1].upper() + w[1:] for w in words)
    return found or None


def rename_ids(ctx: RuleContext, fix: FixBuilder, renames: dict[str, str], sections_: Iterable[str]) -> None:
    """Add to ``fix`` the renames of the logical ids ``renames`` (in ``sections_``) and of every reference.

    References are rewritten first, at the paths they have now; the ids are renamed last."""
    redirect_references(ctx, fix, renames)
    for section in sections_:
        for old, new in renames.items():
            if old in ctx.section(section):
                fix.rename((section, old), new)


def redirect_references(ctx: RuleContext, fix: FixBuilder, renames: dict[str, str]) -> None:
    """Add to ``fix`` the rewrite of every Ref, Fn::GetAtt, Fn::Sub variable and DependsOn naming an id of
    ``renames`` to name its new id instead (a DependsOn that names the new id already drops the old one)."""
    for pointer, value in mappings_in(ctx, ctx.data, ""):
        path = split_pointer(pointer)
        if len(value) == 1:
            _rewrite_intrinsic(fix, pointer, value, renames)
        if len(path) == 2 and path[0] == "Resources":
            _rewrite_depends_on(fix, path, value, renames)


def _rewrite_intrinsic(fix: FixBuilder, pointer: str, value: dict[str, Any], renames: dict[str, str]) -> None:
    ((key, arg),) = value.items()
    base = split_pointer(pointer)
    if key == "Ref" and isinstance(arg, str) and arg in renames:
        fix.replace(join_pointer(*base, "Ref"), renames[arg])
    elif key == "Fn::GetAtt":
        if isinstance(arg, list) and arg and isinstance(arg[0], str) and arg[0] in renames:
            fix.replace(join_pointer(*base, "Fn::GetAtt", 0), renames[arg[0]])
        elif isinstance(arg, str) and arg.split(".", 1)[0] in renames:
            logical, _, attribute = arg.partition(".")
            fix.replace(join_pointer(*base, "Fn::GetAtt"), f"{renames[logical]}.{attribute}")
    elif key == "Fn::Sub":
        sub = parse_sub(value)
        if sub is None:
            return
        renamed = {}
        for name in sub.outside():
            head, dot, attribute = name.partition(".")
            if head in renames and head not in sub.local:
                renamed[name] = "${" + renames[head] + dot + attribute + "}"
        new_text = sub_substitute(sub.text, renamed)
        if new_text != sub.text:
            fix.replace(join_pointer(*base, *sub.text_at), new_text)


def _rewrite_depends_on(fix: FixBuilder, path: list[str], resource: dict[str, Any], renames: dict[str, str]) -> None:
    depends = resource.get("DependsOn")
    if isinstance(depends, str) and depends in renames:
        fix.replace((*path, "DependsOn"), renames[depends])
    elif isinstance(depends, list):
        dropped = [i for i, name in enumerate(depends) if isinstance(name, str) and name in renames
                   and renames[name] in depends]
        for i, name in enumerate(depends):
            if isinstance(name, str) and name in renames and i not in dropped:
                fix.replace((*path, "DependsOn", i), renames[name])
        for i in reversed(dropped):  # from the end: the indexes before stay valid
            fix.remove((*path, "DependsOn", i))
