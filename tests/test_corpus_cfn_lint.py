"""cfn-lint as the validator: no corpus output gains a cfn-lint error code its input did not have."""

from __future__ import annotations

import pytest
from corpus_cases import Case, all_cases

cfnlint_api = pytest.importorskip("cfnlint.api")

FIXED = [c for c in all_cases() if c.output.exists()]


def error_codes(text: str) -> set[str]:
    matches = cfnlint_api.lint(text, config=cfnlint_api.ManualArgs(regions=["us-east-1"]))
    return {m.rule.id for m in matches if m.rule.id.startswith("E")}


@pytest.mark.parametrize("case", FIXED, ids=[c.id for c in FIXED])
def test_fixed_output_gains_no_cfn_lint_error(case: Case) -> None:
    before = error_codes(case.input.read_text(encoding="utf-8"))
    after = error_codes(case.output.read_text(encoding="utf-8"))
    assert after <= before, f"new cfn-lint errors: {sorted(after - before)}"
    assert not after, f"cfn-lint errors left in the fixed template: {sorted(after)}"
