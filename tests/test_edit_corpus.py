"""Real fixes keep every line outside their patched paths byte-identical (see :mod:`edit_regions`).

Each fix the fix loop applies is replayed operation by operation, each step checked against the
lines its operation may change (its entry, the separators and brackets of the container it
changes, and any value the engine reports as rewritten whole); the replay must end on the very
text the loop wrote.  Over the cases under ``corpus/``, and with ``AUTOFIX_CORPUS`` set over every
template there with unsafe fixes on (marked ``replay``; cfn-flip's reading is compared on the corpus
cases only).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from corpus_cases import Case, all_cases
from edit_regions import agrees_with_cfn_flip, replay

from autofix.apply import fix_loop
from autofix.document import TemplateDocument, decode
from autofix.errors import AutofixError
from autofix.load import load_text
from autofix.registry import rules_for
from autofix.reuse import TextBank
from autofix.settings import Settings

CASES = [c for c in all_cases() if c.output.exists()]
CORPUS = os.environ.get("AUTOFIX_CORPUS")
SHARDS = 4


def _replayed(doc: TemplateDocument, settings: Settings, *, cfn_flip: bool = True) -> int:
    """Replay and check every fix of one template; how many operations were checked.  ``cfn_flip``: also
    compare cfn-flip's reading of each step (where it reads the input as autofix does)."""
    outcome = fix_loop(doc, rules_for(settings), settings)
    checked = 0
    agrees = cfn_flip and bool(outcome.applied) and agrees_with_cfn_flip(doc)
    for fix in outcome.applied:
        doc = replay(doc, fix.operations, TextBank(doc), cfn_flip_agrees=agrees)
        checked += len(fix.operations)
    assert doc.text == outcome.document.text, "the replay wrote another text than the fix loop"
    return checked


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_corpus_fixes_change_no_line_outside_their_paths(case: Case) -> None:
    doc = load_text(case.input.read_text(encoding="utf-8"), case.input.name).document
    assert _replayed(doc, case.settings()) > 0


def _shared_files(shard: int) -> list[Path]:
    root = Path(CORPUS or ".")
    files = sorted(p for p in root.rglob("*") if p.suffix in (".json", ".yaml", ".yml", ".template") and p.is_file())
    return files[shard::SHARDS]


@pytest.mark.replay
@pytest.mark.skipif(not CORPUS or not Path(CORPUS).is_dir(), reason="AUTOFIX_CORPUS not set")
@pytest.mark.parametrize("shard", range(SHARDS))
def test_shared_corpus_fixes_change_no_line_outside_their_paths(shard: int) -> None:
    settings = Settings(unsafe_fixes=True)
    checked = 0
    for path in _shared_files(shard):
        try:
            # the positioned reader refuses a few files that the fast one reads (the pipeline's validation)
            doc = load_text(decode(path.read_bytes()), str(path)).document
        except AutofixError:
            continue  # not a template, or broken on purpose
        try:
            # cfn-flip's pure-Python reader would make this run many times longer; the corpus cases and
            # the generated templates compare it at every step
            checked += _replayed(doc, settings, cfn_flip=False)
        except AssertionError as exc:
            raise AssertionError(f"{path}: {exc}") from None
    assert checked > 0
