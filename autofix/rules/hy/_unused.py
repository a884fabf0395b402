"""Which parameters, conditions and mappings nothing in the template uses, and the fix removing them."""

from __future__ import annotations

from typing import Any

from autofix.context import context_of, thaw
from autofix.fixes import FixBuilder
from autofix.intrinsics import values
from autofix.rules.hy._refs import any_references
from autofix.template import Template

INTERFACE = "AWS::CloudFormation::Interface"


def dynamic_names(template: Template) -> bool:
    """Whether names may be built at deploy time (language extensions, Fn::ForEach): then nothing is unused."""
    context = context_of(template)
    if context is not None:  # three rules ask, per template
        return context.cached("dynamic_names", lambda: _dynamic_names(template))
    return _dynamic_names(template)


def _dynamic_names(template: Template) -> bool:
    transform = template.data.get("Transform")
    transforms = transform if isinstance(transform, list) else [transform]
    if "AWS::LanguageExtensions" in transforms:
        return True
    return any(isinstance(k, str) and k.startswith("Fn::ForEach") for v in values(template.data)
               if isinstance(v, dict) for k in v)


def _everything_but(template: Template, section: str, skip_interface: bool = False) -> dict[str, Any]:
    out = {k: v for k, v in template.data.items() if k != section}
    if skip_interface and isinstance(out.get("Metadata"), dict):
        out["Metadata"] = {k: v for k, v in out["Metadata"].items() if k != INTERFACE}
    return out


def unused_parameters(template: Template) -> list[str]:
    if template.data.get("Transform") or dynamic_names(template):
        return []
    used = set(any_references(_everything_but(template, "Parameters", skip_interface=True)))
    return [name for name in template.parameters if name not in used]


def unused_conditions(template: Template) -> list[str]:
    if dynamic_names(template):
        return []
    conditions = template.conditions
    used: set[str] = set()
    for name, definition in conditions.items():
        used |= _condition_uses(definition) - {name}
    used |= _condition_uses(_everything_but(template, "Conditions"))
    return [name for name in conditions if name not in used]


def _condition_uses(value: Any) -> set[str]:
    found: set[str] = set()
    for v in values(value):
        if isinstance(v, dict):
            if isinstance(v.get("Condition"), str):
                found.add(v["Condition"])
            arg = v.get("Fn::If")
            if isinstance(arg, list) and arg and isinstance(arg[0], str):
                found.add(arg[0])
    return found


def unused_mappings(template: Template) -> list[str]:
    if dynamic_names(template):
        return []
    used: set[str] = set()
    for v in values(_everything_but(template, "Mappings")):
        if isinstance(v, dict) and "Fn::FindInMap" in v:
            arg = v["Fn::FindInMap"]
            if not (isinstance(arg, list) and arg and isinstance(arg[0], str)):
                return []  # a map name computed at deploy time: any mapping may be used
            used.add(arg[0])
    return [name for name in template.section("Mappings") if name not in used]


def removal(template: Template, fix: FixBuilder, section: str, names: list[str]) -> FixBuilder:
    """Remove ``names`` from ``section`` (the section itself when nothing is left).

    Parameters also leave the console's ``AWS::CloudFormation::Interface`` groups and labels.
    """
    entries = template.section(section)
    if set(entries) <= set(names):
        fix.remove((section,))
    else:
        for name in names:
            fix.remove((section, name))
    if section == "Parameters":
        _clean_interface(template, fix, set(names))
    return fix


def _clean_interface(template: Template, fix: FixBuilder, names: set[str]) -> None:
    metadata = template.data.get("Metadata")
    interface = metadata.get(INTERFACE) if isinstance(metadata, dict) else None
    if not isinstance(interface, dict):
        return
    new = thaw(interface)
    groups = new.get("ParameterGroups")
    if isinstance(groups, list):
        kept = []
        for group in groups:
            if isinstance(group, dict) and isinstance(group.get("Parameters"), list):
                group["Parameters"] = [p for p in group["Parameters"] if p not in names]
                if not group["Parameters"]:
                    continue
            kept.append(group)
        if kept:
            new["ParameterGroups"] = kept
        else:
            del new["ParameterGroups"]
    labels = new.get("ParameterLabels")
    if isinstance(labels, dict):
        for name in names:
            labels.pop(name, None)
        if not labels:
            del new["ParameterLabels"]
    if new == interface:
        return
    if not new:
        if len(metadata) == 1:
            fix.remove(("Metadata",))
        else:
            fix.remove(("Metadata", INTERFACE))
        return
    for key in ("ParameterGroups", "ParameterLabels"):
        if key in interface and key not in new:
            fix.remove(("Metadata", INTERFACE, key))
        elif key in new and new[key] != interface.get(key):
            fix.replace(("Metadata", INTERFACE, key), new[key])
