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

from autofix.errors import LoadError, NotATemplateError
from autofix.limits import MAX_DEPTH
from autofix.nodes import MAP, SCALAR, SEQ, Node

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_STD = "tag:yaml.org,2002:"
_RESOLVER = yaml.resolver.Resolver()
_PLAIN_TYPES = (str, int, float, bool, type(None))


def _error(exc: yaml.YAMLError) -> LoadError:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    message = " ".join((f"invalid YAML: {problem}" + (f" ({context})" if context else "")).split())
    if mark is None:
        return LoadError(message)
    return LoadError(message, line=mark.line + 1, column=mark.column + 1)


def _fail(message: str, ynode: yaml.Node) -> LoadError:
    mark = ynode.start_mark
    return LoadError(f"invalid YAML: {message}", line=mark.line + 1, column=mark.column + 1)


def _short_tag(tag: str) -> str:
    """``tag:yaml.org,2002:python/object`` -> ``!!python/object`` (as the user wrote it)."""
    return "!!" + tag[len(_STD):] if tag.startswith(_STD) else f"!<{tag}>"


def _unsupported(tag: str, ynode: yaml.Node) -> LoadError:
    """Tags that would construct objects (``!!python/...``, ``!!binary``, ``!!set``) are refused, never run."""
    return _fail(f"unsupported tag {_short_tag(tag)} (CloudFormation templates hold only JSON data)", ynode)


class _Builder:
    def __init__(self) -> None:
        self.constructor = yaml.constructor.SafeConstructor()
        self.memo: dict[int, Node] = {}
        self.depth = 0
        self.lines: dict[int, int] = {}  # key offset -> line, for duplicate-key messages

    def scalar(self, ynode: yaml.ScalarNode) -> Any:
        try:
            value = self.constructor.construct_object(ynode, deep=True)
        except yaml.constructor.ConstructorError:
            raise _unsupported(ynode.tag, ynode) from None
        except yaml.YAMLError as exc:
            raise _error(exc) from None
        except (ValueError, TypeError, OverflowError) as exc:
            raise _fail(f"bad scalar {ynode.value[:40]!r}: {exc}", ynode) from None
        if isinstance(value, (_dt.date, _dt.datetime)):
            return value.isoformat()
        if not isinstance(value, _PLAIN_TYPES):
            raise _unsupported(ynode.tag, ynode)
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
        if not isinstance(ynode, yaml.ScalarNode):
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise _fail(f"nesting deeper than {MAX_DEPTH} levels", ynode)
            try:
                return self._build(ynode)
            finally:
                self.depth -= 1
        return self._build(ynode)

    def _build(self, ynode: yaml.Node) -> Node:
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
            raise _unsupported(tag, ynode)
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
                raise _unsupported(tag, ynode)
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
                raise _unsupported(tag, ynode)
            node = Node(MAP, start, end, tag=custom, flow=bool(ynode.flow_style))
            self.memo[id(ynode)] = node
            for knode, vnode in ynode.value:
                key = self.key(knode)
                if key in node.keys:
                    first = node.items[node.keys[key]][0]
                    first_line = ynode_line = knode.start_mark.line + 1
                    first_line = self.lines.get(first.start, first_line)
                    raise LoadError(f"duplicate key {key!r} (first defined on line {first_line})",
                                    line=ynode_line, column=knode.start_mark.column + 1)
                k = Node(SCALAR, knode.start_mark.index, knode.end_mark.index, value=key,
                         style=knode.style or None)
                self.lines[k.start] = knode.start_mark.line + 1
                node.keys[key] = len(node.items)
                node.items.append((k, self.build(vnode)))
        self.memo[id(ynode)] = node
        return node


def _compose(text: str) -> yaml.Node | None:
    """The single document of ``text``; a stream of several documents is not a template."""
    loader = _Loader(text)
    try:
        if not loader.check_node():
            return None
        node = loader.get_node()
        if loader.check_node():
            mark = loader.peek_event().start_mark
            raise NotATemplateError("not a CloudFormation template (a stream of several YAML documents)",
                                    line=mark.line + 1, column=mark.column + 1)
        return node
    finally:
        loader.dispose()


def parse_yaml(text: str) -> Node | None:
    """Parse ``text`` (no BOM) into a positioned tree; ``None`` for an empty document."""
    try:
        ynode = _compose(text)
    except yaml.reader.ReaderError as exc:  # a character YAML forbids: no marks, an offset
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        char = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "\0")
        raise LoadError(f"invalid YAML: character U+{char:04X} is not allowed ({exc.reason})",
                        line=line, column=column) from None
    except yaml.YAMLError as exc:
        raise _error(exc) from None
    except (ValueError, TypeError) as exc:  # libyaml rejects some bytes outright
        raise LoadError(f"invalid YAML: {exc}", line=1, column=1) from None
    except RecursionError:  # the pure-Python composer recurses before libyaml's depth limit
        raise LoadError(f"invalid YAML: nesting deeper than {MAX_DEPTH} levels", line=1, column=1) from None
    if ynode is None:
        return None
    return _Builder().build(ynode)
