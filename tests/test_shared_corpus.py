"""Real templates nobody here wrote (AUTOFIX_CORPUS, read-only): no-op identity and the plain view.

For every file under the corpus that parses, a document loaded and written with no operations is
byte-identical, and its plain view equals ``cfn_flip.to_json``.  Skipped when AUTOFIX_CORPUS is unset.
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
pytestmark = pytest.mark.skipif(not CORPUS or not Path(CORPUS).is_dir(), reason="AUTOFIX_CORPUS not set")


def corpus_files() -> list[Path]:
    root = Path(CORPUS or ".")
    return sorted(p for p in root.rglob("*") if p.suffix in (".json", ".yaml", ".yml", ".template"))


def test_noop_round_trip_is_byte_identical_and_plain_view_matches_cfn_flip() -> None:
    loaded = identical = agree = 0
    mismatches: list[str] = []
    for path in corpus_files():
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
        if reference == doc.data:
            agree += 1
        else:
            mismatches.append(f"{path}: plain view differs from cfn_flip")
    print(f"\n{loaded} parseable files; byte-identical no-op: {identical}; plain view == cfn_flip: {agree}")
    assert loaded > 100
    # one known divergence: PyYAML's C and Python loaders resolve an empty `!` scalar differently
    assert len(mismatches) <= 1, mismatches[:10]
