"""Every fixed DR corpus template is valid in both regions of a DR pair (cfn-lint, no error codes)."""

from __future__ import annotations

import pytest
from corpus_cases import Case, all_cases

cfnlint_api = pytest.importorskip("cfnlint.api")

FIXED = [c for c in all_cases() if c.output.exists()
         and (c.path.parent.name.startswith("DR") or c.path.parent.name == "seed")]


@pytest.mark.parametrize("case", FIXED, ids=[c.id for c in FIXED])
def test_fixed_dr_template_passes_cfn_lint_in_both_regions(case: Case) -> None:
    text = case.output.read_text(encoding="utf-8")
    matches = cfnlint_api.lint(text, config=cfnlint_api.ManualArgs(regions=["us-east-1", "us-west-2"]))
    errors = sorted({f"{m.rule.id} {m.message}" for m in matches if m.rule.id.startswith("E")})
    assert not errors
