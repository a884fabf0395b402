"""Step 1, load: text -> a fast view (template or not, resource types), the rest on demand.

Most files need no change, and most cannot even interest a rule, so loading
happens in layers and each is paid for only when needed:

1. the C-accelerated parse: ``json.loads`` for JSON, libyaml's node graph for
   YAML.  It settles whether the text parses, whether it is a template, and
   which resource types it declares;
2. the plain view (what rules read): free for JSON, built from the node graph
   for YAML;
3. the positioned :class:`~autofix.document.TemplateDocument` (line numbers and
   edits), built the first time someone asks for it.

When no selected rule can fire on the declared resource types (see
:attr:`autofix.rules.base.Rule.resource_types`), layers 2 and 3 are never built;
a YAML file is still checked for the faults the positioned reader refuses.
"""

from __future__ import annotations

import json
from functools import cached_property
from typing import Any

import yaml

from autofix.context import FrozenDict, RuleContext, SharedWalk, shared_walk
from autofix.document import (
    BOM,
    TEMPLATE_KEYS,
    TemplateDocument,
    is_template,
    not_a_template,
    sniff_format,
)
from autofix.errors import LoadError, NotATemplateError
from autofix.limits import MAX_DEPTH
from autofix.locate import Locator, custom_tag
from autofix.template import declared_types
from autofix.yamlsource import build_yaml, compose_yaml, key_reader, may_alias, plain_yaml

_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = FrozenDict(pairs)  # read-only already: rules read JSON data as parsed
    if len(result) != len(pairs):
        raise ValueError("duplicate key")
    return result


def _plain_key(node: yaml.Node) -> str | None:
    """A mapping key's text when it is a plain string (the only keys the quick checks trust)."""
    return node.value if isinstance(node, yaml.ScalarNode) and node.tag == _STR else None


def _yaml_top(root: yaml.Node) -> dict[str, yaml.Node] | None:
    """The top-level entries of a plain YAML mapping, or None when the graph needs the full reader."""
    if not isinstance(root, yaml.MappingNode) or root.tag != _MAP:
        return None
    top: dict[str, yaml.Node] = {}
    for knode, vnode in root.value:
        key = _plain_key(knode)
        if key is None or key in top:
            return None
        top[key] = vnode
    return top


def _yaml_is_template(top: dict[str, yaml.Node]) -> bool:
    """:func:`~autofix.document.is_template` on the node graph (a custom tag makes a mapping too)."""
    resources = top.get("Resources")
    if resources is not None and (isinstance(resources, yaml.MappingNode) or custom_tag(resources) is not None):
        return True
    return bool(top) and "AWSTemplateFormatVersion" in top and set(top) <= TEMPLATE_KEYS


def _yaml_resource_types(top: dict[str, yaml.Node]) -> frozenset[str] | None:
    """Every resource's ``Type`` when all are plain strings; None when the graph cannot tell."""
    resources = top.get("Resources")
    if resources is None:
        return frozenset()
    if not isinstance(resources, yaml.MappingNode) or resources.tag != _MAP:
        return None
    types = set()
    for _, body in resources.value:
        if not isinstance(body, yaml.MappingNode) or body.tag != _MAP:
            return None
        kind = next((v for k, v in body.value if _plain_key(k) == "Type"), None)
        if kind is None:
            continue
        if not isinstance(kind, yaml.ScalarNode) or kind.tag != _STR:
            return None
        types.add(kind.value)
    return frozenset(types)


class Loaded:
    """A template that parsed: its text, format and resource types; plain view and document are lazy."""

    def __init__(self, text: str, filename: str, fmt: str, *, data: Any = None, graph: yaml.Node | None = None,
                 document: TemplateDocument | None = None,
                 resource_types: frozenset[str] | None = None) -> None:
        self.text = text
        self.filename = filename
        self.format = fmt
        #: The ``Type`` of every resource; None when only the full reader can tell.
        self.resource_types = resource_types
        self._graph = graph
        #: whether :attr:`data` is read-only all the way down (rules can read it without a frozen copy)
        self._read_only = False
        #: JSON data from the quick parse; its depth is checked once a rule is about to read it
        self._json = data
        self._walk: SharedWalk | None = None  # the rules' shared walk, when loading made it (JSON)
        if document is not None:
            self.__dict__["document"] = document
            self.__dict__["data"] = document.data

    @cached_property
    def document(self) -> TemplateDocument:
        if self._graph is not None:
            body = self._body
            return TemplateDocument.from_root(body, self.format, build_yaml(self._graph, may_alias(body)),
                                              self.text.startswith(BOM), self.filename)
        return TemplateDocument.from_text(self.text, self.filename, fmt=self.format)

    @cached_property
    def data(self) -> Any:
        """The plain view (read-only by convention).

        Deep JSON is refused here, when the data is about to reach the rules, rather than at
        load: files no rule reads are never walked.  YAML's plain view is built straight from
        the graph, with the same checks as the positioned tree, which only fixes need.
        """
        if "document" in self.__dict__:
            return self.document.data
        if self._json is not None:
            # JSON's mappings are read-only from the parse; the rules' shared walk freezes its lists
            # and measures its depth on the way
            walked = shared_walk(self._json, freeze_lists=True, max_depth=MAX_DEPTH)
            if walked is None:
                return self.document.data  # the positioned reader says where the nesting goes too deep
            self._walk = walked
            self._read_only = True
            return self._json
        if self._graph is not None:
            self._read_only = True
            return plain_yaml(self._graph, may_alias(self._body))
        return self.document.data

    def context(self) -> RuleContext:
        """What rules read: the plain view, read-only (YAML's plain view is built read-only; any other
        is frozen here, a copy)."""
        data = self.data
        return RuleContext(data, frozen=self._read_only, walk=self._walk)

    @property
    def _body(self) -> str:
        return self.text[1:] if self.text.startswith(BOM) else self.text

    def locate(self, pointer: str) -> tuple[int, int]:
        """1-based (line, column) of ``pointer``, as :meth:`TemplateDocument.locate` gives it, without
        building the positioned tree when it does not exist yet."""
        if "document" in self.__dict__:
            return self.document.locate(pointer)
        if self.__dict__.get("_locator") is None:
            self.data  # noqa: B018 - the plain view's checks (depth, tags) come first
            if "document" in self.__dict__:
                return self.document.locate(pointer)
            self._locator = Locator(self._body, self._graph, key_reader() if self._graph is not None else None)
        return self._locator.locate(pointer)

    def validate(self) -> None:
        """Raise the :class:`LoadError` the full reader would, for a file no rule reads.

        The plain view makes exactly the positioned reader's checks (the depth of JSON, YAML's tags,
        scalars, keys and aliases, the first fault first), so it is built, and dropped by the caller.
        """
        self.data  # noqa: B018


def load_text(text: str, filename: str = "<text>", *, max_bytes: int | None = None) -> Loaded:
    """Parse ``text`` as a template or raise :class:`LoadError` (with line and column where known)."""
    if max_bytes is not None and len(text) > max_bytes and len(text.encode("utf-8", "surrogatepass")) > max_bytes:
        raise LoadError(f"file is larger than the limit of {max_bytes} bytes (--max-bytes)")
    body = text[1:] if text.startswith(BOM) else text
    fmt = sniff_format(body)
    if fmt == "json":
        try:
            data = json.loads(body, object_pairs_hook=_no_duplicates)
        except (ValueError, RecursionError):
            # the positioned reader says where and why
            doc = TemplateDocument.from_text(text, filename, fmt=fmt)
            return Loaded(text, filename, fmt, document=doc, resource_types=declared_types(doc.data))
        if not is_template(data):
            raise not_a_template(data)
        return Loaded(text, filename, fmt, data=data, resource_types=declared_types(data))
    if body.strip(" \t\r\n") == "":
        raise NotATemplateError("file is empty", line=1, column=1)
    graph = compose_yaml(body)
    top = _yaml_top(graph) if graph is not None else None
    if top is None:  # unusual shapes: let the full reader decide (and word the error)
        doc = TemplateDocument.from_text(text, filename, fmt=fmt)
        return Loaded(text, filename, fmt, document=doc, resource_types=declared_types(doc.data))
    if not _yaml_is_template(top):
        # a broken non-template is an error, not a silent skip; a sound one is told what it is
        raise not_a_template(plain_yaml(graph, may_alias(body)))
    return Loaded(text, filename, fmt, graph=graph, resource_types=_yaml_resource_types(top))
