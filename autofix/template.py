"""Read-only helpers over a template's plain view, shared by rules.

Templates are messy (``Fn::If`` around properties, ``AWS::NoValue``, values
given as parameters), so every accessor here tolerates any shape and returns
something harmless rather than raising.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from autofix.intrinsics import (  # noqa: F401 - re-exported for rules written against this module
    getatt_target,
    if_branches,
    is_no_value,
    ref_target,
    references,
    strings_in,
    walk,
)
from autofix.nodes import join_pointer, split_pointer

#: Sections whose keys share one namespace of logical ids in CloudFormation.
_ID_SECTIONS = ("Resources", "Parameters", "Conditions", "Mappings", "Outputs")


def resource_type(resource: Any) -> str | None:
    """A resource's ``Type`` when it is a string; None otherwise (a tag like ``!Rain::Module``, a typo'd
    mapping): tables of types are looked up with this, never with the raw value, which may be unhashable."""
    kind = resource.get("Type") if isinstance(resource, dict) else None
    return kind if isinstance(kind, str) else None


def properties_owner(pointer: str) -> str | None:
    """The logical id of the resource whose ``Properties`` hold ``pointer`` (``/Resources/X/Properties/...``).

    Rules that scan every mapping of ``Resources`` in one pass work the resource out this way, for the
    few mappings that interest them, rather than scanning resource by resource."""
    path = split_pointer(pointer)
    return path[1] if len(path) >= 3 and path[0] == "Resources" and path[2] == "Properties" else None


def property_values(template: Template, places: Mapping[str, tuple[tuple[str, ...], ...]]
                    ) -> Iterator[tuple[str, tuple[str, ...], Any]]:
    """(logical id, path from the template's root, value) of every property that ``places`` names for a
    resource's type (type -> property paths below ``Properties``; ``*`` stands for every item of a list:
    ``{"AWS::RDS::DBCluster": (("AvailabilityZones", "*"),)}``), in template order.  Paths the template
    does not fill are skipped."""
    for logical_id, resource in template.resources.items():
        kind = resource_type(resource)
        for path in places.get(kind, ()) if kind is not None else ():
            for where, value in _values_at(resource.get("Properties"), path, ("Resources", logical_id, "Properties")):
                yield logical_id, where, value


def _values_at(value: Any, path: tuple[str, ...], where: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], Any]]:
    if not path:
        yield where, value
        return
    head, rest = path[0], path[1:]
    if head == "*":
        if isinstance(value, list):
            for i, item in enumerate(value):
                yield from _values_at(item, rest, (*where, str(i)))
    elif isinstance(value, dict) and head in value:
        yield from _values_at(value[head], rest, (*where, head))


def depends_on_entries(resource: Any) -> list[Any]:
    """A resource's ``DependsOn`` as written, as a list (one name is a list of one; none, an empty list)."""
    value = resource.get("DependsOn") if isinstance(resource, dict) else None
    return [] if value is None else value if isinstance(value, list) else [value]


def depends_on(resource: Any) -> list[str]:
    """The names a resource's ``DependsOn`` lists (entries that are not names left out)."""
    return [v for v in depends_on_entries(resource) if isinstance(v, str)]


def declared_types(data: Any) -> frozenset[str]:
    """Every resource ``Type`` a template's plain view declares as a string."""
    resources = data.get("Resources") if isinstance(data, dict) else None
    if not isinstance(resources, dict):
        return frozenset()
    return frozenset(kind for r in resources.values() if (kind := resource_type(r)) is not None)


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
            if resource_type(resource) in types:
                yield logical_id, resource

    def properties(self, logical_id: str) -> dict[str, Any]:
        resource = self.resources.get(logical_id)
        props = resource.get("Properties") if isinstance(resource, dict) else None
        return props if isinstance(props, dict) else {}

    def type_of(self, logical_id: str) -> str | None:
        return resource_type(self.resources.get(logical_id))

    def is_parameter(self, name: str) -> bool:
        return name in self.parameters

    @property
    def modules(self) -> list[str]:
        """Logical ids of the template's modules: resources whose type ends in ``::MODULE``."""
        return [lid for lid, resource in self.resources.items() if (resource_type(resource) or "").endswith("::MODULE")]

    def declares_resource(self, name: str) -> bool:
        """Whether ``name`` is a resource of the stack: one ``Resources`` declares, or one a module declares.

        A module's resources are referred to as ``<module id><resource id>`` or ``<module id>.<resource id>``
        (``MyModuleMyBucket``, ``MyModule.MyBucket``), ids the template cannot list (they are in the
        module's schema): any longer name that starts with a module's logical id may be one, as cfn-lint
        takes it.  Every check of whether a reference dangles asks here (or :meth:`declares`).
        """
        return name in self.resources or any(name.startswith(m) and name != m for m in self.modules)

    def declares(self, name: str) -> bool:
        """Whether ``Ref`` or a ``Fn::Sub`` variable can name ``name``: a parameter or a resource of the
        stack (:meth:`declares_resource`); pseudo parameters (``AWS::Region``) apart."""
        return name in self.parameters or self.declares_resource(name)

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
