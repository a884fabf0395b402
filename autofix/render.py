"""Turn plain values into template text in a document's own style.

Only new or replaced values are rendered; everything else keeps its bytes.
JSON is rendered with the file's indentation and separators.  YAML is
rendered block-style with the file's indentation, sequence layout, quoting,
and short-form intrinsic tags when the file uses them.  Given a
:class:`~autofix.reuse.TextBank`, a value already written in the template is
copied from there instead, and a string is quoted as it is written there.
"""

from __future__ import annotations

import json
import math
import re
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import yaml

from autofix.style import Style

if TYPE_CHECKING:
    from autofix.reuse import TextBank

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_NUMBERISH = re.compile(r"^[-+.]?\d|^\.(inf|nan)$", re.IGNORECASE)
_RISKY_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"}
_FLOW_CHARS = set(",[]{}")


# ---------------------------------------------------------------- JSON


def render_json(value: Any, style: Style, base: str = "", bank: TextBank | None = None) -> str:
    """JSON text for ``value``; continuation lines start with ``base``; ``bank``: copy what is written there."""
    if bank is not None and not style.compact:
        return _json_pretty(value, style, base, bank)
    if style.compact:
        return json.dumps(value, ensure_ascii=False, separators=(",", style.colon.strip() or ":"))
    if style.inline_short:
        return _json_pretty(value, style, base)
    text = json.dumps(value, ensure_ascii=False, indent=style.indent, separators=(",", style.colon))
    if "\n" in text:
        text = text.replace("\n", style.newline + base) if base or style.newline != "\n" else text
    return text


#: Longest collection kept on one line when the file writes short collections inline.
_INLINE_WIDTH = 60


def _json_pretty(value: Any, style: Style, base: str, bank: TextBank | None = None) -> str:
    """Pretty JSON that keeps short collections on one line where the file itself does (``style.inline_short``);
    with ``bank``, each collection written in its document is copied from there instead."""
    if bank is not None and isinstance(value, (dict, list)) and value:
        copied = bank.json(value, base, style.newline)
        if copied is not None:
            return copied
    if not isinstance(value, (dict, list)) or not value:
        return json.dumps(value, ensure_ascii=False)
    if style.inline_short:
        one_line = json.dumps(value, ensure_ascii=False, separators=(", ", style.colon))
        if len(one_line) <= _INLINE_WIDTH:
            return one_line
    inner = base + style.indent
    nl = style.newline
    if isinstance(value, dict):
        parts = [f"{inner}{json.dumps(k, ensure_ascii=False)}{style.colon}{_json_pretty(v, style, inner, bank)}"
                 for k, v in value.items()]
        return "{" + nl + ("," + nl).join(parts) + nl + base + "}"
    parts = [inner + _json_pretty(v, style, inner, bank) for v in value]
    return "[" + nl + ("," + nl).join(parts) + nl + base + "]"


# ---------------------------------------------------------------- YAML scalars


@lru_cache(maxsize=4096)
def plain_ok(s: str, flow: bool, key: bool = False) -> bool:
    """``s`` reads back as itself when written unquoted where it will go.

    Checked by parsing it in the same context (block or flow, key or value):
    indicators such as ``?`` or ``:`` mean different things in each.
    """
    if not s or s != s.strip() or "\n" in s or "\r" in s or "\t" in s:
        return False
    if s.lower() in _RISKY_WORDS or _NUMBERISH.match(s):
        return False
    if flow and _FLOW_CHARS & set(s):
        return False
    probes = [(f"{s}: 0", {s: 0}) if key else (f"k: {s}", {"k": s})]
    if flow:  # plain in flow only what is plain in block context too: "[-, a]" reads right but surprises
        probes.append((f"{{{s}: 0}}", {s: 0}) if key else (f"[{s}]", [s]))
    try:
        return all(yaml.load(probe, Loader=_Loader) == want for probe, want in probes)
    except yaml.YAMLError:
        return False


def quoted(s: str, quote: str) -> str:
    """``s`` in ``quote`` (``'`` or ``"``); double quotes where single quotes cannot carry it."""
    if quote == "'" and s.isprintable():
        return "'" + s.replace("'", "''") + "'"
    return json.dumps(s, ensure_ascii=False)


def yaml_scalar(value: Any, style: Style, *, key: bool = False, flow: bool = False) -> str:
    """One YAML scalar that reads back as ``value``."""
    if value is None:
        return "null"
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return ".nan"
        if math.isinf(value):
            return ".inf" if value > 0 else "-.inf"
        return repr(value)
    s = str(value)
    if plain_ok(s, flow, key) and (key or not style.quote_all):
        return s
    return quoted(s, style.quote)


# ---------------------------------------------------------------- YAML values


def intrinsic(value: Any) -> tuple[str, Any] | None:
    """``("Sub", arg)`` when ``value`` is a one-key intrinsic-function mapping."""
    if isinstance(value, dict) and len(value) == 1:
        (name, arg), = value.items()
        if name in ("Ref", "Condition"):
            return (name, arg) if name == "Ref" or isinstance(arg, str) else None
        if name.startswith("Fn::") and name not in ("Fn::Transform",):
            return name[4:], arg
    return None


def _taggable(fn: tuple[str, Any] | None) -> bool:
    """A short-form tag reads back as this intrinsic: YAML tags a scalar's *text*, so only a
    string argument survives, and ``!GetAtt`` keeps the raw text of its list items (cfn-flip cannot read others)."""
    if fn is None:
        return False
    name, arg = fn
    if intrinsic(arg) is not None:
        return False  # "!If !Ref x" is not YAML: two tags on one node
    if name == "GetAtt":  # a string argument would read back split at its first dot
        return isinstance(arg, list) and all(isinstance(a, str) for a in arg)
    return isinstance(arg, (str, list, dict))


def _dotted_getatt(arg: Any) -> bool:
    """``!GetAtt A.B`` reads back as ``[A, B]``: only when ``A`` has no dot of its own."""
    return len(arg) == 2 and "." not in arg[0]


class YamlRenderer:
    """Renders values as block YAML lines at absolute columns."""

    def __init__(self, style: Style, *, literals: bool = True, bank: TextBank | None = None) -> None:
        self.style = style
        #: Literal blocks (``|``) for multi-line strings; off where the new text does not end its
        #: line (see :meth:`autofix.splices.Splicer.renderer`).
        self.literals = literals
        #: Where values already written in the template are copied from (None: render everything).
        self.bank = bank
        #: Whether a literal block was rendered since last reset (only then is a retry without one worth it).
        self.wrote_literal = False

    def _copied(self, value: Any, owner: int, block_col: int) -> tuple[str, list[str]] | None:
        if self.bank is None or not isinstance(value, (dict, list)) or not value:
            return None
        return self.bank.yaml(value, owner, block_col)

    def scalar(self, value: Any, *, key: bool = False, flow: bool = False) -> str:
        """:func:`yaml_scalar`, except that a string written in the template is quoted as it is there."""
        if self.bank is not None and isinstance(value, str):
            quote = self.bank.quote(value, key=key)
            if quote == "plain" and plain_ok(value, flow, key):
                return value
            if quote in ("'", '"'):
                return quoted(value, quote)
        return yaml_scalar(value, self.style, key=key, flow=flow)

    # A value renders as (head, lines): ``head`` goes on the line of its key or dash
    # ("" when nothing does), ``lines`` follow, already indented.

    def value(self, value: Any, col: int) -> tuple[str, list[str]]:
        """Render ``value`` as the value of a key (or item) whose own column is ``col``."""
        st = self.style
        copied = self._copied(value, col, col + (st.unit if isinstance(value, dict) else st.seq_offset))
        if copied is not None:
            return copied
        fn = intrinsic(value) if st.short_form else None
        if _taggable(fn):
            name, arg = fn
            return self._tagged(name, arg, col)
        if isinstance(value, dict):
            if not value:
                return "{}", []
            return "", self.mapping(value, col + st.unit)
        if isinstance(value, list):
            if not value:
                return "[]", []
            return "", self.sequence(value, col + st.seq_offset)
        if isinstance(value, str) and "\n" in value.rstrip("\n") and self.literals and _literal_ok(value):
            self.wrote_literal = True
            return _literal_head(value), self._literal_lines(value, col + st.unit)
        return self.scalar(value), []

    def _tagged(self, name: str, arg: Any, col: int) -> tuple[str, list[str]]:
        st = self.style
        tag = "!" + name
        if name == "GetAtt" and _dotted_getatt(arg):
            return f"{tag} {self.scalar(arg[0] + '.' + arg[1])}", []
        if isinstance(arg, (dict, list)):
            flow = self.flow(arg)
            if flow is not None and len(flow) + col < 100:
                return f"{tag} {flow}", []
            if isinstance(arg, dict):
                return tag, self.mapping(arg, col + st.unit)
            return tag, self.sequence(arg, col + max(st.seq_offset, st.unit))
        if isinstance(arg, str) and "\n" in arg.rstrip("\n") and self.literals and _literal_ok(arg):
            self.wrote_literal = True
            return f"{tag} {_literal_head(arg)}", self._literal_lines(arg, col + st.unit)
        return f"{tag} {self.scalar(arg)}", []

    def flow(self, value: Any) -> str | None:
        """Single-line flow rendering, or None when one is not possible."""
        st = self.style
        fn = intrinsic(value) if st.short_form else None
        if _taggable(fn):
            name, arg = fn
            if name == "GetAtt" and _dotted_getatt(arg):
                return f"!GetAtt {self.scalar(arg[0] + '.' + arg[1], flow=True)}"
            inner = self.flow(arg)
            return None if inner is None else f"!{name} {inner}"
        if isinstance(value, dict):
            parts = []
            for k, v in value.items():
                fv = self.flow(v)
                if fv is None:
                    return None
                parts.append(f"{self.scalar(k, key=True, flow=True)}: {fv}")
            return "{" + ", ".join(parts) + "}"
        if isinstance(value, list):
            parts = []
            for v in value:
                fv = self.flow(v)
                if fv is None:
                    return None
                parts.append(fv)
            return "[" + ", ".join(parts) + "]"
        if isinstance(value, str) and ("\n" in value or "\r" in value):
            return json.dumps(value, ensure_ascii=False)
        return self.scalar(value, flow=True)

    def mapping(self, value: dict, col: int) -> list[str]:
        lines: list[str] = []
        pad = " " * col
        for k, v in value.items():
            key = self.scalar(k, key=True)
            head, body = self.value(v, col)
            lines.append(f"{pad}{key}:" + (f" {head}" if head else ""))
            lines.extend(body)
        return lines

    def sequence(self, value: list, col: int) -> list[str]:
        """Items with their dash at ``col``."""
        lines: list[str] = []
        off = self.style.item_offset
        dash = " " * col + "-" + " " * (off - 1)
        for item in value:
            lines.extend(self.item(item, col, dash))
        return lines

    def item(self, item: Any, col: int, dash: str) -> list[str]:
        """One sequence item whose dash is at ``col``; ``dash`` is the dash prefix (its content's column)."""
        inner = len(dash)
        copied = self._copied(item, col, inner)
        if copied is not None:
            head, body = copied
            return [dash + head, *body] if head else [dash + body[0][inner:], *body[1:]]
        fn = intrinsic(item) if self.style.short_form else None
        if isinstance(item, dict) and item and not _taggable(fn):
            body = self.mapping(item, inner)
            return [dash + body[0][inner:], *body[1:]]
        if isinstance(item, list) and item:
            body = self.sequence(item, inner)
            return [dash + body[0][inner:], *body[1:]]
        head, body = self.value(item, inner - self.style.unit)
        return [dash + head, *body]

    def _literal_lines(self, s: str, col: int) -> list[str]:
        pad = " " * col
        text = s[:-1] if s.endswith("\n") else s
        return [pad + line if line else "" for line in text.split("\n")]


def _literal_ok(s: str) -> bool:
    """A literal block can carry ``s`` exactly (no trailing blanks, printable lines)."""
    if s.endswith("\n\n") or s.startswith((" ", "\n")):
        return False
    return all(line == line.rstrip(" \t") and line.isprintable() for line in s.split("\n"))


def _literal_head(s: str) -> str:
    return "|" if s.endswith("\n") else "|-"
