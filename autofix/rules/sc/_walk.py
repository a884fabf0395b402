"""The template's resource properties walked beside their schemas, once per template for every SC rule.

Every value under ``Resources/<id>/Properties`` is paired with the part of its
type's provider schema that describes it (``$ref`` resolved): every mapping and
list, and every scalar that a rule can judge (:func:`judges`; most scalars are
strings where the schema takes a string, and no rule has anything to say).  ``Fn::If`` is
followed into both branches (a value is judged in each); any other intrinsic
function ends the walk there, because what it resolves to is not known before
deployment.  Types that have no schema here (custom resources, SAM resources
before their transform, modules, types the region does not have) are skipped.
"""

from __future__ import annotations

from functools import partial
from typing import Any, NamedTuple

from autofix.rules.sc._values import fits
from autofix.schema import DEFAULT_REGION, KeyTable, ResourceSchema, resource_schema
from autofix.settings import Settings
from autofix.template import Template, resource_type

Path = tuple[str | int, ...]


class SchemaNode(NamedTuple):
    """One value of a resource's properties and the schema that describes it."""

    logical_id: str
    schema: ResourceSchema
    path: Path
    value: Any
    #: the resolved sub-schema (``{}``: anything goes)
    node: dict[str, Any]
    #: the mapping key this value sits under (None for list items and ``Properties`` itself)
    key: str | None
    #: how deep under ``Properties`` (0 for ``Properties`` itself)
    depth: int

    @property
    def type_name(self) -> str:
        return self.schema.type_name


def region(settings: Settings) -> str:
    return settings.primary_region or DEFAULT_REGION


def skipped_type(type_name: str) -> bool:
    """Types no provider schema describes: custom resources, SAM (before transform), modules."""
    return (type_name.startswith(("Custom::", "AWS::Serverless::"))
            or type_name == "AWS::CloudFormation::CustomResource" or type_name.endswith("::MODULE")
            or not type_name.startswith("AWS::"))


def schemas_of(template: Template, settings: Settings) -> dict[str, ResourceSchema]:
    """Logical id -> schema of each resource whose type has one (loaded once per type and process)."""
    def compute() -> dict[str, ResourceSchema]:
        found = {}
        where = region(settings)
        for logical_id, resource in template.resources.items():
            if not isinstance(resource, dict):
                continue
            type_name = resource_type(resource)
            if not isinstance(type_name, str) or skipped_type(type_name):
                continue
            schema = resource_schema(type_name, where)
            if schema is not None:
                found[logical_id] = schema
        return found

    return _cached(template, ("sc", "schemas", region(settings)), compute)


def judges(schema: ResourceSchema, node: dict[str, Any]) -> bool:
    """Whether an SC rule can judge a scalar value that schema ``node`` describes.

    The rules that read scalars look at ``enum`` (SC002) and at a ``type`` that no scalar fits
    (SC006: the schema wants a mapping or a list); a new rule about scalars adds what it reads here.
    """
    enum = node.get("enum")
    if isinstance(enum, list) and enum:
        return True
    allowed = schema.types(node)
    return bool(allowed) and not fits("", allowed)


def _judged_keys(schema: ResourceSchema, kids: KeyTable) -> KeyTable:
    """Key -> whether a scalar under that key of one object schema (``kids``: its children) is judged."""
    return KeyTable(lambda key: bool(kids[key]) and judges(schema, kids[key]))


def nodes(template: Template, settings: Settings) -> list[SchemaNode]:
    """Every property value of every resource with a schema that an SC rule may judge: mappings, lists
    and the scalars :func:`judges` names, parents before children (a mapping's scalar values before
    the contents of its other values)."""
    return _nodes(template, settings)[0]


def mapping_nodes(template: Template, settings: Settings) -> list[SchemaNode]:
    """The :func:`nodes` whose value is a mapping (what rules about keys read), in the same order."""
    return _nodes(template, settings)[1]


def _nodes(template: Template, settings: Settings) -> tuple[list[SchemaNode], list[SchemaNode]]:
    def compute() -> tuple[list[SchemaNode], list[SchemaNode]]:
        out: list[SchemaNode] = []
        mappings: list[SchemaNode] = []
        for logical_id, schema in schemas_of(template, settings).items():
            resource = template.resources[logical_id]
            props = resource.get("Properties")
            if props is None:
                continue
            _walk(out, mappings, logical_id, schema, ("Resources", logical_id, "Properties"), props, schema.root)
        return out, mappings

    return _cached(template, ("sc", "nodes", region(settings)), compute)


def _walk(out: list[SchemaNode], mappings: list[SchemaNode], logical_id: str, schema: ResourceSchema, path: Path,
          value: Any, node: dict[str, Any]) -> None:
    """Append to ``out`` the nodes of one resource's properties, parents first, and to ``mappings``
    those whose value is a mapping (an explicit stack: resources are walked whole, every template).

    Values whose schema is empty (``{}``: anything goes, e.g. an IAM policy document's insides) are
    left out with their subtrees: every child of such a value is ``{}`` too.
    """
    append, add_mapping = out.append, mappings.append
    make = tuple.__new__  # SchemaNode(...) without the named tuple's Python-level __new__: this loop is hot
    children_of, items_of, fact = schema.children, schema.items, schema.fact
    judge = partial(judges, schema)
    stack: list[tuple[Path, Any, dict[str, Any], str | None, int]] = [(path, value, node, None, 0)]
    pop, push, extend = stack.pop, stack.append, stack.extend
    while stack:
        path, value, node, key, depth = pop()
        if depth > 40 or not node:
            # a value whose schema is empty may be anything, and so may everything inside it (every
            # child of ``{}`` is ``{}``): no SC rule can judge it or its children
            continue
        if isinstance(value, dict):
            if len(value) == 1:
                (name,) = value  # intrinsic_name, inline: this loop sees every value
                if name == "Fn::If":
                    arg = value["Fn::If"]
                    if isinstance(arg, list) and len(arg) == 3:  # both branches, the first one first
                        push(((*path, "Fn::If", 2), arg[2], node, key, depth))
                        push(((*path, "Fn::If", 1), arg[1], node, key, depth))
                    continue
                if name == "Ref" or name == "Condition" or name.startswith("Fn::"):
                    continue  # another intrinsic: what it resolves to is not known here
            found = make(SchemaNode, (logical_id, schema, path, value, node, key, depth))
            append(found)
            add_mapping(found)
            # None: not allowed (SC001 reports it); {}: anything
            kids = children_of(node)
            judged = fact("sc-judged", node, lambda _: _judged_keys(schema, kids))  # noqa: B023 - called at once
            inner = depth + 1
            nested = []
            for k, v in value.items():
                c = kids[k]
                if not c:
                    continue
                if isinstance(v, (dict, list)):
                    nested.append(((*path, k), v, c, k, inner))
                elif inner <= 40 and judged[k]:  # a scalar: its node now, not through the stack
                    append(make(SchemaNode, (logical_id, schema, (*path, k), v, c, k, inner)))
            nested.reverse()
            extend(nested)
        elif isinstance(value, list):
            append(make(SchemaNode, (logical_id, schema, path, value, node, key, depth)))
            items = items_of(node)
            if items:
                extend([((*path, i), value[i], items, None, depth + 1) for i in range(len(value) - 1, -1, -1)])
        elif fact("sc-judges", node, judge):
            append(make(SchemaNode, (logical_id, schema, path, value, node, key, depth)))


def _cached(template: Template, key: Any, compute):
    cached = getattr(template, "cached", None)
    return cached(key, compute) if cached else compute()


def pointer_of(path: Path) -> str:
    from autofix.nodes import join_pointer

    return join_pointer(*path)
