"""Template documents: load text, expose the plain view, locate pointers, write back.

A :class:`TemplateDocument` is immutable.  Applying RFC 6902 operations
returns a new document whose text is the old text with only the changed
regions spliced in (see :mod:`autofix.edits`); every other byte, including
comments, quoting, short-form tags, CRLF line endings, a BOM and the final
newline, is kept as it was.

An edited JSON text is read back by the C parser of :mod:`json`, which is all
the edit engine's self-check and verification need (the data); the positioned
tree, many times dearer, is built only when a further edit needs positions.
"""

from __future__ import annotations

import copy
import json
from functools import cached_property
from typing import TYPE_CHECKING, Any

from autofix.errors import LoadError, NotATemplateError
from autofix.jsonsource import parse_json
from autofix.limits import MAX_DEPTH, expansion_limit
from autofix.nodes import MAP, ExpansionBudget, Node, resolve, to_plain
from autofix.patterns import lazy_pattern
from autofix.textindex import TextIndex
from autofix.yamlsource import parse_yaml

if TYPE_CHECKING:
    from autofix.style import Style

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


def _utf16_or_32(data: bytes) -> str | None:
    """The name of a UTF-16/32 encoding ``data`` is in (BOM, or ASCII text padded with NULs)."""
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return "UTF-32"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "UTF-16"
    head = data[:512]
    even, odd = head[0::2], head[1::2]
    if len(head) >= 4 and ((odd.count(0) == len(odd) and 0 not in even)
                           or (even.count(0) == len(even) and 0 not in odd)):
        return "UTF-16"
    return None


def decode(data: bytes) -> str:
    """Decode file bytes as UTF-8 (with or without BOM), refusing other encodings clearly."""
    encoding = _utf16_or_32(data)
    if encoding:
        raise LoadError(f"file is {encoding} encoded; CloudFormation templates must be UTF-8",
                        line=1, column=1)
    nul = data.find(b"\x00", 0, 8192)
    if nul >= 0:
        line, col = _byte_position(data, nul)
        raise LoadError("file is binary (contains NUL bytes), not a template", line=line, column=col)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = _byte_position(data, exc.start)
        raise LoadError(f"invalid UTF-8 (byte 0x{data[exc.start]:02x})", line=line, column=col) from None


def _byte_position(data: bytes, offset: int) -> tuple[int, int]:
    """1-based (line, column) of a byte offset; the column counts characters of the valid prefix."""
    start = data.rfind(b"\n", 0, offset) + 1
    line = data.count(b"\n", 0, offset) + 1
    return line, len(data[start:offset].decode("utf-8", errors="replace")) + 1


def not_a_template(plain: Any) -> NotATemplateError:
    """The error for data that parsed but is no template, saying what it is instead."""
    if isinstance(plain, dict):
        what = "a mapping without a Resources section" if plain else "an empty mapping"
    elif isinstance(plain, list):
        what = "a list, not a mapping"
    elif plain is None:
        what = "an empty document"
    else:
        what = f"a lone {'string' if isinstance(plain, str) else 'scalar'}, not a mapping"
    return NotATemplateError(f"not a CloudFormation template ({what})", line=1, column=1)


#: Text that only CloudFormation templates hold: the version key or a resource type name.
_TEMPLATE_MARK = lazy_pattern(r"AWSTemplateFormatVersion|\b(AWS|Alexa|Custom)::[A-Za-z0-9]+(::[A-Za-z0-9]+)?")


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


class TemplateDocument:
    """One template's text and its positioned tree (never changed once built; equal only to itself)."""

    def __init__(self, text: str, fmt: str, root: Node | None, bom: bool = False, filename: str = "<text>",
                 plain: Any = None) -> None:
        self.text = text  # without the BOM
        self.format = fmt  # "json" | "yaml"
        #: None: a JSON document read by the C parser, whose positioned tree is built when first asked for
        self._root = root
        self.bom = bom
        self.filename = filename
        self._plain = plain

    @property
    def root(self) -> Node:
        """The positioned tree (built now for a document read without it)."""
        if self._root is None:
            self._root = parse_json(self.text)
        return self._root

    def __repr__(self) -> str:
        return f"TemplateDocument(filename={self.filename!r}, format={self.format!r}, bom={self.bom!r})"

    # ------------------------------------------------------------ loading

    @classmethod
    def from_text(
        cls, text: str, filename: str = "<text>", *, fmt: str | None = None, require_template: bool = True,
        positioned: bool = True,
    ) -> TemplateDocument:
        """Parse ``text``; raise :class:`LoadError` with a position when it is not a template.

        ``positioned=False`` reads JSON with the C parser and builds the positioned tree only when
        it is asked for (YAML is always read positioned: its fast reader saves little).
        """
        bom = text.startswith(BOM)
        body = text[1:] if bom else text
        fmt = fmt or sniff_format(body)
        if body.strip(" \t\r\n") == "":
            raise NotATemplateError("file is empty", line=1, column=1)
        if fmt == "json" and not positioned:
            plain = _json_plain(body)
            if plain is not None:
                if require_template and not is_template(plain):
                    raise not_a_template(plain)
                return cls(body, fmt, None, bom, filename, plain)
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
            plain = to_plain(root, ExpansionBudget(expansion_limit(len(body))))
        except OverflowError as exc:
            raise LoadError(str(exc), line=1, column=1) from None
        except RecursionError:  # pragma: no cover - the readers bound the depth first
            raise LoadError(f"nesting deeper than {MAX_DEPTH} levels", line=1, column=1) from None
        if require_template and not is_template(plain):
            raise not_a_template(plain)
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
        from autofix.style import detect_json_style, detect_yaml_style  # what edits need; check never does

        if self.format == "json":
            return detect_json_style(self.text, self.root, self.index)
        return detect_yaml_style(self.text, self.root, self.index)

    def dumps(self) -> str:
        """The full text, BOM included when the input had one."""
        return (BOM if self.bom else "") + self.text

    def locate(self, pointer: str) -> tuple[int, int]:
        """1-based (line, column) of the value at ``pointer``, or of its nearest existing ancestor.

        For a mapping entry the position is the key's, which is where a reader looks.  A document
        read without its positioned tree answers from the text (the same answer, see
        :mod:`autofix.locate`) rather than build the tree for a few positions.
        """
        if self._root is None:
            from autofix.locate import json_offset

            return self.index.position(json_offset(self.text, pointer))
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
        """A new document for edited ``text`` in the same format and encoding (JSON: its positioned tree
        is built when an edit needs it)."""
        return TemplateDocument.from_text(
            (BOM if self.bom else "") + text, self.filename, fmt=self.format, require_template=False,
            positioned=False,
        )


def _json_plain(body: str) -> Any:
    """The plain view of JSON text by the C parser, or None where only the positioned reader can say
    what is wrong (the same data where both read it: :func:`json.loads` semantics, duplicate keys refused)."""
    try:
        return json.loads(body, object_pairs_hook=_unique_keys)
    except (ValueError, RecursionError):
        return None


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A plain dict, as the positioned reader's plain view has (rules see a read-only view of it)."""
    result = dict(pairs)
    if len(result) != len(pairs):
        raise ValueError("duplicate key")
    return result
