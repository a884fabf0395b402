"""CloudFormation resource provider schemas, read as data from the files cfn-lint ships.

cfn-lint keeps the registry schemas of every region current and ships them as
package data::

    cfnlint/data/schemas/providers/<region>.json   {"AWS::S3::Bucket": "<hash>", ...}
    cfnlint/data/schemas/resources/<hash>.json     one resource provider schema

This module reads those files and nothing else of cfn-lint: no cfn-lint module
is imported and none of its checks run (the package is located with
:func:`importlib.util.find_spec`, which does not import it).  Nothing is read
until a rule asks for a type; each region's type map and each schema are read
once per process (:func:`functools.lru_cache`).

When the files are not where and how this module expects them (another
cfn-lint layout, a broken install), the functions raise
:class:`SchemaDataError`, an :class:`~autofix.errors.AutofixError` whose message
says which cfn-lint is installed and which versions autofix supports; the
engine reports it as the rule's error, never as a traceback.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterator
from functools import cache, lru_cache
from typing import Any, TypeVar

from autofix.errors import AutofixError
from autofix.patterns import lazy_pattern

T = TypeVar("T")

#: The cfn-lint releases whose schema data layout this module reads (keep in step with pyproject).
SUPPORTED_CFN_LINT = ">=1.58,<2"
DEFAULT_REGION = "us-east-1"
_REGION = lazy_pattern(r"^[a-z]{2}(-[a-z]+)+-\d$")


#: The schema of "anything goes", shared.
_ANY: dict[str, Any] = {}

#: How many nodes one schema keeps answers about before it starts afresh: its own are a few hundred,
#: the rest are mappings callers made (a ``{}`` for "anything"), which would otherwise pile up.
KEPT_NODES = 1 << 14


class SchemaDataError(AutofixError):
    """cfn-lint's schema data is missing or not laid out as this module expects."""


def cfn_lint_version() -> str | None:
    """The installed cfn-lint's version (from its distribution metadata; nothing is imported)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("cfn-lint")
    except PackageNotFoundError:
        return None


def _layout_error(detail: str) -> SchemaDataError:
    installed = cfn_lint_version()
    have = f"cfn-lint {installed} installed" if installed else "cfn-lint is not installed"
    return SchemaDataError(f"cfn-lint's schema data is not laid out as expected ({have}; autofix supports "
                           f"cfn-lint{SUPPORTED_CFN_LINT}): {detail}")


@lru_cache(maxsize=1)
def data_dir() -> str:
    """``cfnlint/data/schemas`` of the installed cfn-lint, checked for the two parts this module reads.

    Paths here are strings (:mod:`os.path`): every check of a template with resources comes here, and
    :mod:`pathlib` would add several milliseconds of imports to each start.
    """
    from importlib.util import find_spec

    try:
        spec = find_spec("cfnlint")
    except (ImportError, ValueError):
        spec = None
    if spec is None or not spec.submodule_search_locations:
        raise _layout_error("the cfnlint package cannot be found")
    for location in spec.submodule_search_locations:
        base = os.path.join(location, "data", "schemas")
        if os.path.isdir(os.path.join(base, "providers")) and os.path.isdir(os.path.join(base, "resources")):
            return base
    raise _layout_error("no data/schemas/providers and data/schemas/resources directories in the cfnlint package")


def read_json(path: str | os.PathLike[str]) -> Any:
    """A JSON file of cfn-lint's data; a missing or unreadable one is a clear layout error."""
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except FileNotFoundError:
        where = os.path.relpath(path, os.path.dirname(os.path.dirname(data_dir())))
        raise _layout_error(f"{where} is missing") from None
    except (OSError, ValueError) as exc:
        raise _layout_error(f"{os.path.basename(path)} cannot be read: {exc}") from None


def type_map(region: str = DEFAULT_REGION) -> dict[str, str]:
    """Resource type -> schema file stem for ``region`` (us-east-1 when cfn-lint has no file for it)."""
    providers = os.path.join(data_dir(), "providers")
    if not _REGION.match(region) or not os.path.isfile(os.path.join(providers, f"{region}.json")):
        region = DEFAULT_REGION
    return _type_map(region)


@cache
def _type_map(region: str) -> dict[str, str]:
    name = f"{region}.json"
    found = read_json(os.path.join(data_dir(), "providers", name))
    if (not isinstance(found, dict) or not found
            or not all(isinstance(k, str) and isinstance(v, str) for k, v in found.items())):
        raise _layout_error(f"providers/{name} is not a mapping of resource types to schema names")
    if not any(k.startswith("AWS::") for k in found):
        raise _layout_error(f"providers/{name} names no AWS:: resource type")
    return found


def known_types(region: str = DEFAULT_REGION) -> frozenset[str]:
    return _known_types(region)


@cache
def _known_types(region: str) -> frozenset[str]:
    return frozenset(type_map(region))


@cache
def _types_by_lower(region: str) -> dict[str, str]:
    return {t.lower(): t for t in type_map(region)}


def type_by_case(type_name: str, region: str = DEFAULT_REGION) -> str | None:
    """The real type spelled like ``type_name`` but for case (``AWS::S3::bucket`` -> ``AWS::S3::Bucket``)."""
    return _types_by_lower(region).get(type_name.lower())


@lru_cache(maxsize=512)
def resource_schema(type_name: str, region: str = DEFAULT_REGION) -> ResourceSchema | None:
    """The provider schema of ``type_name`` in ``region``; None when the region has no such type."""
    stem = type_map(region).get(type_name)
    if stem is None:
        return None
    if not re.match(r"^[A-Za-z0-9_.-]+$", stem):
        raise _layout_error(f"providers map {type_name} to {stem!r}, not a schema file name")
    raw = read_json(os.path.join(data_dir(), "resources", f"{stem}.json"))
    if not isinstance(raw, dict) or not isinstance(raw.get("properties"), dict):
        raise _layout_error(f"resources/{stem}.json ({type_name}) has no properties mapping")
    if raw.get("typeName", type_name) != type_name:
        raise _layout_error(f"resources/{stem}.json holds {raw.get('typeName')!r}, not {type_name}")
    return ResourceSchema(type_name, raw)


def check_layout(region: str = DEFAULT_REGION) -> None:
    """Raise :class:`SchemaDataError` unless the data reads as expected (one well-known type is loaded)."""
    schema = resource_schema("AWS::S3::Bucket", region)
    if schema is None or "BucketName" not in schema.properties(schema.root):
        raise _layout_error("AWS::S3::Bucket is missing or has no BucketName property")


def _closed(node: dict[str, Any]) -> bool:
    return node.get("additionalProperties") is False and not node.get("patternProperties")


def _required(node: dict[str, Any]) -> tuple[str, ...]:
    req = node.get("required")
    return tuple(r for r in req if isinstance(r, str)) if isinstance(req, list) else ()


def _types(node: dict[str, Any]) -> tuple[str, ...]:
    kind = node.get("type")
    if isinstance(kind, str):
        return (kind,)
    if isinstance(kind, list):
        return tuple(k for k in kind if isinstance(k, str))
    return ()


class KeyTable(dict):
    """Key -> ``compute(key)``, computed the first time a key is asked (``dict.__missing__``): walks ask
    the same schema node about every key of every value, and a hit is then a plain dictionary lookup."""

    __slots__ = ("_compute",)

    def __init__(self, compute: Callable[[str], Any]) -> None:
        super().__init__()
        self._compute = compute

    def __missing__(self, key: str) -> Any:
        found = self[key] = self._compute(key)
        return found


class ResourceSchema:
    """One resource type's schema, with ``$ref`` resolved on demand (the raw data is never changed).

    Rules ask the same few hundred schema nodes the same questions for every value of every template,
    so the answers are kept by the ``id()`` of the node they are about.  An id names an object only
    while it lives, so every node an answer is kept about is kept alive with it (:meth:`_keep`): no
    answer can be given for another object that a dead node's address went to.
    """

    __slots__ = ("_children", "_facts", "_kept", "_resolved", "raw", "type_name")

    def __init__(self, type_name: str, raw: dict[str, Any]) -> None:
        self.type_name = type_name
        self.raw = raw
        #: answers by the id of the node they are about (never changed once asked about)
        self._resolved: dict[int, dict[str, Any]] = {}
        self._children: dict[int, KeyTable] = {}
        self._facts: dict[tuple[str, int], Any] = {}
        self._kept: list[Any] = []  # the nodes those ids name, alive as long as their answers

    def _keep(self, node: Any) -> None:
        """Keep ``node`` alive while an answer is kept under its id (called before the answer is stored)."""
        if len(self._kept) >= KEPT_NODES:
            for table in (self._kept, self._resolved, self._children, self._facts):
                table.clear()
        self._kept.append(node)

    def __eq__(self, other: object) -> bool:
        return type(other) is ResourceSchema and (self.type_name, self.raw) == (other.type_name, other.raw)

    def __hash__(self) -> int:
        return hash(self.type_name)

    def __repr__(self) -> str:
        return f"ResourceSchema({self.type_name!r})"

    @property
    def root(self) -> dict[str, Any]:
        return self.raw

    def resolve(self, node: Any, _depth: int = 0) -> dict[str, Any]:
        """``node`` with its local ``$ref`` followed (``#/definitions/X``); ``{}`` (anything) when unknown."""
        if not isinstance(node, dict):
            return _ANY
        if "$ref" not in node:
            return node
        key = id(node)
        found = self._resolved.get(key)
        if found is None:
            found = self._resolve(node, _depth)
            self._keep(node)
            self._resolved[key] = found
        return found

    def _resolve(self, node: dict[str, Any], _depth: int) -> dict[str, Any]:
        ref = node.get("$ref")
        if not isinstance(ref, str) or _depth > 20:
            return node
        if not ref.startswith("#/"):
            return _ANY
        target: Any = self.raw
        for seg in ref[2:].split("/"):
            seg = seg.replace("~1", "/").replace("~0", "~")
            target = target.get(seg) if isinstance(target, dict) else None
        if not isinstance(target, dict):
            return _ANY
        merged = {k: v for k, v in node.items() if k != "$ref"}
        resolved = self.resolve(target, _depth + 1)
        return {**resolved, **merged} if merged else resolved

    def properties(self, node: Any) -> dict[str, Any]:
        """The ``properties`` of an object schema (resolved), ``{}`` when it names none."""
        node = self.resolve(node)
        props = node.get("properties")
        return props if isinstance(props, dict) else _ANY

    def fact(self, name: str, node: Any, compute: Callable[[dict[str, Any]], T]) -> T:
        """``compute(resolved node)``, once per schema node and ``name``: rules ask the same few hundred
        nodes the same questions for every value of every template."""
        memo = (name, id(node))
        try:
            return self._facts[memo]
        except KeyError:
            found = compute(self.resolve(node))
            self._keep(node)
            self._facts[memo] = found
            return found

    def closed(self, node: Any) -> bool:
        """Whether an object schema refuses keys it does not name (``additionalProperties: false``)."""
        return self.fact("closed", node, _closed)

    def child(self, node: Any, key: str) -> dict[str, Any] | None:
        """The schema of ``key`` inside object schema ``node``: ``{}`` for anything, None when not allowed."""
        return self.children(node)[key]

    def children(self, node: Any) -> KeyTable:
        """:meth:`child` of ``node`` as a :class:`KeyTable`, key -> child schema."""
        memo = id(node)  # the node as given: the walks pass resolved nodes, asked again and again
        table = self._children.get(memo)
        if table is None:
            resolved = self.resolve(node)
            table = KeyTable(lambda key: self._child(resolved, key))
            self._keep(node)
            self._children[memo] = table
        return table

    def _child(self, node: dict[str, Any], key: str) -> dict[str, Any] | None:
        props = self.properties(node)
        if key in props:
            return self.resolve(props[key])
        patterns = node.get("patternProperties")
        if isinstance(patterns, dict):
            for pattern, sub in patterns.items():
                try:
                    if re.search(pattern, key):
                        return self.resolve(sub)
                except re.error:
                    return _ANY
        extra = node.get("additionalProperties")
        if extra is False:
            return None
        return self.resolve(extra) if isinstance(extra, dict) else _ANY

    def items(self, node: Any) -> dict[str, Any]:
        """The schema of the items of an array schema (``{}`` for anything)."""
        node = self.resolve(node)
        items = node.get("items")
        return self.resolve(items) if isinstance(items, dict) else _ANY

    def types(self, node: Any) -> tuple[str, ...]:
        """The JSON types ``node`` allows (``()`` when it does not say)."""
        return self.fact("types", node, _types)

    def required(self, node: Any) -> tuple[str, ...]:
        return self.fact("required", node, _required)

    def read_only(self) -> frozenset[str]:
        """Top-level properties that are read-only (attributes, never written in a template)."""
        found = set()
        for entry in self.raw.get("readOnlyProperties") or ():
            if isinstance(entry, str) and entry.startswith("/properties/") and entry.count("/") == 2:
                found.add(entry.split("/")[2])
        return frozenset(found)

    def taggable(self) -> bool:
        tagging = self.raw.get("tagging")
        return not (isinstance(tagging, dict) and tagging.get("taggable") is False) and "Tags" in self.properties(
            self.root)

    def walk_definitions(self) -> Iterator[tuple[str, dict[str, Any]]]:
        for name, node in (self.raw.get("definitions") or {}).items():
            if isinstance(node, dict):
                yield name, node
