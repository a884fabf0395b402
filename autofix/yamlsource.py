"""Positioned YAML reader built on PyYAML's composer.

PyYAML (libyaml when available) composes a node graph whose marks give the
character offset of every value; that is all the splicing writer needs, and it
is many times faster than a round-trip loader.  Scalars are constructed with
YAML 1.1 safe semantics, as ``cfn_flip`` does, so the plain view matches
``cfn_flip.to_json`` (timestamps become ISO strings, keys become strings).
Nothing is ever constructed from a ``!!python/...`` tag.
"""

from __future__ import annotations

import datetime as _dt
import json
from typing import Any

import yaml

from autofix.errors import LoadError
from autofix.nodes import MAP, SCALAR, SEQ, Node

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_STD = "tag:yaml.org,2002:"
_STR = _STD + "str"
_RESOLVER = yaml.resolver.Resolver()
_PLAIN_TYPES = (str, int, float, bool, type(None))


def _error(exc: yaml.YAMLError) -> LoadError:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    message = f"invalid YAML: {problem}" + (f" ({context})" if context else "")
    if mark is None:
        return LoadError(message)
    return LoadError(message, line=mark.line + 1, column=mark.column + 1)


def _fail(message: str, ynode: yaml.Node) -> LoadError:
    mark = ynode.start_mark
    return LoadError(message, line=mark.line + 1, column=mark.column + 1)


class _Builder:
    def __init__(self) -> None:
        self.constructor = yaml.constructor.SafeConstructor()
        self.memo: dict[int, Node] = {}

    def scalar(self, ynode: yaml.ScalarNode) -> Any:
        if ynode.tag == _STR:  # most scalars: SafeConstructor would return the text as is
            return ynode.value
        try:
            value = self.constructor.construct_object(ynode, deep=True)
        except yaml.YAMLError as exc:
            raise _error(exc) from None
        except (ValueError, TypeError) as exc:
            raise _fail(f"invalid YAML scalar: {exc}", ynode) from None
        if isinstance(value, (_dt.date, _dt.datetime)):
            return value.isoformat()
        if not isinstance(value, _PLAIN_TYPES):
            raise _fail(f"unsupported YAML value of type {type(value).__name__} (tag {ynode.tag})", ynode)
        return value

    def key(self, ynode: yaml.Node) -> str:
        if not isinstance(ynode, yaml.ScalarNode) or not ynode.tag.startswith(_STD):
            raise _fail("mapping keys must be plain scalars", ynode)
        value = self.scalar(ynode)
        # json.dumps turns non-string keys into strings; cfn-flip's view depends on it.
        return value if isinstance(value, str) else json.loads(json.dumps({value: 0})).popitem()[0]

    def build(self, ynode: yaml.Node) -> Node:
        cached = self.memo.get(id(ynode))
        if cached is not None:
            return cached
        start, end = ynode.start_mark.index, ynode.end_mark.index
        tag = ynode.tag
        if tag == "!":  # the non-specific tag: resolved as PyYAML's pure-Python loader (cfn-flip's) does
            if isinstance(ynode, yaml.ScalarNode):
                tag = _RESOLVER.resolve(yaml.ScalarNode, ynode.value, (True, False))
                ynode = yaml.ScalarNode(tag, ynode.value, ynode.start_mark, ynode.end_mark, ynode.style)
            else:
                tag = _STD + ("seq" if isinstance(ynode, yaml.SequenceNode) else "map")
        custom = tag if tag.startswith("!") and not tag.startswith("!!") else None
        if not custom and not tag.startswith(_STD):
            raise _fail(f"unsupported YAML tag {tag}", ynode)
        if isinstance(ynode, yaml.ScalarNode):
            if custom is None:
                value = self.scalar(ynode)
            elif custom == "!GetAtt":
                value = ynode.value.split(".", 1)
            else:
                value = ynode.value
            node = Node(SCALAR, start, end, value=value, tag=custom, style=ynode.style or None)
        elif isinstance(ynode, yaml.SequenceNode):
            if custom is None and tag != _STD + "seq":
                raise _fail(f"unsupported YAML tag {tag}", ynode)
            node = Node(SEQ, start, end, tag=custom, flow=bool(ynode.flow_style))
            self.memo[id(ynode)] = node
            for child in ynode.value:
                item = self.build(child)
                if custom == "!GetAtt" and item.kind == SCALAR:
                    # cfn-flip keeps the raw text of !GetAtt list items, tags and all
                    item = Node(SCALAR, item.start, item.end, value=child.value, style=item.style)
                node.items.append(item)
        else:
            if custom is None and tag != _STD + "map":
                raise _fail(f"unsupported YAML tag {tag}", ynode)
            node = Node(MAP, start, end, tag=custom, flow=bool(ynode.flow_style))
            self.memo[id(ynode)] = node
            for knode, vnode in ynode.value:
                key = self.key(knode)
                if key in node.keys:
                    raise _fail(f"duplicate key {key!r}", knode)
                k = Node(SCALAR, knode.start_mark.index, knode.end_mark.index, value=key,
                         style=knode.style or None)
                node.keys[key] = len(node.items)
                node.items.append((k, self.build(vnode)))
        self.memo[id(ynode)] = node
        return node

    def validate(self, root: yaml.Node) -> None:
        """Raise what :meth:`build` would raise for ``root``, without building anything.

        Files no rule can touch skip the positioned tree but are still refused
        for the same faults (bad tags, bad scalars, duplicate or non-scalar keys);
        when a file has several, the first one reported may differ.
        """
        seen: set[int] = set()
        stack = [root]
        while stack:
            ynode = stack.pop()
            if id(ynode) in seen:
                continue
            seen.add(id(ynode))
            tag = ynode.tag
            if tag == "!" and isinstance(ynode, yaml.ScalarNode):
                tag = _RESOLVER.resolve(yaml.ScalarNode, ynode.value, (True, False))
                ynode = yaml.ScalarNode(tag, ynode.value, ynode.start_mark, ynode.end_mark, ynode.style)
            elif tag == "!":
                tag = _STD + ("seq" if isinstance(ynode, yaml.SequenceNode) else "map")
            custom = tag.startswith("!") and not tag.startswith("!!")
            if not custom and not tag.startswith(_STD):
                raise _fail(f"unsupported YAML tag {tag}", ynode)
            if isinstance(ynode, yaml.ScalarNode):
                if not custom and tag != _STR:
                    self.scalar(ynode)
            elif isinstance(ynode, yaml.SequenceNode):
                if not custom and tag != _STD + "seq":
                    raise _fail(f"unsupported YAML tag {tag}", ynode)
                stack.extend(reversed(ynode.value))
            else:
                if not custom and tag != _STD + "map":
                    raise _fail(f"unsupported YAML tag {tag}", ynode)
                keys: set[str] = set()
                for knode, _ in ynode.value:
                    plain = knode.tag == _STR and isinstance(knode, yaml.ScalarNode)
                    key = knode.value if plain else self.key(knode)
                    if key in keys:
                        raise _fail(f"duplicate key {key!r}", knode)
                    keys.add(key)
                stack.extend(v for _, v in reversed(ynode.value))


def compose_yaml(text: str) -> yaml.Node | None:
    """libyaml's node graph for ``text`` (no BOM): the C-speed half of :func:`parse_yaml`.

    The fast path inspects this graph (template shape, resource types) before
    deciding whether the positioned tree is worth building.
    """
    try:
        return yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        raise _error(exc) from None
    except (ValueError, TypeError) as exc:  # libyaml rejects some bytes outright
        raise LoadError(f"invalid YAML: {exc}") from None


def build_yaml(ynode: yaml.Node) -> Node:
    """The positioned tree of a composed graph."""
    try:
        return _Builder().build(ynode)
    except RecursionError:
        raise LoadError("invalid YAML: nesting too deep", line=1, column=1) from None


def validate_yaml(ynode: yaml.Node) -> None:
    """Raise the :class:`LoadError` that :func:`build_yaml` would raise, at a fraction of its cost."""
    _Builder().validate(ynode)


def parse_yaml(text: str) -> Node | None:
    """Parse ``text`` (no BOM) into a positioned tree; ``None`` for an empty document."""
    ynode = compose_yaml(text)
    return None if ynode is None else build_yaml(ynode)
