"""What a value is, as far as a schema's ``type`` cares, without deploying it."""

from __future__ import annotations

from typing import Any

from autofix.intrinsics import intrinsic_name


def json_type(value: Any) -> str | None:
    """The JSON type of a literal (``object``, ``array``, ``string``, ``integer``, ``number``, ``boolean``,
    ``null``); None for an intrinsic function, whose result is not known here."""
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


def fits(value: Any, allowed: tuple[str, ...]) -> bool:
    """Whether ``value`` can be a value of a schema allowing the JSON types ``allowed`` (``()``: any).

    Scalars fit any scalar type (CloudFormation converts them); an intrinsic fits a scalar or an
    object (it can give either); objects and arrays fit only themselves.
    """
    if not allowed:
        return True
    wanted = _WANTED.get(allowed)
    if wanted is None:  # a few distinct tuples, asked for every value of every template
        wanted = _WANTED[allowed] = frozenset(allowed) | ({"integer"} if "number" in allowed else frozenset())
    kind = json_type(value)
    if kind is None:
        return bool(wanted & (_SCALARS | {"object", "array"}))
    if kind in _SCALARS:
        return bool(wanted & _SCALARS)
    return kind in wanted
