"""Naming a resource instead of referring to it, where a stack does not create it.

In the two-region layout a resource can exist in one region's stack only (a replica bucket in the
secondary region, a global table or cluster in the primary region), while the other stack still needs
it: the primary replicates to the secondary's bucket, the secondary's cluster joins the primary's
global cluster.  A ``Ref``/``Fn::GetAtt``/``${X}`` to a resource the stack does not create fails the
stack, so such references become the resource's name or ARN, built from the name both regions compute
alike.  DR008 (a replica moved to the secondary region) and the layout's own completion (a resource
moved to the primary region) both rewrite references through :func:`substitute`.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Any

from autofix.fixes import FixBuilder
from autofix.intrinsics import getatt_target, parse_sub, ref_target, sub_substitute
from autofix.template import Template

#: The ARN of a resource of each type, as ``Fn::Sub`` text before its name.
_ARN_PREFIX = {
    "AWS::S3::Bucket": "arn:${AWS::Partition}:s3:::",
    "AWS::DynamoDB::GlobalTable": "arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/",
    "AWS::RDS::GlobalCluster": "arn:${AWS::Partition}:rds::${AWS::AccountId}:global-cluster:",
}


def arn_text(kind: str, name: str) -> str | None:
    """The ``Fn::Sub`` text of the ARN of a ``kind`` resource named ``name`` (None: not known for the type)."""
    prefix = _ARN_PREFIX.get(kind)
    return None if prefix is None else prefix + name


def _as_value(text: str) -> Any:
    return {"Fn::Sub": text} if "${" in text else text


class Substituted:
    """The result of :func:`substitute`: the new value, and the first reference that could not be named."""

    def __init__(self, value: Any, failed: str | None) -> None:
        self.value = value
        self.failed = failed


def substitute(value: Any, logical_id: str, kind: str, name: str) -> Substituted:
    """``value`` with every reference to ``logical_id`` (a ``kind`` resource named by ``Fn::Sub`` text ``name``)
    written as its name (``Ref``, ``${X}``) or ARN (``!GetAtt X.Arn``, ``${X.Arn}``); any other attribute cannot
    be named, and is reported in :attr:`Substituted.failed` (the value keeps it)."""
    failed: list[str] = []

    def walk(node: Any) -> Any:
        if ref_target(node) == logical_id:
            return _as_value(name)
        target = getatt_target(node)
        if target and target[0] == logical_id:
            arn = arn_text(kind, name) if target[1] == "Arn" else None
            if arn is None:
                failed.append(f"!GetAtt {logical_id}.{target[1]}")
                return node
            return _as_value(arn)
        sub = parse_sub(node)
        if sub is not None:
            replacements: dict[str, str] = {}
            for variable in sub.outside():
                if variable == logical_id:
                    replacements[variable] = name
                elif variable.split(".", 1)[0] == logical_id:
                    arn = arn_text(kind, name) if variable == f"{logical_id}.Arn" else None
                    if arn is None:
                        failed.append(f"${{{variable}}}")
                    else:
                        replacements[variable] = arn
            local = {k: walk(v) for k, v in sub.local.items()}
            if not replacements and local == sub.local:
                return node
            text = sub_substitute(sub.text, replacements)
            return {"Fn::Sub": [text, local] if sub.local else text}
        if isinstance(node, dict):
            return {k: walk(v) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    new = walk(value)
    return Substituted(new, failed[0] if failed else None)


def rewrite_written(value: Any, old: str, new: str) -> Any:
    """``value`` with the name ``old`` (``Fn::Sub`` text) written as ``new`` wherever it is written as text: the
    name itself, or an ARN ending in it (``arn:aws:s3:::<old>/*``), in a string or an ``Fn::Sub`` text.  A renamed
    resource is still named so by what wrote its old name out (a replication destination, a policy's resource)."""
    written = re.compile(r"(^|[:/])" + re.escape(old) + r"(?=$|/)")

    def rewrite(text: str) -> str:
        return written.sub(lambda m: m.group(1) + new, text)

    def walk(node: Any) -> Any:
        sub = parse_sub(node)
        if sub is not None:
            text = rewrite(sub.text)
            local = {k: walk(v) for k, v in sub.local.items()}
            if text == sub.text and local == sub.local:
                return node
            return {"Fn::Sub": [text, local] if sub.local else text}
        if isinstance(node, str):
            text = rewrite(node) if "${" not in old else node
            return node if text == node else _as_value(text)
        if isinstance(node, dict):
            return {k: walk(v) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    return walk(value)


def refer_to(value: Any, old: str, new: str) -> Any:
    """``value`` with every reference to resource ``old`` (``Ref``, ``Fn::GetAtt``, ``${old}``, ``${old.Attr}``)
    made to resource ``new`` instead, attribute kept (the replica of a bucket has the bucket's attributes)."""
    if ref_target(value) == old:
        return {"Ref": new}
    target = getatt_target(value)
    if target and target[0] == old:
        return {"Fn::GetAtt": [new, target[1]]}
    sub = parse_sub(value)
    if sub is not None:
        replacements = {v: new + v[len(old):] for v in sub.outside() if v.split(".", 1)[0] == old}
        local = {k: refer_to(v, old, new) for k, v in sub.local.items()}
        if not replacements and local == sub.local:
            return value
        text = sub_substitute(sub.text, {v: "${" + r + "}" for v, r in replacements.items()})
        return {"Fn::Sub": [text, local] if sub.local else text}
    if isinstance(value, dict):
        return {k: refer_to(v, old, new) for k, v in value.items()}
    if isinstance(value, list):
        return [refer_to(v, old, new) for v in value]
    return value


def replace_changes(fix: FixBuilder, path: tuple[str | int, ...], old: Any, new: Any) -> None:
    """Replace ``old`` at ``path`` by ``new`` at the deepest places where they differ (the rest of the text,
    quoting and comments included, stays as written)."""
    if old == new:
        return
    if isinstance(old, dict) and isinstance(new, dict) and old.keys() == new.keys() and not (
            len(old) == 1 and (next(iter(old)) in ("Ref", "Fn::Sub", "Fn::GetAtt"))):
        for key in old:
            replace_changes(fix, (*path, key), old[key], new[key])
        return
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        for i, (a, b) in enumerate(zip(old, new, strict=True)):
            replace_changes(fix, (*path, i), a, b)
        return
    fix.replace(path, new)


def name_everywhere(template: Template, fix: FixBuilder, target: str, kind: str, name: str,
                    skip: Collection[tuple[str, ...]] = (), written: str | None = None) -> str | None:
    """Name ``target`` (a ``kind`` resource that the stacks referring to it no longer create) by its name or ARN
    wherever the template refers to it: resources and outputs, except ``target`` itself and the property paths in
    ``skip`` (``("Resources", X, "Properties", P)``); ``DependsOn`` entries on it are dropped.  Returns the first
    reference that cannot be named (nothing is then worth applying), else None.  ``written``: the target's old
    name, rewritten to ``name`` where it is written as text (:func:`rewrite_written`)."""
    failed = None
    for section in ("Resources", "Outputs"):
        for logical_id, value in template.section(section).items():
            if logical_id == target or not isinstance(value, dict):
                continue
            for key, item in value.items():
                path = (section, logical_id, key)
                if key == "DependsOn":
                    entries = item if isinstance(item, list) else [item]
                    kept = [d for d in entries if d != target]
                    if len(kept) != len(entries):
                        (fix.replace(path, kept) if kept else fix.remove(path))
                    continue
                if section == "Resources" and key == "Properties" and isinstance(item, dict):
                    parts = [((*path, prop), prop_value) for prop, prop_value in item.items()
                             if (*path, prop) not in skip]
                else:
                    parts = [(path, item)]
                for where, old in parts:
                    named = substitute(old, target, kind, name)
                    failed = failed or named.failed
                    new = named.value if written is None else rewrite_written(named.value, written, name)
                    replace_changes(fix, where, old, new)
    return failed
