"""Removing a resource together with what refers to it, or saying why that cannot be done.

A resource that cannot deploy (its type does not exist) can only go, but a
``Ref``/``GetAtt``/``Sub`` left pointing at it would be a new error.  This
module plans the removal: the resource, its entries in other resources'
``DependsOn``, and the outputs that reference it.  When anything else refers to
it (another resource's properties, a condition, another resource's metadata),
there is no plan: removing those would change more than the broken resource.
"""

from __future__ import annotations

from typing import Any

from autofix.fixes import FixBuilder
from autofix.intrinsics import references
from autofix.template import Template


def removal_blockers(template: Template, logical_id: str) -> list[str]:
    """Where ``logical_id`` is referenced other than through DependsOn and outputs."""
    found = []
    for other, resource in template.resources.items():
        if other == logical_id or not isinstance(resource, dict):
            continue
        rest = {k: v for k, v in resource.items() if k != "DependsOn"}
        if logical_id in references(rest):
            found.append(f"resource {other}")
    for name, condition in template.conditions.items():
        if logical_id in references(condition):
            found.append(f"condition {name}")
    for key in ("Rules", "Metadata", "Mappings"):
        if logical_id in references(template.section(key)):
            found.append(key)
    return found


def plan_removal(template: Template, fix: FixBuilder, logical_id: str) -> list[str] | None:
    """Add to ``fix`` the removal of ``logical_id`` and its DependsOn entries and outputs.

    Returns what else goes (``["output X", ...]``), or None (nothing added) when the
    resource cannot go cleanly: something else refers to it, or it is the last resource.
    """
    if removal_blockers(template, logical_id):
        return None
    if len(template.resources) <= 1:
        return None
    also: list[str] = []
    outputs = template.section("Outputs")
    gone_outputs = [name for name, out in outputs.items() if logical_id in references(out)]
    if gone_outputs and len(gone_outputs) == len(outputs) and isinstance(template.data.get("Outputs"), dict):
        fix.remove(("Outputs",))
    else:
        for name in gone_outputs:
            fix.remove(("Outputs", name))
    also.extend(f"output {name}" for name in gone_outputs)
    for other, resource in template.resources.items():
        if other == logical_id or not isinstance(resource, dict) or "DependsOn" not in resource:
            continue
        depends: Any = resource["DependsOn"]
        if depends == logical_id:
            fix.remove(("Resources", other, "DependsOn"))
            also.append(f"DependsOn of {other}")
        elif isinstance(depends, list) and logical_id in depends:
            kept = [d for d in depends if d != logical_id]
            if not kept:
                fix.remove(("Resources", other, "DependsOn"))
            else:
                for i in reversed([i for i, d in enumerate(depends) if d == logical_id]):
                    fix.remove(("Resources", other, "DependsOn", i))
            also.append(f"DependsOn of {other}")
    fix.remove(("Resources", logical_id))
    orphans = _orphaned_parameters(template, logical_id, set(gone_outputs))
    if orphans and len(orphans) == len(template.parameters):
        fix.remove(("Parameters",))
    else:
        for name in orphans:
            fix.remove(("Parameters", name))
    also.extend(f"parameter {name}" for name in orphans)
    return also


def _orphaned_parameters(template: Template, logical_id: str, gone_outputs: set[str]) -> list[str]:
    """Parameters only the removed resource (or its removed outputs) used: left, they would be unused.

    A parameter named anywhere else, even as a plain string (the console's parameter groups in
    ``Metadata``), stays.
    """
    used = references(template.resources.get(logical_id))
    candidates = [name for name in template.parameters if name in used]
    if not candidates:
        return []
    rest = {k: v for k, v in template.data.items() if k not in ("Resources", "Outputs", "Parameters")}
    rest["Resources"] = {k: v for k, v in template.resources.items() if k != logical_id}
    rest["Outputs"] = {k: v for k, v in template.section("Outputs").items() if k not in gone_outputs}
    from autofix.intrinsics import strings_in

    elsewhere = references(rest) | set(strings_in(rest))
    return [name for name in candidates if name not in elsewhere]
