"""Escaping of untrusted values for every output format, in one place.

Template values (resource names, domains, parameter defaults), file names and the
messages that quote them are untrusted: a template may hold an ANSI escape that
retitles or clears the terminal, a carriage return or newline that forges a line
such as ``other.yaml:1:1: DR001 ...`` for a CI log parser, or a Unicode bidi
override that shows text in another order than it is read.

:func:`visible` turns every such character into a visible escape (``\\e``, ``\\n``,
``\\x07``, ``\\u202e``...), so a value never starts a new output line and never
reaches the terminal as a control.  Every format goes through it: ``text`` and
``github`` escape each value they print; ``json`` and ``sarif`` write through
:func:`dumps`, which keeps the document valid JSON (``json`` already escapes C0
controls) and writes the remaining invisible characters as ``\\uXXXX`` escapes,
so parsing gives back the original strings.
"""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Any

#: Unicode categories escaped by :func:`visible`: controls (C0, DEL, C1), format characters (bidi
#: embeddings, overrides and isolates, zero-width characters, the BOM), line and paragraph separators,
#: lone surrogates and unassigned code points (a newer terminal may give them a meaning).
UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Cn"})

_SHORT = {"\x1b": "\\e", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\x00": "\\0"}


def _escape_char(char: str) -> str:
    short = _SHORT.get(char)
    if short is not None:
        return short
    code = ord(char)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def unsafe(char: str) -> bool:
    """Whether ``char`` must not reach an output stream as itself."""
    return unicodedata.category(char) in UNSAFE_CATEGORIES


def visible(value: object, keep: str = "") -> str:
    """``str(value)`` with every control, format, separator, surrogate or unassigned character escaped.

    The result is a single line of printable text (spaces included); other text is unchanged.
    ``keep`` names characters the caller escapes itself (the github format percent-encodes CR and LF).
    """
    text = value if isinstance(value, str) else str(value)
    if text.isprintable():  # the common case: nothing to do (isprintable is False for all of the above)
        return text
    return "".join(_escape_char(c) if unsafe(c) and c not in keep else c for c in text)


_JSON_UNSAFE = re.compile(r"[^\x00-\x7e]")


def _json_escape(match: re.Match[str]) -> str:
    char = match.group()
    if not unsafe(char):
        return char
    code = ord(char)
    if code > 0xFFFF:  # JSON spells astral characters as a surrogate pair
        code -= 0x10000
        return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
    return f"\\u{code:04x}"


def dumps(value: Any, **kwargs: Any) -> str:
    """``json.dumps`` keeping readable non-ASCII text but escaping every invisible character.

    ``json.dumps`` already writes C0 controls and DEL-free ASCII safely; this also writes C1
    controls, bidi overrides and isolates, zero-width and other format characters, line and
    paragraph separators and lone surrogates as ``\\uXXXX``.  They can only occur inside JSON
    strings (the structure is ASCII), where the escape parses back to the same character.
    """
    text = json.dumps(value, ensure_ascii=False, **kwargs)
    if text.isascii() and "\x7f" not in text:
        return text
    return _JSON_UNSAFE.sub(_json_escape, text)


__all__ = ["UNSAFE_CATEGORIES", "dumps", "unsafe", "visible"]
