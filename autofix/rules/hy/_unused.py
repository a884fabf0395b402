"""Which parameters, conditions and mappings nothing in the template uses, the fix removing them, and the
one rule class HY003 (parameters), HY004 (conditions) and HY005 (mappings) are instances of.

The three rules are the same check over a different section: each module ``hy00N_unused_*`` declares
its instance with its own documentation, so every rule is still found by its id in its own module.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from itertools import chain
from typing import Any, NamedTuple

from autofix.context import RuleContext, mappings_in, thaw
from autofix.fixes import FixBuilder
from autofix.intrinsics import references_in
from autofix.nodes import join_pointer
from autofix.rules.base import Applicability, Finding, Rule
from autofix.settings import Settings
from autofix.template import Template

INTERFACE = "AWS::CloudFormation::Interface"


def dynamic_names(ctx: RuleContext) -> bool:
    """Whether names may be built at deploy time (language extensions, Fn::ForEach): then nothing is unused."""
    return ctx.cached("dynamic_names", lambda: _dynamic_names(ctx))  # three rules ask, per template


def _dynamic_names(ctx: RuleContext) -> bool:
    transform = ctx.data.get("Transform")
    transforms = transform if isinstance(transform, list) else [transform]
    if "AWS::LanguageExtensions" in transforms:
        return True
    keys = chain.from_iterable(v for _, v in mappings_in(ctx, ctx.data))
    # every key of the template, joined and searched in C: this runs on every template, ForEach is rare
    return "\0Fn::ForEach" in "\0" + "\0".join(map(str, keys))


class _Uses(NamedTuple):
    """What one part of the template refers to."""

    refs: frozenset[str]  # what Ref, GetAtt and Sub variables name (all branches)
    conditions: frozenset[str]  # Condition keys and Fn::If condition names
    maps: frozenset[str] | None  # Fn::FindInMap map names; None when one is computed at deploy time


#: The keys :func:`_uses` reads; a mapping with none of them uses nothing (most mappings of a template).
_USE_KEYS = frozenset({"Condition", "Fn::If", "Fn::FindInMap", "Ref", "Fn::GetAtt", "Fn::Sub"})


def _uses(ctx: RuleContext, value: Any, pointer: str) -> _Uses:
    nodes = [v for _, v in mappings_in(ctx, value, pointer) if not _USE_KEYS.isdisjoint(v)]
    conditions: set[str] = set()
    maps: set[str] | None = set()
    for v in nodes:
        if isinstance(v.get("Condition"), str):
            conditions.add(v["Condition"])
        arg = v.get("Fn::If")
        if isinstance(arg, list) and arg and isinstance(arg[0], str):
            conditions.add(arg[0])
        if "Fn::FindInMap" in v and maps is not None:
            arg = v["Fn::FindInMap"]
            maps = maps | {arg[0]} if isinstance(arg, list) and arg and isinstance(arg[0], str) else None
    return _Uses(frozenset(references_in(nodes)), frozenset(conditions),
                 None if maps is None else frozenset(maps))


def _section_uses(ctx: RuleContext) -> dict[str, _Uses]:
    """Per top-level section, what it uses; the console's parameter ``AWS::CloudFormation::Interface``
    apart from the rest of ``Metadata`` (naming a parameter there is not using it).  One pass per
    template, shared by the three rules that ask."""
    def compute() -> dict[str, _Uses]:
        out: dict[str, _Uses] = {}
        for key, value in ctx.data.items():
            pointer = join_pointer(key)
            if key == "Metadata" and isinstance(value, dict) and INTERFACE in value:
                out[key] = _uses(ctx, {k: v for k, v in value.items() if k != INTERFACE}, pointer)
                out[INTERFACE] = _uses(ctx, value[INTERFACE], join_pointer(key, INTERFACE))
            else:
                out[key] = _uses(ctx, value, pointer)
        return out

    return ctx.cached("section_uses", compute)


def _named(uses: _Uses) -> frozenset[str]:
    """Every name ``uses`` mentions in any reference, in whichever place: a ``${Map.Key}`` that cannot
    reach a mapping, or a parameter named where a condition goes, is broken, but it still says which
    entry its author meant to use, so that entry is not removed as unused."""
    return uses.refs | uses.conditions | (uses.maps or frozenset())


def unused_parameters(ctx: RuleContext) -> list[str]:
    if ctx.data.get("Transform") or dynamic_names(ctx):
        return []
    used: set[str] = set()
    for key, uses in _section_uses(ctx).items():
        if key not in ("Parameters", INTERFACE):
            used |= _named(uses)
    return [name for name in ctx.parameters if name not in used]


def unused_conditions(ctx: RuleContext) -> list[str]:
    if dynamic_names(ctx):
        return []
    conditions = ctx.conditions
    used: set[str] = set()
    for name, definition in conditions.items():
        used |= _uses(ctx, definition, join_pointer("Conditions", name)).conditions - {name}
    for key, uses in _section_uses(ctx).items():
        if key != "Conditions":
            used |= _named(uses)
    return [name for name in conditions if name not in used]


def unused_mappings(ctx: RuleContext) -> list[str]:
    if dynamic_names(ctx):
        return []
    used: set[str] = set()
    for key, uses in _section_uses(ctx).items():
        if key != "Mappings":
            if uses.maps is None:
                return []  # a map name computed at deploy time: any mapping may be used
            used |= _named(uses)
    return [name for name in ctx.section("Mappings") if name not in used]


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


class UnusedEntry(Rule):
    """Entries of one top-level section that nothing in the template uses, removed in one fix.

    HY003, HY004 and HY005 are instances (see the module docstring); each carries its own ``doc``.
    """

    reads_whole_template = True
    enabled_by_default = True  # each instance resolves a cfn-lint warning: W2001, W8001, W7001

    def __init__(self, *, id: str, name: str, summary: str, cfn_lint: tuple[str, ...],
                 fix_applicability: Applicability, doc: str, section: str, noun: str,
                 unused: Callable[[RuleContext], list[str]], consequence: str = "", caller_note: str = "") -> None:
        """``noun``: one entry of ``section`` in messages; ``unused``: the entries to remove;
        ``consequence``: what a finding adds to "X is not used"; ``caller_note``: what the fix's
        description adds for whoever relies on the entries."""
        self.id, self.name, self.summary, self.cfn_lint = id, name, summary, cfn_lint
        self.fix_applicability, self.doc = fix_applicability, doc
        self.section, self.noun, self.unused = section, noun, unused
        self.consequence, self.caller_note = consequence, caller_note

    def check(self, ctx: RuleContext, settings: Settings) -> Iterator[Finding]:
        section = self.section
        if ctx.data.get(section) == {}:
            if section in settings.emptied_sections:
                # left empty by removals of this run in one round (this rule's and another's): it goes too
                fix = self.fixer(ctx).remove((section,)).build(f"Remove the empty {section} section",
                                                               Applicability.SAFE)
                yield self.finding(join_pointer(section), f"the {section} section is empty", fix=fix)
            # else written empty (cfn-lint accepts it, AWS samples ship it): nothing in it is unused
            return
        unused = self.unused(ctx)
        kept = set(settings.kept_names)
        for name in (n for n in unused if n in kept):
            # an unsafe removal of this run took its last use away: the reviewer decides, in a later run
            yield self.finding(join_pointer(section, name),
                               f"{self.noun} {name} is not used since an unsafe fix of this run removed its last use")
        names = [n for n in unused if n not in kept]
        if not names:
            return
        # One fix removes them all: parameters' Interface entries share lists, which one round edits once.
        assert self.fix_applicability is not None
        fix = removal(ctx, self.fixer(ctx), section, names).build(
            f"Remove unused {self.noun}{'s' if len(names) > 1 else ''} {', '.join(names)}{self.caller_note}",
            self.fix_applicability)
        for name in names:
            yield self.finding(join_pointer(section, name), f"{self.noun} {name} is not used{self.consequence}",
                               fix=fix)
