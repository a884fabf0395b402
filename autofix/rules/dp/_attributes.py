"""The attributes ``Fn::GetAtt`` can read from a resource type, from its provider schema.

A registry schema lists what a resource returns in ``readOnlyProperties`` (``/properties/Arn``,
``/properties/Endpoint/Address`` -> ``Arn``, ``Endpoint.Address``; a ``*`` segment stands for a
list index: ``Destinations.*.Status`` is a pattern that ``Destinations.0.Status`` matches).  A few
types return more than their schema lists, or return their properties too, or name attributes at
deploy time (a nested stack's ``Outputs.X``): those exceptions are data in
``patches/DP007-getatt-unknown-attribute.yaml``.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from autofix.patches import fragment
from autofix.rules.sc._walk import skipped_type
from autofix.schema import resource_schema

_PATCHES = "DP007-getatt-unknown-attribute"


class Attributes(NamedTuple):
    """What ``Fn::GetAtt`` accepts for one type: exact names, and patterns for list members."""

    names: frozenset[str]
    patterns: tuple[re.Pattern[str], ...]

    def accepts(self, attribute: str) -> bool:
        return attribute in self.names or any(p.fullmatch(attribute) for p in self.patterns)


@lru_cache(maxsize=1)
def _exceptions() -> tuple[frozenset[str], dict[str, tuple[str, ...]]]:
    unjudged = {*fragment(_PATCHES, "property_attribute_types"), *fragment(_PATCHES, "output_attribute_types")}
    extra = {k: tuple(v) for k, v in fragment(_PATCHES, "extra_attributes").items()}
    return frozenset(unjudged), extra


@lru_cache(maxsize=256)
def attributes_of(type_name: str, region: str) -> Attributes | None:
    """The attributes of ``type_name``; None when they cannot be judged here (no schema, a custom or
    SAM type, a type whose properties or deploy-time outputs are attributes too)."""
    unjudged, extra = _exceptions()
    if skipped_type(type_name) or type_name in unjudged:
        return None
    schema = resource_schema(type_name, region)
    if schema is None:
        return None
    names: set[str] = set(extra.get(type_name, ()))
    patterns = []
    for entry in schema.raw.get("readOnlyProperties") or ():
        if not isinstance(entry, str) or not entry.startswith("/properties/"):
            continue
        segments = entry.split("/")[2:]
        if "*" in segments:
            # as CloudFormation's validators read them: the dotted path is a pattern, ``*`` any text
            patterns.append(re.compile(".".join(segments)))
        else:
            names.add(".".join(segments))
    return Attributes(frozenset(names), tuple(patterns))
