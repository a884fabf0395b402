"""Patch fragments: reviewable data files under ``patches/`` that fix generators fill in.

A fragment file is YAML (short-form intrinsics allowed; loaded into the same
plain view as templates).  Its top-level keys name fragments.  Placeholders are
``{{Name}}``: a string that is exactly one placeholder is replaced by the
value given (of any type: a Ref, a list...), a placeholder inside a longer
string or a mapping key is replaced by text.  A placeholder left unfilled is an
error, so a fragment can never leak into a template half-made.
"""

from __future__ import annotations

import copy
import os
from functools import cache
from typing import Any

from autofix.nodes import to_plain
from autofix.patterns import lazy_pattern
from autofix.yamlsource import parse_yaml

_PLACEHOLDER = lazy_pattern(r"\{\{(\w+)\}\}")


def patches_dir() -> str:
    """The installed copy (``autofix/_patches``) or the source tree's ``patches/`` (a string path:
    rules import this module, and :mod:`pathlib` would be one more import at every start)."""
    here = os.path.dirname(os.path.realpath(__file__))
    for candidate in (os.path.join(here, "_patches"), os.path.join(os.path.dirname(here), "patches")):
        if os.path.isdir(candidate):
            return candidate
    raise FileNotFoundError("patch fragments directory not found")


@cache
def _load(name: str) -> dict[str, Any]:
    path = os.path.join(patches_dir(), f"{name}.yaml")
    with open(path, encoding="utf-8") as handle:
        root = parse_yaml(handle.read())
    data = to_plain(root) if root is not None else {}
    if not isinstance(data, dict):
        raise ValueError(f"{name}.yaml: a fragment file must be a mapping of fragments")
    return data


def fragment_names(name: str) -> list[str]:
    return list(_load(name))


def fill(value: Any, values: dict[str, Any]) -> Any:
    """Replace placeholders in ``value`` (a fresh copy is returned)."""
    if isinstance(value, str):
        whole = _PLACEHOLDER.fullmatch(value)
        if whole:
            return copy.deepcopy(_lookup(values, whole.group(1)))
        return _PLACEHOLDER.sub(lambda m: str(_lookup(values, m.group(1))), value)
    if isinstance(value, dict):
        return {fill(k, values): fill(v, values) for k, v in value.items()}
    if isinstance(value, list):
        return [fill(v, values) for v in value]
    return value


def _lookup(values: dict[str, Any], key: str) -> Any:
    if key not in values:
        raise KeyError(f"patch fragment placeholder {{{{{key}}}}} was not filled")
    return values[key]


def fragment(file: str, name: str, **values: Any) -> Any:
    """The fragment ``name`` of ``patches/<file>.yaml`` with its placeholders filled."""
    data = _load(file)
    if name not in data:
        raise KeyError(f"patches/{file}.yaml has no fragment {name!r}")
    return fill(data[name], values)
