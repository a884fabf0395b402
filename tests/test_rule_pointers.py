"""Rules write JSON pointers and RFC 6902 operations one way: ``join_pointer`` / ``extend_pointer``
(``autofix.nodes``) for pointers, the fix builder (``self.fixer(ctx)``) for operations.

Pointers spelled out by hand (``f"{base}/{key}"``) skip RFC 6901 escaping, so a key holding ``/`` or
``~`` points elsewhere; operations written as dicts skip the builder's bookkeeping.  This test reads
the source of every rule module and refuses both shapes.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

RULES = Path(__file__).resolve().parent.parent / "autofix" / "rules"
SOURCES = sorted(p for p in RULES.rglob("*.py") if p.name != "index.py")
#: A constant piece of a hand-written pointer: ``/``-separated segments of the characters keys and
#: indexes use (a message that shows a path, "for us-east-1/Db", has words and spaces around it; an
#: ARN's "/*" is no segment).
_POINTER_PIECE = re.compile(r"^(/[\w:.~-]*)+$")
#: Written on the line of a ``/``-joined string that is not a pointer (a URL path, an S3 key prefix).
NOT_A_POINTER = "# not a JSON pointer"


def _pointer_like(node: ast.AST) -> bool:
    """An f-string or a ``+`` that glues a ``/``-separated piece to a value: a pointer built by hand."""
    if isinstance(node, ast.JoinedStr):
        pieces = [v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str)]
        formatted = any(isinstance(v, ast.FormattedValue) for v in node.values)
        return formatted and bool(pieces) and all(_POINTER_PIECE.match(p) for p in pieces)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        sides = (node.left, node.right)
        return any(isinstance(s, ast.Constant) and isinstance(s.value, str) and _POINTER_PIECE.match(s.value)
                   for s in sides)
    return False


def _offences(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    tree = ast.parse(text)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict) and any(isinstance(k, ast.Constant) and k.value == "op" for k in node.keys):
            found.append(f"{node.lineno}: an operation written as a dict (use self.fixer(ctx))")
        elif _pointer_like(node) and NOT_A_POINTER not in lines[node.lineno - 1]:
            found.append(f"{node.lineno}: a pointer built by hand, {ast.unparse(node)} (use join_pointer or "
                         "extend_pointer)")
    return found


@pytest.mark.parametrize("path", SOURCES, ids=[p.relative_to(RULES).as_posix() for p in SOURCES])
def test_rules_build_pointers_and_operations_through_the_helpers(path: Path) -> None:
    assert _offences(path) == []


@pytest.mark.parametrize("source", [
    'fix = [{"op": "add", "path": "/Resources/A", "value": 1}]',
    'pointer = f"{base}/Properties"',
    'pointer = f"/{section}"',
    'pointer = f"{base}/{key}"',
    'pointer = base + "/Properties/BucketName"',
])
def test_the_check_sees_hand_written_pointers_and_operations(source: str, tmp_path: Path) -> None:
    module = tmp_path / "rule.py"
    module.write_text(source + "\n", encoding="utf-8")
    assert len(_offences(module)) == 1


@pytest.mark.parametrize("source", [
    'message = f"class {current} for {top}/{second}, which is not supported"',
    'text = "arn:${AWS::Partition}:s3:::" + name + "/*"',
    'pointer = extend_pointer(base, "Properties", key)',
    'url = "/" + part  ' + NOT_A_POINTER + ": a URL path",
])
def test_messages_and_arns_are_not_pointers(source: str, tmp_path: Path) -> None:
    module = tmp_path / "rule.py"
    module.write_text(source + "\n", encoding="utf-8")
    assert _offences(module) == []
