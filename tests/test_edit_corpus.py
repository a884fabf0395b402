"""Real fixes keep every line outside their patched paths byte-identical (see :mod:`edit_regions`).

The fix loop runs as in production while every step the edit engine takes is checked as it is
taken (:func:`edit_regions.observed_steps`) against the lines its operation may change (its entry,
the separators and brackets of the container it changes, and any value the engine reports as
rewritten whole).  Over the cases under ``corpus/``, and with ``AUTOFIX_CORPUS`` set over every
template there with unsafe fixes on (marked ``replay``; cfn-flip's reading is compared on the corpus
cases only).
"""

from __future__ import annotations

import pytest
import shared_corpus
from corpus_cases import Case, all_cases
from edit_regions import agrees_with_cfn_flip, observed_steps

from autofix.apply import fix_loop
from autofix.document import TemplateDocument, decode
from autofix.errors import AutofixError
from autofix.load import load_text
from autofix.registry import rules_for
from autofix.settings import Settings

CASES = [c for c in all_cases() if c.output.exists()]
SHARDS = 4


def _checked(doc: TemplateDocument, settings: Settings, *, cfn_flip: bool = True) -> int:
    """Run the fix loop on one template, checking every step the edit engine takes; how many were checked.
    ``cfn_flip``: also compare cfn-flip's reading of each step (where it reads the input as autofix does)."""
    with observed_steps(cfn_flip_agrees=agrees_with_cfn_flip if cfn_flip else lambda doc: False) as checked:
        outcome = fix_loop(doc, rules_for(settings), settings)
    assert bool(checked[0]) == bool(outcome.applied), "a fix was applied without a step the engine took"
    return checked[0]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_corpus_fixes_change_no_line_outside_their_paths(case: Case) -> None:
    doc = load_text(case.input.read_text(encoding="utf-8"), case.input.name).document
    assert _checked(doc, case.settings()) > 0


@pytest.mark.replay
@shared_corpus.needed
@pytest.mark.parametrize("shard", range(SHARDS))
def test_shared_corpus_fixes_change_no_line_outside_their_paths(shard: int) -> None:
    settings = Settings(unsafe_fixes=True)
    checked = 0
    for path in shared_corpus.shard(shard, SHARDS):
        try:
            # the positioned reader refuses a few files that the fast one reads (the pipeline's validation)
            doc = load_text(decode(path.read_bytes()), str(path)).document
        except AutofixError:
            continue  # not a template, or broken on purpose
        try:
            # cfn-flip's pure-Python reader would make this run many times longer; the corpus cases and
            # the generated templates compare it at every step
            checked += _checked(doc, settings, cfn_flip=False)
        except AssertionError as exc:
            raise AssertionError(f"{path}: {exc}") from None
    assert checked > 0
