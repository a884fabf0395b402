"""Real templates nobody here wrote (AUTOFIX_CORPUS, read-only): no-op identity and the plain view.

For every file under the corpus that parses, a document loaded and written with no operations is
byte-identical, and its plain view equals ``cfn_flip.to_json``.  Skipped when AUTOFIX_CORPUS is unset.
The corpus is cut into :data:`SHARDS` shards (every fourth file), so that pytest-xdist's workers share
cfn-flip's pure-Python reading of it, the bulk of the cost.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import cfn_flip
import pytest

from autofix.document import TemplateDocument, decode
from autofix.edits import apply_operations
from autofix.errors import AutofixError

CORPUS = os.environ.get("AUTOFIX_CORPUS")
SHARDS = 4


def corpus_files() -> list[Path]:
    root = Path(CORPUS or ".")
    return sorted(p for p in root.rglob("*") if p.suffix in (".json", ".yaml", ".yml", ".template"))


def same_but_empty_tags(ours: object, theirs: object) -> bool:
    """The views are equal but where an empty ``!`` scalar reads as ``''`` in ours and None in cfn-flip's.

    The one known divergence: PyYAML's C loader (ours) and its Python loader (cfn-flip's) resolve that
    scalar differently.
    """
    if isinstance(ours, dict) and isinstance(theirs, dict):
        return ours.keys() == theirs.keys() and all(same_but_empty_tags(ours[k], theirs[k]) for k in ours)
    if isinstance(ours, list) and isinstance(theirs, list):
        return len(ours) == len(theirs) and all(same_but_empty_tags(a, b) for a, b in zip(ours, theirs, strict=True))
    return ours == theirs or (ours == "" and theirs is None)


def test_the_known_divergence_is_only_the_empty_tag() -> None:
    assert same_but_empty_tags({"A": ["x", ""]}, {"A": ["x", None]})
    assert not same_but_empty_tags({"A": ["x", "y"]}, {"A": ["x", None]})
    assert not same_but_empty_tags({"A": [""]}, {"A": [None, None]})
    assert not same_but_empty_tags({"A": ""}, {"B": None})


@pytest.mark.skipif(not CORPUS or not Path(CORPUS).is_dir(), reason="AUTOFIX_CORPUS not set")
@pytest.mark.parametrize("shard", range(SHARDS))
def test_noop_round_trip_is_byte_identical_and_plain_view_matches_cfn_flip(shard: int) -> None:
    loaded = identical = agree = 0
    mismatches: list[str] = []
    for path in corpus_files()[shard::SHARDS]:
        data = path.read_bytes()
        try:
            doc = TemplateDocument.from_bytes(data, str(path), require_template=False)
        except AutofixError:
            continue
        loaded += 1
        if apply_operations(doc, []).dumps().encode("utf-8") == data:
            identical += 1
        else:
            mismatches.append(f"{path}: not byte-identical")
        try:
            reference = json.loads(cfn_flip.to_json(decode(data).lstrip("\ufeff")))
        except Exception:  # cfn-flip cannot read it (e.g. Fn::ForEach objects); nothing to compare
            agree += 1
            continue
        if reference == doc.data or same_but_empty_tags(doc.data, reference):
            agree += 1
        else:
            mismatches.append(f"{path}: plain view differs from cfn_flip")
    print(f"\n{loaded} parseable files; byte-identical no-op: {identical}; plain view == cfn_flip: {agree}")
    assert loaded > 100 // SHARDS
    assert not mismatches, mismatches[:10]
