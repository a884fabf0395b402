"""What a value is, as far as a schema's ``type`` cares, without deploying it."""

from __future__ import annotations

from typing import Any

from autofix.context import FrozenList
from autofix.intrinsics import intrinsic_name

#: the JSON type of a scalar by its exact Python type (bool before int, as ``isinstance`` cannot tell)
_SCALAR_TYPES: dict[type, str] = {str: "string", int: "integer", float: "number", bool: "boolean",
                                  type(None): "null"}


def json_type(value: Any) -> str | None:
    """The JSON type of a literal (``object``, ``array``, ``string``, ``integer``, ``number``, ``boolean``,
    ``null``); None for an intrinsic function, whose result is not known here."""
    kind = _SCALAR_TYPES.get(type(value))
    if kind is not None:
        return kind
    if intrinsic_name(value):
        return None
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "array"
    return "null" if value is None else None


_SCALARS = {"string", "integer", "number", "boolean"}
_WANTED: dict[tuple[str, ...], frozenset[str]] = {}
#: allowed types -> exact Python type -> whether such a value fits: every type but a mapping's (which may be
#: an intrinsic function)
_SCALAR_FITS: dict[tuple[str, ...], dict[type, bool]] = {}


def fits(value: Any, allowed: tuple[str, ...]) -> bool:
    """Whether ``value`` can be a value of a schema allowing the JSON types ``allowed`` (``()``: any).

    Scalars fit any scalar type (CloudFormation converts them); an intrinsic fits a scalar or an
    object (it can give either); objects and arrays fit only themselves.
    """
    if not allowed:
        return True
    table = _SCALAR_FITS.get(allowed)
    if table is None:
        table = _SCALAR_FITS[allowed] = {t: _fits(json_type(example), allowed)
                                         for t, example in ((str, ""), (int, 0), (float, 0.0), (bool, True),
                                                            (type(None), None), (list, []),
                                                            (FrozenList, FrozenList()))}
    answer = table.get(type(value))
    return _fits(json_type(value), allowed) if answer is None else answer


def _fits(kind: str | None, allowed: tuple[str, ...]) -> bool:
    wanted = _WANTED.get(allowed)
    if wanted is None:  # a few distinct tuples, asked for every value of every template
        wanted = _WANTED[allowed] = frozenset(allowed) | ({"integer"} if "number" in allowed else frozenset())
    if kind is None:
        return bool(wanted & (_SCALARS | {"object", "array"}))
    if kind in _SCALARS:
        return bool(wanted & _SCALARS)
    return kind in wanted
