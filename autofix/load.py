"""Step 1, load: text -> plain view, with the editable document built only on demand.

Most files need no change, so detection runs on the plain view alone; for
JSON that comes from the C-accelerated ``json`` module.  The positioned
:class:`~autofix.document.TemplateDocument` (needed for line numbers and
edits) is built the first time someone asks for it.
"""

from __future__ import annotations

import json
from functools import cached_property
from typing import Any

from autofix.document import BOM, MAX_DEPTH, TemplateDocument, depth_of, is_template, not_a_template, sniff_format
from autofix.errors import LoadError


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise ValueError("duplicate key")
    return result


class Loaded:
    """A template that parsed: its text, format and plain view; the document is lazy."""

    def __init__(self, text: str, filename: str, fmt: str, data: Any, document: TemplateDocument | None) -> None:
        self.text = text
        self.filename = filename
        self.format = fmt
        self.data = data
        if document is not None:
            self.__dict__["document"] = document

    @cached_property
    def document(self) -> TemplateDocument:
        return TemplateDocument.from_text(self.text, self.filename, fmt=self.format)


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
            return Loaded(text, filename, fmt, doc.data, doc)
        if depth_of(data) > MAX_DEPTH:
            # the positioned reader says where the nesting goes too deep
            TemplateDocument.from_text(text, filename, fmt=fmt)
        if not is_template(data):
            raise not_a_template(data)
        return Loaded(text, filename, fmt, data, None)
    doc = TemplateDocument.from_text(text, filename, fmt=fmt)
    return Loaded(text, filename, fmt, doc.data, doc)
