"""The shared evaluation corpus (``AUTOFIX_CORPUS``: real templates nobody here wrote, read-only, outside the
project), as the tests that walk all of it read it: one list of its files, one skip mark.

:func:`files` lists each distinct file once: the corpus holds byte-identical copies (a task's final template
is often its model's answer unchanged), and a copy with the same suffix reads, checks and fixes exactly as
its first, so testing it again only costs time.
"""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from pathlib import Path

import pytest

CORPUS = os.environ.get("AUTOFIX_CORPUS")
ROOT = Path(CORPUS) if CORPUS else None
SUFFIXES = (".json", ".yaml", ".yml", ".template")

#: for a test that needs the corpus: skipped, saying why, when AUTOFIX_CORPUS is unset
needed = pytest.mark.skipif(ROOT is None or not ROOT.is_dir(), reason="AUTOFIX_CORPUS not set")


@lru_cache(maxsize=1)
def files() -> tuple[Path, ...]:
    """Every file under the corpus named like a template, by path, each distinct (suffix, bytes) once."""
    if ROOT is None or not ROOT.is_dir():
        return ()
    seen: set[tuple[str, bytes]] = set()
    kept = []
    for path in sorted(p for p in ROOT.rglob("*") if p.suffix in SUFFIXES and p.is_file()):
        key = (path.suffix, hashlib.sha256(path.read_bytes()).digest())
        if key not in seen:
            seen.add(key)
            kept.append(path)
    return tuple(kept)


def shard(index: int, shards: int) -> tuple[Path, ...]:
    """Every ``shards``-th file from the ``index``-th: the part one parametrized test takes (pytest-xdist
    spreads the parts over its workers)."""
    return files()[index::shards]
