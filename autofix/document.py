"""Template documents: load text, expose the plain view, locate pointers, write back.

A :class:`TemplateDocument` is immutable.  Applying RFC 6902 operations
returns a new document whose text is the old text with only the changed
regions spliced in (see :mod:`autofix.edits`); every other byte, including
comments, quoting, short-form tags, CRLF line endings, a BOM and the final
newline, is kept as it was.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from autofix.errors import LoadError, NotATemplateError
from autofix.jsonsource import parse_json
from autofix.nodes import MAP, ExpansionBudget, Node, resolve, to_plain
from autofix.style import Style, detect_json_style, detect_yaml_style
from autofix.textindex import TextIndex
from autofix.yamlsource import parse_yaml

BOM = "\ufeff"

#: Top-level keys of a CloudFormation template (and of SAM templates).
TEMPLATE_KEYS = frozenset(
    {
        "AWSTemplateFormatVersion",
        "Description",
        "Metadata",
        "Parameters",
        "Rules",
        "Mappings",
        "Conditions",
        "Transform",
        "Resources",
        "Outputs",
        "Hooks",
        "Globals",
    }
)


def sniff_format(text: str) -> str:
    """``json`` when the first significant character opens a JSON object or array."""
    stripped = text.lstrip(BOM + " \t\r\n")
    return "json" if stripped[:1] in ("{", "[") else "yaml"


def decode(data: bytes) -> str:
    """Decode file bytes as UTF-8 (with or without BOM), refusing other encodings clearly."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise LoadError("file is UTF-16 encoded; CloudFormation templates must be UTF-8", line=1, column=1)
    if b"\x00" in data[:8192]:
        raise LoadError("file is binary (contains NUL bytes), not a template", line=1, column=1)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        prefix = data[: exc.start]
        line = prefix.count(b"\n") + 1
        col = len(prefix) - (prefix.rfind(b"\n") + 1) + 1
        raise LoadError(f"invalid UTF-8 (byte 0x{data[exc.start]:02x})", line=line, column=col) from None


#: Text that only CloudFormation templates hold: the version key or a resource type name.
_TEMPLATE_MARK = re.compile(r"AWSTemplateFormatVersion|\b(AWS|Alexa|Custom)::[A-Za-z0-9]+(::[A-Za-z0-9]+)?")


def looks_like_template(text: str) -> bool:
    """Whether text that does not parse was probably meant as a template.

    A directory walk meets broken files of every kind (Helm charts, half-written
    JSON); only those that name a template version or a resource type are
    reported as broken templates, the rest are skipped like any other non-template.
    """
    return _TEMPLATE_MARK.search(text) is not None


def is_template(plain: Any) -> bool:
    """A mapping with a ``Resources`` mapping, or only known top-level template keys."""
    if not isinstance(plain, dict) or not plain:
        return False
    if isinstance(plain.get("Resources"), dict):
        return True
    return "AWSTemplateFormatVersion" in plain and set(plain) <= TEMPLATE_KEYS


@dataclass(frozen=True, eq=False)
class TemplateDocument:
    """One template's text and its positioned tree."""

    text: str  # without the BOM
    format: str  # "json" | "yaml"
    root: Node
    bom: bool = False
    filename: str = "<text>"
    _plain: Any = field(default=None, repr=False)

    # ------------------------------------------------------------ loading

    @classmethod
    def from_text(
        cls, text: str, filename: str = "<text>", *, fmt: str | None = None, require_template: bool = True
    ) -> TemplateDocument:
        """Parse ``text``; raise :class:`LoadError` with a position when it is not a template."""
        bom = text.startswith(BOM)
        body = text[1:] if bom else text
        fmt = fmt or sniff_format(body)
        if body.strip(" \t\r\n") == "":
            raise NotATemplateError("file is empty", line=1, column=1)
        root = parse_json(body) if fmt == "json" else parse_yaml(body)
        return cls.from_root(body, fmt, root, bom, filename, require_template=require_template)

    @classmethod
    def from_root(
        cls, body: str, fmt: str, root: Node | None, bom: bool = False, filename: str = "<text>", *,
        require_template: bool = True,
    ) -> TemplateDocument:
        """A document for an already parsed ``root`` of ``body`` (the text without its BOM)."""
        if root is None:
            raise NotATemplateError("file holds no YAML document (only comments or blank lines)",
                                    line=1, column=1)
        try:
            plain = to_plain(root, ExpansionBudget(10 * len(body) + 10_000))
        except OverflowError as exc:
            raise LoadError(str(exc), line=1, column=1) from None
        except RecursionError:
            raise LoadError("nesting too deep", line=1, column=1) from None
        if require_template and not is_template(plain):
            what = "a mapping" if root.kind == MAP else f"a {type(plain).__name__}"
            raise NotATemplateError(
                f"not a CloudFormation template ({what} without a Resources section)", line=1, column=1
            )
        return cls(body, fmt, root, bom, filename, plain)

    @classmethod
    def from_bytes(cls, data: bytes, filename: str = "<bytes>", **kw: Any) -> TemplateDocument:
        return cls.from_text(decode(data), filename, **kw)

    # ------------------------------------------------------------ views

    @property
    def plain(self) -> Any:
        """The plain view (a fresh deep copy: callers may mutate it)."""
        return copy.deepcopy(self._plain)

    @property
    def data(self) -> Any:
        """The plain view, shared: read-only by convention (detectors read this)."""
        return self._plain

    @cached_property
    def index(self) -> TextIndex:
        return TextIndex(self.text)

    @cached_property
    def style(self) -> Style:
        if self.format == "json":
            return detect_json_style(self.text, self.root, self.index)
        return detect_yaml_style(self.text, self.root, self.index)

    def dumps(self) -> str:
        """The full text, BOM included when the input had one."""
        return (BOM if self.bom else "") + self.text

    def locate(self, pointer: str) -> tuple[int, int]:
        """1-based (line, column) of the value at ``pointer``, or of its nearest existing ancestor.

        For a mapping entry the position is the key's, which is where a reader looks.
        """
        steps, _rest = resolve(self.root, pointer)
        node = steps[-1].node
        parent = steps[-2].node if len(steps) > 1 else None
        start = node.start
        if parent is not None and parent.kind == MAP and parent is not node:
            for key, value in parent.items:
                if value is node:
                    start = key.start
                    break
        return self.index.position(start)

    # ------------------------------------------------------------ editing

    def reparse(self, text: str) -> TemplateDocument:
        """A new document for edited ``text`` in the same format and encoding."""
        return TemplateDocument.from_text(
            (BOM if self.bom else "") + text, self.filename, fmt=self.format, require_template=False
        )

    def apply(self, operations: list[dict]) -> TemplateDocument:
        """Apply RFC 6902 ``operations`` by splicing text; see :func:`autofix.edits.apply_operations`."""
        from autofix.edits import apply_operations

        return apply_operations(self, operations)
