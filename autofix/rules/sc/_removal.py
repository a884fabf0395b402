"""Removing a resource together with what refers to it, or saying why that cannot be done.

A resource that cannot deploy (its type does not exist) can only go, but a
``Ref``/``GetAtt``/``Sub`` left pointing at it would be a new error.  This
module plans the removal: the resource, its entries in other resources'
``DependsOn``, and the outputs that reference it.  Parameters only the resource
used stay: the removal is unsafe, and what the resource was meant to do may come
back in another form that needs them (the fix loop keeps the unused-entry rules
from removing them in the same run).  When anything else refers to
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
    return also

