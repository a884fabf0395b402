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
import re
from collections.abc import Callable
from typing import Any, ClassVar

import yaml

from autofix.context import FrozenDict, FrozenList
from autofix.errors import LoadError, NotATemplateError
from autofix.limits import MAX_DEPTH, expansion_limit
from autofix.nodes import MAP, SCALAR, SEQ, Node, long_name
from autofix.textindex import position

_SCALAR = yaml.ScalarNode
_PLAIN_TAGS: dict[str, str] = {}


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """libyaml's parser and composer, with plain scalars' implicit tags memoised.

    The composer asks PyYAML's pure-Python resolver for the tag of every scalar, and templates
    repeat the same keys and values; the answer for a plain scalar depends only on its text
    (this loader has no path resolvers).
    """

    def resolve(self, kind: type, value: Any, implicit: tuple[bool, bool]) -> str:
        if kind is _SCALAR and implicit[0]:
            tag = _PLAIN_TAGS.get(value)
            if tag is None:
                if len(_PLAIN_TAGS) >= 1 << 16:  # bounded over a corpus of thousands of files
                    _PLAIN_TAGS.clear()
                tag = _PLAIN_TAGS[value] = super().resolve(kind, value, implicit)
            return tag
        return super().resolve(kind, value, implicit)

    # The composer calls these two around every node, and with no path resolvers PyYAML's versions
    # only return.  This loader has none of its own and takes none added to its base classes
    # (``yaml.add_path_resolver``): a C callable that takes the same arguments and does nothing
    # spares a Python call per node, ``slice(parent, index)`` and ``tuple()``.
    yaml_path_resolvers: ClassVar[dict] = {}
    descend_resolver = slice
    ascend_resolver = tuple


_STD = "tag:yaml.org,2002:"
_STR = _STD + "str"
_RESOLVER = yaml.resolver.Resolver()
_PLAIN_TYPES = (str, int, float, bool, type(None))


def _error(exc: yaml.YAMLError, text: str | None = None) -> LoadError:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    message = " ".join((f"invalid YAML: {problem}" + (f" ({context})" if context else "")).split())
    if mark is None:
        return LoadError(message)
    if text is not None:
        # YAML's own line count also breaks at a lone CR, NEL and U+2028, and past the end of a text
        # without a final newline; the position everyone else uses counts LF, inside the text
        line, column = position(text, min(mark.index, len(text)))
        return LoadError(message, line=line, column=column)
    return LoadError(message, line=mark.line + 1, column=mark.column + 1)


def _fail(message: str, ynode: yaml.Node) -> LoadError:
    mark = ynode.start_mark
    return LoadError(f"invalid YAML: {message}", line=mark.line + 1, column=mark.column + 1)


def _fail_plain(message: str, ynode: yaml.Node) -> LoadError:
    mark = ynode.start_mark
    return LoadError(message, line=mark.line + 1, column=mark.column + 1)


def _short_tag(tag: str) -> str:
    """``tag:yaml.org,2002:python/object`` -> ``!!python/object`` (as the user wrote it)."""
    return "!!" + tag[len(_STD):] if tag.startswith(_STD) else f"!<{tag}>"


def _unsupported(tag: str, ynode: yaml.Node) -> LoadError:
    """Tags that would construct objects (``!!python/...``, ``!!binary``, ``!!set``) are refused, never run."""
    return _fail(f"unsupported tag {_short_tag(tag)} (CloudFormation templates hold only JSON data)", ynode)


def _duplicate(key: str, first: yaml.Node, again: yaml.Node) -> LoadError:
    mark = again.start_mark
    return LoadError(f"duplicate key {key!r} (first defined on line {first.start_mark.line + 1})",
                     line=mark.line + 1, column=mark.column + 1)


def _resolved(ynode: yaml.Node) -> tuple[yaml.Node, str, str | None]:
    """``(node, tag, short-form tag or None)`` with the non-specific tag ``!`` resolved as PyYAML's
    pure-Python loader (cfn-flip's) does; a tag that is neither standard nor short-form is refused."""
    tag = ynode.tag
    if tag == "!":
        if isinstance(ynode, yaml.ScalarNode):
            tag = _RESOLVER.resolve(yaml.ScalarNode, ynode.value, (True, False))
            ynode = yaml.ScalarNode(tag, ynode.value, ynode.start_mark, ynode.end_mark, ynode.style)
        else:
            tag = _STD + ("seq" if isinstance(ynode, yaml.SequenceNode) else "map")
    custom = tag if tag.startswith("!") and not tag.startswith("!!") else None
    if not custom and not tag.startswith(_STD):
        raise _unsupported(tag, ynode)
    return ynode, tag, custom


class _Builder:
    def __init__(self) -> None:
        self.constructor = yaml.constructor.SafeConstructor()
        self.memo: dict[int, Node] = {}
        self.plain_memo: dict[int, Any] = {}
        self.depth = 0

    def scalar(self, ynode: yaml.ScalarNode) -> Any:
        if ynode.tag == _STR:  # most scalars: SafeConstructor would return the text as is
            return ynode.value
        try:
            value = self.constructor.construct_object(ynode, deep=True)
        except yaml.constructor.ConstructorError:
            raise _unsupported(ynode.tag, ynode) from None
        except yaml.YAMLError as exc:
            raise _error(exc) from None
        except (ValueError, TypeError, OverflowError) as exc:
            raise _fail(f"bad scalar {ynode.value[:40]!r}: {exc}", ynode) from None
        except (LookupError, AttributeError):  # PyYAML's constructors index and match without checking
            raise _fail(f"bad scalar {ynode.value[:40]!r}: not a valid {_short_tag(ynode.tag)}", ynode) from None
        if isinstance(value, (_dt.date, _dt.datetime)):
            return value.isoformat()
        if not isinstance(value, _PLAIN_TYPES):
            raise _unsupported(ynode.tag, ynode)
        return value

    def scalar_value(self, ynode: yaml.ScalarNode, custom: str | None) -> Any:
        """A scalar's value: constructed when standard; the raw text under a short-form tag
        (``!GetAtt A.B`` split at its first dot)."""
        if custom is None:
            return self.scalar(ynode)
        if custom == "!GetAtt":
            return ynode.value.split(".", 1)
        return ynode.value

    def key(self, ynode: yaml.Node) -> str:
        if ynode.tag == _STR and ynode.__class__ is _SCALAR:
            return ynode.value  # most keys: a plain string
        if not isinstance(ynode, yaml.ScalarNode) or not ynode.tag.startswith(_STD):
            raise _fail("mapping keys must be plain scalars", ynode)
        value = self.scalar(ynode)
        # json.dumps turns non-string keys into strings; cfn-flip's view depends on it.
        return value if isinstance(value, str) else json.loads(json.dumps({value: 0})).popitem()[0]

    def enter(self, ynode: yaml.Node) -> None:
        """One level deeper (a failed build is discarded whole, so leaving needs no ``finally``)."""
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise _fail(f"nesting deeper than {MAX_DEPTH} levels", ynode)

    def build(self, ynode: yaml.Node) -> Node:
        cached = self.memo.get(id(ynode))
        if cached is not None:
            return cached
        start, end = ynode.start_mark.index, ynode.end_mark.index
        if ynode.tag == _STR and ynode.__class__ is _SCALAR:
            # most nodes: a plain string, built as the general path below builds it, without its calls
            node = Node(SCALAR, start, end, value=ynode.value, style=ynode.style or None)
            self.memo[id(ynode)] = node
            return node
        ynode, tag, custom = _resolved(ynode)
        if isinstance(ynode, yaml.ScalarNode):
            value = self.scalar_value(ynode, custom)
            node = Node(SCALAR, start, end, value=value, tag=custom, style=ynode.style or None)
        elif isinstance(ynode, yaml.SequenceNode):
            if custom is None and tag != _STD + "seq":
                raise _unsupported(tag, ynode)
            node = Node(SEQ, start, end, tag=custom, flow=bool(ynode.flow_style))
            self.memo[id(ynode)] = node
            self.enter(ynode)
            for child in ynode.value:
                item = self.build(child)
                if custom == "!GetAtt" and item.kind == SCALAR:
                    # cfn-flip keeps the raw text of !GetAtt list items, tags and all
                    item = Node(SCALAR, item.start, item.end, value=child.value, style=item.style)
                node.items.append(item)
            self.depth -= 1
        else:
            if custom is None and tag != _STD + "map":
                raise _unsupported(tag, ynode)
            node = Node(MAP, start, end, tag=custom, flow=bool(ynode.flow_style))
            self.memo[id(ynode)] = node
            self.enter(ynode)
            first: dict[str, yaml.Node] = {}
            for knode, vnode in ynode.value:
                key = knode.value if knode.tag == _STR and knode.__class__ is _SCALAR else self.key(knode)
                if key in first:
                    raise _duplicate(key, first[key], knode)
                first[key] = knode
                k = Node(SCALAR, knode.start_mark.index, knode.end_mark.index, value=key,
                         style=knode.style or None)
                node.keys[key] = len(node.items)
                node.items.append((k, self.build(vnode)))
            self.depth -= 1
        self.memo[id(ynode)] = node
        return node

    def plain(self, ynode: yaml.Node) -> Any:
        """``to_plain(self.build(ynode))`` without the positioned tree: what ``check`` reads.

        Step for step :meth:`build` (same traversal, same checks, same first error), but it
        returns plain values, read-only as rules get them (:class:`~autofix.context.FrozenDict`,
        :class:`~autofix.context.FrozenList`: built so here, they need no frozen copy); a node
        reached twice through an alias gives the same value object.  Positions come from the
        graph's marks (:mod:`autofix.locate`) and the tree is built only when a fix needs it.
        """
        if ynode.tag == _STR and ynode.__class__ is _SCALAR:
            return ynode.value  # most values: a plain string, exactly what the general path gives
        key = id(ynode)
        if key in self.plain_memo:
            return self.plain_memo[key]
        ynode, tag, custom = _resolved(ynode)
        value: Any
        if isinstance(ynode, yaml.ScalarNode):
            value = self.scalar_value(ynode, custom)
            if custom == "!GetAtt":
                value = FrozenList(value)  # ``!GetAtt A.B`` read as a list: read-only like every other
        elif isinstance(ynode, yaml.SequenceNode):
            if custom is None and tag != _STD + "seq":
                raise _unsupported(tag, ynode)
            items = []
            self.enter(ynode)
            for child in ynode.value:
                if child.tag == _STR and child.__class__ is _SCALAR:
                    item = child.value  # what self.plain(child) gives, without the call (most items)
                else:
                    item = self.plain(child)
                    if custom == "!GetAtt" and isinstance(child, yaml.ScalarNode):
                        item = child.value  # cfn-flip keeps the raw text of !GetAtt list items
                items.append(item)
            self.depth -= 1
            value = FrozenList(items)
        else:
            if custom is None and tag != _STD + "map":
                raise _unsupported(tag, ynode)
            entries = {}
            self.enter(ynode)
            first: dict[str, yaml.Node] = {}
            for knode, vnode in ynode.value:
                # plain strings, keys and values alike, without a call: what key() and plain() give
                name = knode.value if knode.tag == _STR and knode.__class__ is _SCALAR else self.key(knode)
                if name in first:
                    raise _duplicate(name, first[name], knode)
                first[name] = knode
                entries[name] = (vnode.value if vnode.tag == _STR and vnode.__class__ is _SCALAR
                                 else self.plain(vnode))
            self.depth -= 1
            value = FrozenDict(entries)
        if custom is not None:
            value = FrozenDict({long_name(custom): value})
        self.plain_memo[key] = value
        return value


_ANCHOR = re.compile(r"(?:^|[\s\[{,])&[^\s\[\]{},]", re.MULTILINE)


def may_alias(text: str) -> bool:
    """Whether YAML ``text`` may hold aliases at all: they need an ``&anchor`` (not ``a&b`` in a URL)."""
    return "&" in text and _ANCHOR.search(text) is not None


def _children(ynode: yaml.Node) -> list[yaml.Node]:
    if isinstance(ynode, yaml.SequenceNode):
        return ynode.value
    if isinstance(ynode, yaml.MappingNode):
        return [v for _, v in ynode.value]
    return []


def _measure(root: yaml.Node) -> None:
    """Refuse a graph that is too deep or expands too far through aliases, without expanding it.

    Both builders call it first when the text may hold aliases: the plain view shares a node reached
    twice instead of expanding it, but every reader of that view (a rule's walk, a deep copy) expands
    it.  Heights and expanded sizes are computed once per node (post-order over the alias graph), so
    an alias bomb costs its text, not its expansion.
    """
    limit = expansion_limit(root.end_mark.index)
    height: dict[int, int] = {}
    size: dict[int, int] = {}
    open_: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        ynode, done = stack.pop()
        key = id(ynode)
        kids = _children(ynode)
        if done:
            open_.discard(key)
            size[key] = 1 + sum(size[id(k)] for k in kids)
            height[key] = (1 + max((height[id(k)] for k in kids), default=0)) if not isinstance(
                ynode, yaml.ScalarNode) else 0
            if size[key] > limit:  # the first (innermost) value whose expansion is too large
                raise _fail_plain("document expands to too many values (YAML alias bomb?)", ynode)
            continue
        if key in size:
            continue
        if key in open_:  # LIFO: a node met again while its own subtree is open contains itself
            raise _fail("an alias refers to a node that contains it", ynode)
        open_.add(key)
        stack.append((ynode, True))
        stack.extend((k, False) for k in reversed(kids))
    if height[id(root)] > MAX_DEPTH:
        node = root
        for _ in range(MAX_DEPTH):  # walk down the longest path to the first node too deep
            node = max(_children(node), key=lambda k: height[id(k)])
        raise _fail(f"nesting deeper than {MAX_DEPTH} levels", node)


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


def compose_yaml(text: str) -> yaml.Node | None:
    """libyaml's node graph for ``text`` (no BOM): the C-speed half of :func:`parse_yaml`.

    The fast path inspects this graph (template shape, resource types) before
    deciding whether the positioned tree is worth building.
    """
    try:
        return _compose(text)
    except yaml.reader.ReaderError as exc:  # a character YAML forbids: no marks, an offset
        line, column = position(text, exc.position)
        char = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "\0")
        raise LoadError(f"invalid YAML: character U+{char:04X} is not allowed ({exc.reason})",
                        line=line, column=column) from None
    except yaml.YAMLError as exc:
        raise _error(exc, text) from None
    except (ValueError, TypeError) as exc:  # libyaml rejects some bytes outright
        raise LoadError(" ".join(f"invalid YAML: {exc}".split()), line=1, column=1) from None
    except RecursionError:  # the pure-Python composer recurses before libyaml's depth limit
        raise LoadError(f"invalid YAML: nesting deeper than {MAX_DEPTH} levels", line=1, column=1) from None


def build_yaml(ynode: yaml.Node, aliases: bool = True) -> Node:
    """The positioned tree of a composed graph; ``aliases``: the text may hold some (an alias bomb)."""
    if aliases:
        _measure(ynode)
    return _Builder().build(ynode)


def key_reader() -> Callable[[yaml.Node], str]:
    """A function giving the plain view's key for a mapping key node (raising as the builders do for a
    bad one), for one load: PyYAML's constructor keeps every object it builds, so a builder shared by
    every load would keep every non-string key of every file a long-running process reads."""
    return _Builder().key


def plain_yaml(ynode: yaml.Node, aliases: bool = True) -> Any:
    """The plain view of a composed graph, as :func:`build_yaml` then ``to_plain`` would give it."""
    if aliases:
        _measure(ynode)
    return _Builder().plain(ynode)


def parse_yaml(text: str) -> Node | None:
    """Parse ``text`` (no BOM) into a positioned tree; ``None`` for an empty document."""
    ynode = compose_yaml(text)
    return None if ynode is None else build_yaml(ynode, may_alias(text))
